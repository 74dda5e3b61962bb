//! wasmqtt's codec, exported to the browser benchmark: the same workload as
//! `benches/codec.rs` (PUBLISH, QoS 1, MQTT 5, one user property), run in the page next to
//! MQTT.js's `mqtt-packet`. Each call does the whole loop inside wasm, as the client does: one
//! crossing per batch, not per packet.
#![forbid(unsafe_code)]

use std::num::NonZeroU16;

use wasmqtt::codec::{
    Delivery, Packet, ProtocolVersion, Publish, PublishProperties, StreamDecoder, UserProperty,
    MAX_PACKET_SIZE,
};
use wasmqtt::topic::TopicName;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Bytes fed to the decoder at a time, as WebSocket frames would bring them.
const CHUNK: usize = 16 * 1024;

/// Encodes `count` PUBLISH packets (ids 1, 2, …) of `topic`, `payload` and one user property
/// into one buffer; empty when an input is invalid (the benchmark checks the length).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen(js_name = encodePublishes))]
pub fn encode_publishes(
    count: u32,
    topic: &str,
    payload: &[u8],
    key: &str,
    value: &str,
) -> Vec<u8> {
    let (Ok(topic), Ok(user)) = (TopicName::new(topic), UserProperty::new(key, value)) else {
        return Vec::new();
    };
    let mut packet = Publish {
        topic,
        delivery: Delivery::AtMostOnce,
        retain: false,
        payload: payload.to_vec(),
        properties: PublishProperties { user_properties: vec![user], ..Default::default() },
    };
    let mut out = Vec::with_capacity(count as usize * (payload.len() + 64));
    let mut packet_id = NonZeroU16::MIN;
    for _ in 0..count {
        packet.delivery = Delivery::AtLeastOnce { packet_id, dup: false };
        packet_id = packet_id.checked_add(1).unwrap_or(NonZeroU16::MIN);
        let whole = Packet::Publish(packet);
        if whole.encode(ProtocolVersion::V5, &mut out).is_err() {
            return Vec::new();
        }
        let Packet::Publish(p) = whole else { return Vec::new() };
        packet = p;
    }
    out
}

/// Decodes a stream of MQTT 5 packets in 16 KiB chunks; the number of packets, or -1 at the
/// first error.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen(js_name = decodeStream))]
pub fn decode_stream(bytes: &[u8]) -> i32 {
    let mut decoder = StreamDecoder::new(ProtocolVersion::V5, MAX_PACKET_SIZE);
    let mut count = 0i32;
    for chunk in bytes.chunks(CHUNK) {
        if decoder.feed(chunk).is_err() {
            return -1;
        }
        loop {
            match decoder.next_packet() {
                Ok(Some(Packet::Publish(p))) => count += i32::from(!p.payload.is_empty()),
                Ok(Some(_)) => count += 1,
                Ok(None) => break,
                Err(_) => return -1,
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encoded_decodes_to_as_many_packets() {
        let bytes = encode_publishes(1000, "bench/t", &[7; 64], "source", "bench");
        assert!(bytes.len() > 1000 * 64);
        assert_eq!(decode_stream(&bytes), 1000);
    }

    #[test]
    fn bad_input_is_refused_without_a_panic() {
        assert!(encode_publishes(3, "bench/#", &[1], "k", "v").is_empty());
        assert_eq!(decode_stream(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]), -1);
    }
}
