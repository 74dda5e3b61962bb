//! Helpers shared by the golden-vector tests: the two-way check and short constructors.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use wasmqtt::codec::{
    decode, BinaryData, Decoded, MqttString, Packet, PacketId, ProtocolVersion, UserProperty,
    MAX_PACKET_SIZE,
};
use wasmqtt::topic::{TopicFilter, TopicName};

/// Checks a hand-written vector in both directions: `bytes` decodes to `expected` using every
/// byte, and `expected` encodes to exactly `bytes`.
pub(crate) fn golden(version: ProtocolVersion, bytes: &[u8], expected: &Packet) {
    decodes_to(version, bytes, expected);
    let mut out = Vec::new();
    let written = expected
        .encode(version, &mut out)
        .unwrap_or_else(|e| panic!("{version}: encoding {expected:?} failed: {e}"));
    assert_eq!(out, bytes, "{version}: encoding {expected:?}");
    assert_eq!(written, bytes.len(), "{version}: reported length");
    assert_eq!(expected.encoded_len(version), Ok(bytes.len()));
}

/// Checks the decode direction only: for vectors that are valid on the wire but longer than
/// what the encoder chooses to write. Every proper prefix must be [`Decoded::Partial`].
pub(crate) fn decodes_to(version: ProtocolVersion, bytes: &[u8], expected: &Packet) {
    assert_eq!(
        decode(bytes, version, MAX_PACKET_SIZE),
        Ok(Decoded::Packet(expected.clone(), bytes.len())),
        "{version}: decoding {bytes:02X?}"
    );
    for end in 0..bytes.len() {
        assert_eq!(
            decode(&bytes[..end], version, MAX_PACKET_SIZE),
            Ok(Decoded::Partial),
            "{version}: decoding the first {end} bytes of {bytes:02X?}"
        );
    }
}

/// A UTF-8 string field.
pub(crate) fn string(s: &str) -> MqttString {
    MqttString::new(s).expect("valid MQTT string")
}

/// A binary data field.
pub(crate) fn binary(bytes: &[u8]) -> BinaryData {
    BinaryData::new(bytes).expect("valid binary data")
}

/// A topic name.
pub(crate) fn topic(s: &str) -> TopicName {
    TopicName::new(s).expect("valid topic name")
}

/// A topic filter.
pub(crate) fn filter(s: &str) -> TopicFilter {
    TopicFilter::new(s).expect("valid topic filter")
}

/// A packet identifier.
pub(crate) fn pid(id: u16) -> PacketId {
    PacketId::new(id).expect("non-zero packet identifier")
}

/// A user property.
pub(crate) fn user(key: &str, value: &str) -> UserProperty {
    UserProperty::new(key, value).expect("valid user property")
}
