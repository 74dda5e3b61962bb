//! The online MQTT test client: a Leptos app on the wasmqtt crate's Rust API
//! (`wasmqtt::wasm::Connection`). The state models are plain Rust and tested natively; the
//! user interface is compiled for the browser only.

pub mod app_settings;
pub mod cbor;
pub mod chart;
pub mod encoding;
pub mod history;
pub mod i18n;
pub mod inspect;
pub mod json;
pub mod message_batch;
pub mod model;
pub mod msgpack;
pub mod subscription_look;
pub mod tree;
pub mod value;
pub mod will;

#[cfg(target_arch = "wasm32")]
pub mod ui;
