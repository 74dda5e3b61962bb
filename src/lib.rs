//! wasmqtt: an MQTT 3.1, 3.1.1 and 5.0 client whose protocol core is sans-IO Rust.
//!
//! The core ([`codec`], [`topic`]) never touches a socket, a timer or the clock, so the same
//! code runs natively in tests and in the browser as WebAssembly.
//!
//! ```
//! use wasmqtt::codec::{decode, Decoded, Packet, ProtocolVersion, Publish, MAX_PACKET_SIZE};
//! use wasmqtt::topic::{TopicFilter, TopicName};
//!
//! let topic = TopicName::new("sensor/1/temperature")?;
//! assert!(TopicFilter::new("sensor/+/temperature")?.matches(&topic));
//!
//! let publish = Packet::Publish(Publish { topic, payload: b"21.5".to_vec(), ..Publish::default() });
//! let mut bytes = Vec::new();
//! publish.encode(ProtocolVersion::V5, &mut bytes)?;
//! let decoded = decode(&bytes, ProtocolVersion::V5, MAX_PACKET_SIZE)?;
//! assert_eq!(decoded, Decoded::Packet(publish, bytes.len()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
// Never panic on any input (a panic kills the page's client): the library itself may not
// unwrap, expect, panic or index unchecked. Tests, benches and fuzz targets may.
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]

pub mod codec;
mod fast_map;
pub mod scram;
pub mod session;
pub mod topic;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
