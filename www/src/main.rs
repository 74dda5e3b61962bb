//! The app's entry point: mounts the user interface (in the browser; natively it does nothing,
//! so that `cargo test` on the host builds the workspace).

fn main() {
    #[cfg(target_arch = "wasm32")]
    wasmqtt_app::ui::start();
}
