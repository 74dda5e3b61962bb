//! Re-exports mqtt5-wasm's `#[wasm_bindgen]` API unchanged, so wasm-bindgen emits it as is.
pub use mqtt5_wasm::*;
