//! The malformed-input table: a minimal input for each way a packet can be broken, with the
//! error variant the decoder must report and the reason code a session must close with.
#![cfg(not(target_arch = "wasm32"))]

use wasmqtt::codec::{
    decode, DecodeError as E, PacketType as T, PropertyId as P, ProtocolVersion, ReasonCode as R,
    StreamDecoder,
};
use wasmqtt::topic::{TopicErrorKind, TopicFilter, TopicName};

const V311: ProtocolVersion = ProtocolVersion::V3_1_1;
const V5: ProtocolVersion = ProtocolVersion::V5;

/// Decodes `bytes` under a 1 KiB limit, expecting an error; the stream decoder, fed one byte at
/// a time, must report the same error.
fn refuse(version: ProtocolVersion, bytes: &[u8]) -> E {
    let err = decode(bytes, version, 1024).expect_err("should be refused");
    let mut stream = StreamDecoder::new(version, 1024);
    let streamed = bytes
        .iter()
        .find_map(|b| {
            stream.feed(std::slice::from_ref(b)).err().or_else(|| stream.next_packet().err())
        })
        .expect("the stream refuses it too");
    assert_eq!(streamed, err, "stream and whole-buffer decode disagree on {bytes:02X?}");
    err
}

#[test]
fn fixed_header_errors() {
    let cases: Vec<(ProtocolVersion, &[u8], E, R)> = vec![
        // Packet type 0 is reserved.
        (V5, &[0x00, 0x00], E::UnknownPacketType(0), R::MalformedPacket),
        // AUTH (15) does not exist before MQTT 5.
        (V311, &[0xF0, 0x00], E::UnknownPacketType(15), R::MalformedPacket),
        // [MQTT-2.1.3-1]: PINGREQ flags must be 0, PUBREL / SUBSCRIBE flags must be 0b0010.
        (
            V5,
            &[0xC1, 0x00],
            E::InvalidFixedHeaderFlags { packet: T::PingReq, flags: 1 },
            R::MalformedPacket,
        ),
        (
            V311,
            &[0x60, 0x02, 0x00, 0x01],
            E::InvalidFixedHeaderFlags { packet: T::PubRel, flags: 0 },
            R::MalformedPacket,
        ),
        // [MQTT-1.5.5-1]: a fifth length byte, and a length padded with a zero byte.
        (
            V5,
            &[0x30, 0x80, 0x80, 0x80, 0x80, 0x01],
            E::VariableByteIntegerTooLong,
            R::MalformedPacket,
        ),
        (
            V5,
            &[0xC0, 0x80, 0x00],
            E::NonMinimalVariableByteInteger { value: 0 },
            R::MalformedPacket,
        ),
        // 2 + 2000 bytes under a 1 KiB limit: refused from the header alone.
        (
            V5,
            &[0x30, 0xD0, 0x0F],
            E::PacketTooLarge { size: 2003, maximum: 1024 },
            R::PacketTooLarge,
        ),
    ];
    for (version, bytes, err, reason) in cases {
        assert_eq!(refuse(version, bytes), err, "{bytes:02X?}");
        assert_eq!(err.reason_code(), reason, "{err}");
    }
}

#[test]
fn field_errors() {
    let cases: Vec<(ProtocolVersion, &[u8], E, R)> = vec![
        // PUBACK whose packet identifier is cut.
        (
            V5,
            &[0x40, 0x01, 0x00],
            E::UnexpectedEnd { packet: T::PubAck, field: "packet identifier" },
            R::MalformedPacket,
        ),
        // PINGREQ with a body; a 3.1.1 PUBACK with a reason code.
        (
            V5,
            &[0xC0, 0x01, 0x00],
            E::TrailingBytes { packet: T::PingReq, extra: 1 },
            R::MalformedPacket,
        ),
        (
            V311,
            &[0x40, 0x03, 0x00, 0x01, 0x00],
            E::TrailingBytes { packet: T::PubAck, extra: 1 },
            R::MalformedPacket,
        ),
        // [MQTT-1.5.4-1]: topic byte 0xFF is not UTF-8.
        (
            V311,
            &[0x30, 0x03, 0x00, 0x01, 0xFF],
            E::InvalidUtf8 { field: "topic name" },
            R::MalformedPacket,
        ),
        // [MQTT-1.5.4-2]: topic "\0".
        (
            V311,
            &[0x30, 0x03, 0x00, 0x01, 0x00],
            E::NullCharacter { field: "topic name" },
            R::MalformedPacket,
        ),
        // [MQTT-3.3.1-4]: PUBLISH with QoS 3.
        (
            V311,
            &[0x36, 0x05, 0x00, 0x01, b'a', 0x00, 0x01],
            E::InvalidQoS { field: "PUBLISH fixed header" },
            R::MalformedPacket,
        ),
        // [MQTT-3.3.1-2]: DUP on QoS 0.
        (V311, &[0x38, 0x03, 0x00, 0x01, b'a'], E::DupOnQoS0, R::ProtocolError),
        // [MQTT-2.2.1-3]: packet identifier 0.
        (V311, &[0x40, 0x02, 0x00, 0x00], E::ZeroPacketId { packet: T::PubAck }, R::ProtocolError),
        (
            V5,
            &[0x32, 0x06, 0x00, 0x01, b'a', 0x00, 0x00, 0x00],
            E::ZeroPacketId { packet: T::Publish },
            R::ProtocolError,
        ),
        // [MQTT-3.3.2-2]: a wildcard in a PUBLISH topic name.
        (
            V311,
            &[0x30, 0x05, 0x00, 0x03, b'a', b'/', b'+'],
            E::InvalidTopicName {
                field: "topic name",
                source: wasmqtt::topic::TopicName::new("a/+").unwrap_err(),
            },
            R::MalformedPacket,
        ),
        // MQTT 5 PUBLISH with an empty topic and no topic alias.
        (V5, &[0x30, 0x03, 0x00, 0x00, 0x00], E::MissingTopic, R::ProtocolError),
    ];
    for (version, bytes, err, reason) in cases {
        assert_eq!(refuse(version, bytes), err, "{bytes:02X?}");
        assert_eq!(err.reason_code(), reason, "{err}");
    }
}

#[test]
fn connect_errors() {
    // CONNECT: name, level, flags, keep alive 60, (properties), client id "c".
    let connect = |name: &[u8], level: u8, flags: u8| {
        let mut body = vec![0x00, name.len() as u8];
        body.extend_from_slice(name);
        body.extend_from_slice(&[level, flags, 0x00, 0x3C]);
        if level == 5 {
            body.push(0x00);
        }
        body.extend_from_slice(&[0x00, 0x01, b'c']);
        let mut packet = vec![0x10, body.len() as u8];
        packet.extend(body);
        packet
    };
    let cases: Vec<(ProtocolVersion, Vec<u8>, E, R)> = vec![
        (
            V5,
            connect(b"MQTX", 5, 0x02),
            E::InvalidProtocolName { name: "MQTX".into() },
            R::UnsupportedProtocolVersion,
        ),
        (
            V311,
            connect(b"MQTT", 5, 0x02),
            E::UnsupportedProtocolVersion { level: 5, expected: 4 },
            R::UnsupportedProtocolVersion,
        ),
        // [MQTT-3.1.2-3]: the reserved flag.
        (
            V5,
            connect(b"MQTT", 5, 0x03),
            E::InvalidConnectFlags { flags: 0x03, why: "the reserved bit 0 is set" },
            R::MalformedPacket,
        ),
        // [MQTT-3.1.2-13]: will QoS without the will flag.
        (
            V311,
            connect(b"MQTT", 4, 0x08),
            E::InvalidConnectFlags {
                flags: 0x08,
                why: "will QoS or will retain is set without the will flag",
            },
            R::MalformedPacket,
        ),
        // [MQTT-3.1.2-22]: 3.1.1 password without user name.
        (
            V311,
            connect(b"MQTT", 4, 0x42),
            E::InvalidConnectFlags { flags: 0x42, why: "a password without a user name" },
            R::MalformedPacket,
        ),
        // [MQTT-3.2.2-1]: CONNACK acknowledge flags use bits 7-1.
        (V311, vec![0x20, 0x02, 0x02, 0x00], E::InvalidConnAckFlags(0x02), R::MalformedPacket),
        // 3.1.1 CONNACK return code 6 does not exist.
        (
            V311,
            vec![0x20, 0x02, 0x00, 0x06],
            E::InvalidReasonCode { packet: T::ConnAck, code: 6 },
            R::MalformedPacket,
        ),
    ];
    for (version, bytes, err, reason) in cases {
        assert_eq!(refuse(version, &bytes), err, "{bytes:02X?}");
        assert_eq!(err.reason_code(), reason, "{err}");
    }
}

#[test]
fn reason_code_and_property_errors() {
    let cases: Vec<(&[u8], E, R)> = vec![
        // [MQTT-3.4.2-1]: PUBACK may not carry "Granted QoS 2".
        (
            &[0x40, 0x03, 0x00, 0x01, 0x02],
            E::InvalidReasonCode { packet: T::PubAck, code: 0x02 },
            R::MalformedPacket,
        ),
        // Property 0x05 does not exist.
        (
            &[0x40, 0x06, 0x00, 0x01, 0x00, 0x02, 0x05, 0x00],
            E::UnknownProperty(5),
            R::MalformedPacket,
        ),
        // Session Expiry Interval in a PUBACK.
        (
            &[0x40, 0x09, 0x00, 0x01, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x00],
            E::PropertyNotAllowed { property: P::SessionExpiryInterval, context: "PUBACK" },
            R::MalformedPacket,
        ),
        // Two reason strings in a PUBACK.
        (
            &[0x40, 0x0A, 0x00, 0x01, 0x00, 0x06, 0x1F, 0x00, 0x00, 0x1F, 0x00, 0x00],
            E::DuplicateProperty { property: P::ReasonString, context: "PUBACK" },
            R::ProtocolError,
        ),
        // CONNACK with Retain Available = 2.
        (
            &[0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02],
            E::InvalidPropertyValue { property: P::RetainAvailable, value: 2 },
            R::ProtocolError,
        ),
        // CONNACK with Maximum QoS = 2, which may not be sent.
        (
            &[0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02],
            E::InvalidPropertyValue { property: P::MaximumQoS, value: 2 },
            R::ProtocolError,
        ),
        // [MQTT-3.3.2-8]: Topic Alias 0.
        (
            &[0x30, 0x07, 0x00, 0x01, b'a', 0x03, 0x23, 0x00, 0x00],
            E::InvalidPropertyValue { property: P::TopicAlias, value: 0 },
            R::TopicAliasInvalid,
        ),
        // AUTH with authentication data but no method.
        (
            &[0xF0, 0x05, 0x18, 0x03, 0x16, 0x00, 0x00],
            E::AuthenticationDataWithoutMethod { packet: T::Auth },
            R::ProtocolError,
        ),
        // Property length running past the packet.
        (
            &[0x40, 0x04, 0x00, 0x01, 0x00, 0x05],
            E::UnexpectedEnd { packet: T::PubAck, field: "properties" },
            R::MalformedPacket,
        ),
    ];
    for (bytes, err, reason) in cases {
        assert_eq!(refuse(V5, bytes), err, "{bytes:02X?}");
        assert_eq!(err.reason_code(), reason, "{err}");
    }
}

#[test]
fn subscription_errors() {
    // SUBSCRIBE packet id 1, no properties, then `payload`.
    let subscribe = |payload: &[u8]| {
        let mut packet = vec![0x82, (3 + payload.len()) as u8, 0x00, 0x01, 0x00];
        packet.extend_from_slice(payload);
        packet
    };
    let filter_err = |f: &str| wasmqtt::topic::TopicFilter::new(f).unwrap_err();
    assert_eq!(filter_err("a#").kind, TopicErrorKind::MisplacedMultiLevelWildcard);
    let cases: Vec<(Vec<u8>, E, R)> = vec![
        (
            subscribe(&[0x00, 0x02, b'a', b'#', 0x00]),
            E::InvalidTopicFilter(filter_err("a#")),
            R::MalformedPacket,
        ),
        // [MQTT-3.8.3-2]: no filter at all.
        (subscribe(&[]), E::NoTopicFilters { packet: T::Subscribe }, R::ProtocolError),
        (
            vec![0xA2, 0x03, 0x00, 0x01, 0x00],
            E::NoTopicFilters { packet: T::Unsubscribe },
            R::ProtocolError,
        ),
        // [MQTT-3.8.3-5]: reserved bits 7-6 of the options.
        (
            subscribe(&[0x00, 0x01, b'a', 0x40]),
            E::InvalidSubscriptionOptions(0x40),
            R::MalformedPacket,
        ),
        (subscribe(&[0x00, 0x01, b'a', 0x30]), E::InvalidRetainHandling, R::ProtocolError),
        (
            subscribe(&[0x00, 0x01, b'a', 0x03]),
            E::InvalidQoS { field: "subscription options" },
            R::MalformedPacket,
        ),
        // [MQTT-3.8.3-4]: No Local on a shared subscription.
        (
            subscribe(&[
                0x00, 0x0A, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b't', 0x04,
            ]),
            E::NoLocalOnSharedSubscription("$share/g/t".into()),
            R::ProtocolError,
        ),
    ];
    for (bytes, err, reason) in cases {
        assert_eq!(refuse(V5, &bytes), err, "{bytes:02X?}");
        assert_eq!(err.reason_code(), reason, "{err}");
    }
    // Under 3.1.1 only the QoS bits exist [MQTT-3-8.3-4 in 3.1.1].
    let v3 = [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x04];
    assert_eq!(refuse(V311, &v3), E::InvalidSubscriptionOptions(0x04));
}

#[test]
fn messages_name_the_bad_value() {
    let err = refuse(V5, &[0x40, 0x03, 0x00, 0x01, 0x02]);
    assert_eq!(err.to_string(), "PubAck carries reason code 0x02, which it may not");
    let err = refuse(V5, &[0x30, 0xD0, 0x0F]);
    assert_eq!(
        err.to_string(),
        "packet of 2003 bytes exceeds the maximum packet size of 1024 bytes"
    );
}

#[test]
fn encode_refuses_what_decode_would_refuse() {
    use wasmqtt::codec::{
        BinaryData, Connect, EncodeError, Packet, PacketId, Publish, Subscribe, Subscription,
        SubscriptionOptions, Unsubscribe,
    };
    let invalid = |packet: Packet, version: ProtocolVersion| {
        let mut out = Vec::new();
        let err = packet.encode(version, &mut out).expect_err("should be refused");
        assert!(out.is_empty(), "nothing is written on failure");
        match err {
            EncodeError::Invalid { why, .. } => why,
            other => panic!("expected Invalid, got {other}"),
        }
    };
    let id = PacketId::new(1).unwrap();
    // [MQTT-3.3.2-1]: a PUBLISH needs a topic or (MQTT 5) a topic alias.
    let publish = Publish { topic: TopicName::default(), ..Publish::default() };
    assert!(invalid(Packet::Publish(publish.clone()), V5).contains("no topic alias"));
    assert!(invalid(Packet::Publish(publish), V311).contains("no topic alias"));
    // [MQTT-3.8.3-2], [MQTT-3.10.3-2]: at least one filter.
    let subscribe =
        Subscribe { packet_id: id, subscriptions: vec![], properties: Default::default() };
    assert!(invalid(Packet::Subscribe(subscribe), V5).contains("no topic filter"));
    let unsubscribe =
        Unsubscribe { packet_id: id, filters: vec![], properties: Default::default() };
    assert!(invalid(Packet::Unsubscribe(unsubscribe), V311).contains("no topic filter"));
    // [MQTT-3.8.3-4]: No Local on a shared subscription (MQTT 5; 3.1.1 cannot express it).
    let shared = Subscription {
        filter: TopicFilter::new("$share/g/t").unwrap(),
        options: SubscriptionOptions { no_local: true, ..Default::default() },
    };
    let subscribe =
        Subscribe { packet_id: id, subscriptions: vec![shared], properties: Default::default() };
    assert!(invalid(Packet::Subscribe(subscribe.clone()), V5).contains("No Local"));
    assert!(Packet::Subscribe(subscribe).encode(V311, &mut Vec::new()).is_ok());
    // [MQTT-3.1.2-22]: 3.1.1 password without user name; MQTT 5 allows it.
    let connect =
        Connect { password: Some(BinaryData::new(*b"pw").unwrap()), ..Connect::default() };
    assert!(invalid(Packet::Connect(Box::new(connect.clone())), V311).contains("password"));
    assert!(Packet::Connect(Box::new(connect.clone())).encode(V5, &mut Vec::new()).is_ok());
    // Authentication data needs a method.
    let mut connect = connect;
    connect.properties.authentication_data = Some(BinaryData::new(*b"x").unwrap());
    assert!(invalid(Packet::Connect(Box::new(connect)), V5).contains("authentication method"));
}
