//! The browser layer, compiled for `wasm32` only: a WebSocket transport, a driver that pumps
//! bytes, deadlines and events between the sans-IO session and the browser, and an API shaped
//! like MQTT.js 5 (`connect`, `connectAsync`, `MqttClient`); Rust apps use [`Connection`].

#[cfg(feature = "js-api")]
mod client;
mod connection;
#[cfg(feature = "js-api")]
mod driver;
#[cfg(feature = "js-api")]
mod error;
mod host;
#[cfg(feature = "js-api")]
mod js;
#[cfg(feature = "js-api")]
mod packet_view;
mod socket;
#[cfg(feature = "js-api")]
mod store;
#[cfg(feature = "js-api")]
mod types;

#[cfg(feature = "js-api")]
pub use client::{connect, connect_async, Driver};
pub use connection::Connection;

/// The package's allocator: talc, smaller and faster than std's dlmalloc in wasm. Not with
/// wasm threads (`+atomics`), which talc's single-threaded cell does not support.
#[cfg(all(feature = "small-allocator", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// `n` bytes from the browser's `crypto.getRandomValues`: seeds for nonces such as SCRAM's.
pub fn random_bytes(n: usize) -> Vec<u8> {
    host::random_bytes(n)
}

/// The library version, so a page can tell which build it loaded.
#[cfg(feature = "js-api")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
