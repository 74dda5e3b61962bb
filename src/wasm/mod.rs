//! The browser layer, compiled for `wasm32` only: a WebSocket transport, a driver that pumps
//! bytes, deadlines and events between the sans-IO session and the browser, and an API shaped
//! like MQTT.js 5 (`connect`, `connectAsync`, `MqttClient`).

mod client;
mod convert;
mod driver;
mod error;
mod host;
mod options;
mod socket;
mod store;
mod types;

pub use client::{connect, connect_async, MqttClient};

use wasm_bindgen::prelude::wasm_bindgen;

/// The library version, so a page can tell which build it loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
