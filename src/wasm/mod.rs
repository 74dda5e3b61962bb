//! The browser layer: compiled for `wasm32` only. It pumps bytes, deadlines and events between
//! the sans-IO core and the browser; the WebSocket driver and the JS API grow here.

use wasm_bindgen::prelude::wasm_bindgen;

/// The library version, so a page can tell which build it loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
