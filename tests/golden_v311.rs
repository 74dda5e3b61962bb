//! Golden byte vectors for MQTT 3.1.1 (OASIS Standard, 29 October 2014), plus CONNECT under
//! MQTT 3.1 (protocol name "MQIsdp", level 3).
//!
//! Every vector is written by hand from the specification, field by field; none comes from our
//! encoder. Each is checked both ways: the bytes decode to the expected packet, and the packet
//! encodes to exactly the bytes (see `common::golden`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{binary, filter, golden, pid, string, topic};
use wasmqtt::codec::{
    decode, Ack, Auth, ConnAck, Connect, DecodeError, Delivery, Disconnect, EncodeError, Packet,
    PacketType, ProtocolVersion, Publish, QoS, ReasonCode, SubAck, Subscribe, Subscription,
    SubscriptionOptions, UnsubAck, Unsubscribe, Will, MAX_PACKET_SIZE,
};

const V311: ProtocolVersion = ProtocolVersion::V3_1_1;

#[test]
fn connect_minimal() {
    let bytes = [
        0x10, // CONNECT, flags 0 [MQTT-2.2.2-1]
        0x0C, // remaining length 12
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT" [MQTT-3.1.2-1]
        0x04, // protocol level 4 = 3.1.1
        0x02, // connect flags: clean session; reserved bit 0 is 0 [MQTT-3.1.2-3]
        0x00, 0x3C, // keep alive 60 s
        0x00, 0x00, // client id "": needs clean session [MQTT-3.1.3-6], [MQTT-3.1.3-7]
    ];
    let expected =
        Connect { client_id: string(""), clean_start: true, keep_alive: 60, ..Connect::default() };
    golden(V311, &bytes, &Packet::Connect(Box::new(expected)));
}

#[test]
fn connect_with_will_username_and_password() {
    let bytes = [
        0x10, // CONNECT, flags 0
        0x29, // remaining length 41
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x04, // protocol level 4
        0xEE, // flags: user name, password, will retain, will QoS 1, will, clean session
        0x01, 0x2C, // keep alive 300 s (MSB first)
        0x00, 0x06, b'c', b'l', b'i', b'e', b'n', b't', // client id "client"
        0x00, 0x06, b'w', b'i', b'l', b'l', b'/', b't', // will topic "will/t"
        0x00, 0x03, b'b', b'y', b'e', // will message "bye"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, b'p', b'w', // password "pw"
    ];
    let expected = Connect {
        client_id: string("client"),
        clean_start: true,
        keep_alive: 300,
        username: Some(string("user")),
        password: Some(binary(b"pw")),
        will: Some(Will {
            topic: topic("will/t"),
            payload: binary(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Default::default(),
        }),
        properties: Default::default(),
    };
    golden(V311, &bytes, &Packet::Connect(Box::new(expected)));
}

/// MQTT 3.1 (the IBM specification, protocol level 3) names the protocol "MQIsdp".
#[test]
fn connect_mqtt_3_1() {
    let bytes = [
        0x10, // CONNECT, flags 0
        0x17, // remaining length 23
        0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', // protocol name "MQIsdp"
        0x03, // protocol version 3 = 3.1
        0xC2, // flags: user name, password, clean session
        0x00, 0x3C, // keep alive 60 s
        0x00, 0x03, b'c', b'i', b'd', // client id "cid" (3.1: 1 to 23 characters)
        0x00, 0x01, b'u', // user name "u"
        0x00, 0x01, b'p', // password "p"
    ];
    let expected = Connect {
        client_id: string("cid"),
        clean_start: true,
        keep_alive: 60,
        username: Some(string("u")),
        password: Some(binary(b"p")),
        ..Connect::default()
    };
    golden(ProtocolVersion::V3_1, &bytes, &Packet::Connect(Box::new(expected)));
}

#[test]
fn connack_accepted_with_session_present() {
    let bytes = [
        0x20, // CONNACK, flags 0
        0x02, // remaining length 2
        0x01, // connect acknowledge flags: session present [MQTT-3.2.2-2]
        0x00, // return code 0: connection accepted
    ];
    let expected = ConnAck {
        session_present: true,
        reason_code: ReasonCode::Success,
        properties: Default::default(),
    };
    golden(V311, &bytes, &Packet::ConnAck(Box::new(expected)));
}

/// The five refusals of MQTT 3.1.1 section 3.2.2.3 (table 3.1), mapped onto MQTT 5 reason
/// codes. A refusal carries session present 0 [MQTT-3.2.2-4].
#[test]
fn connack_refused_return_codes() {
    let cases = [
        // CONNACK, remaining length 2, flags 0, return code.
        ([0x20, 0x02, 0x00, 0x01], ReasonCode::UnsupportedProtocolVersion),
        ([0x20, 0x02, 0x00, 0x02], ReasonCode::ClientIdentifierNotValid),
        ([0x20, 0x02, 0x00, 0x03], ReasonCode::ServerUnavailable),
        ([0x20, 0x02, 0x00, 0x04], ReasonCode::BadUserNameOrPassword),
        ([0x20, 0x02, 0x00, 0x05], ReasonCode::NotAuthorized),
    ];
    for (bytes, reason_code) in cases {
        let expected =
            ConnAck { session_present: false, reason_code, properties: Default::default() };
        golden(V311, &bytes, &Packet::ConnAck(Box::new(expected)));
    }
}

#[test]
fn publish_qos0() {
    let bytes = [
        0x30, // PUBLISH, DUP 0, QoS 0, RETAIN 0
        0x07, // remaining length 7
        0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
        // no packet identifier at QoS 0 [MQTT-2.3.1-5]
        b'h', b'i', // payload "hi": the rest of the packet
    ];
    let expected = Publish { topic: topic("a/b"), payload: b"hi".to_vec(), ..Publish::default() };
    golden(V311, &bytes, &Packet::Publish(expected));
}

#[test]
fn publish_qos1_dup_retain() {
    let bytes = [
        0x3B, // PUBLISH, DUP 1, QoS 1, RETAIN 1
        0x0C, // remaining length 12
        0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
        0x00, 0x0A, // packet identifier 10
        b'h', b'e', b'l', b'l', b'o', // payload "hello"
    ];
    let expected = Publish {
        topic: topic("a/b"),
        delivery: Delivery::AtLeastOnce { packet_id: pid(10), dup: true },
        retain: true,
        payload: b"hello".to_vec(),
        properties: Default::default(),
    };
    golden(V311, &bytes, &Packet::Publish(expected));
}

#[test]
fn publish_qos2_empty_payload() {
    let bytes = [
        0x34, // PUBLISH, DUP 0, QoS 2, RETAIN 0
        0x05, // remaining length 5
        0x00, 0x01, b't', // topic name "t"
        0x12, 0x34, // packet identifier 0x1234; then a zero-length payload (section 3.3.3)
    ];
    let expected = Publish {
        topic: topic("t"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(0x1234), dup: false },
        ..Publish::default()
    };
    golden(V311, &bytes, &Packet::Publish(expected));
}

/// Remaining length 128 takes two bytes, 0x80 0x01 (section 2.2.3, table 2.4).
#[test]
fn publish_two_byte_remaining_length() {
    let mut bytes = vec![
        0x30, // PUBLISH, QoS 0
        0x80, 0x01, // remaining length 128: 0 + 128 * 1
        0x00, 0x01, b't', // topic name "t"
    ];
    bytes.extend([b'x'; 125]); // payload: 125 bytes, 3 + 125 = 128
    let expected = Publish { topic: topic("t"), payload: vec![b'x'; 125], ..Publish::default() };
    golden(V311, &bytes, &Packet::Publish(expected));
}

#[test]
fn publish_acknowledgements() {
    let ack = Ack::new(pid(10));
    // Each: first byte, remaining length 2, packet identifier 10 (MSB, LSB).
    golden(V311, &[0x40, 0x02, 0x00, 0x0A], &Packet::PubAck(ack.clone()));
    golden(V311, &[0x50, 0x02, 0x00, 0x0A], &Packet::PubRec(ack.clone()));
    // PUBREL's fixed header flags are 0010 [MQTT-3.6.1-1].
    golden(V311, &[0x62, 0x02, 0x00, 0x0A], &Packet::PubRel(ack.clone()));
    golden(V311, &[0x70, 0x02, 0x00, 0x0A], &Packet::PubComp(ack));
}

#[test]
fn subscribe_three_filters() {
    let bytes = [
        0x82, // SUBSCRIBE, flags 0010 [MQTT-3.8.1-1]
        0x12, // remaining length 18
        0x00, 0x01, // packet identifier 1
        0x00, 0x03, b'a', b'/', b'+', // topic filter "a/+"
        0x01, // requested QoS 1
        0x00, 0x03, b'b', b'/', b'#', // topic filter "b/#"
        0x02, // requested QoS 2
        0x00, 0x01, b'c', // topic filter "c"
        0x00, // requested QoS 0; bits 7-2 are reserved, 0 (section 3.8.3.1)
    ];
    let sub = |f: &str, qos| Subscription {
        filter: filter(f),
        options: SubscriptionOptions { qos, ..Default::default() },
    };
    let expected = Subscribe {
        packet_id: pid(1),
        subscriptions: vec![
            sub("a/+", QoS::AtLeastOnce),
            sub("b/#", QoS::ExactlyOnce),
            sub("c", QoS::AtMostOnce),
        ],
        properties: Default::default(),
    };
    golden(V311, &bytes, &Packet::Subscribe(expected));
}

#[test]
fn suback_with_a_failure() {
    let bytes = [
        0x90, // SUBACK, flags 0
        0x05, // remaining length 5
        0x00, 0x01, // packet identifier 1
        0x01, // success, maximum QoS 1
        0x80, // failure [MQTT-3.9.3-2]: becomes Unspecified error
        0x00, // success, maximum QoS 0
    ];
    let expected = SubAck {
        packet_id: pid(1),
        reason_codes: vec![
            ReasonCode::GrantedQoS1,
            ReasonCode::UnspecifiedError,
            ReasonCode::Success,
        ],
        properties: Default::default(),
    };
    golden(V311, &bytes, &Packet::SubAck(expected));
}

#[test]
fn unsubscribe_and_unsuback() {
    let bytes = [
        0xA2, // UNSUBSCRIBE, flags 0010 [MQTT-3.10.1-1]
        0x0A, // remaining length 10
        0x00, 0x02, // packet identifier 2
        0x00, 0x03, b'a', b'/', b'+', // topic filter "a/+"
        0x00, 0x01, b'c', // topic filter "c"
    ];
    let expected = Unsubscribe {
        packet_id: pid(2),
        filters: vec![filter("a/+"), filter("c")],
        properties: Default::default(),
    };
    golden(V311, &bytes, &Packet::Unsubscribe(expected));

    let bytes = [
        0xB0, // UNSUBACK, flags 0
        0x02, // remaining length 2: no payload in 3.1.1 (section 3.11.3)
        0x00, 0x02, // packet identifier 2
    ];
    let expected =
        UnsubAck { packet_id: pid(2), reason_codes: Vec::new(), properties: Default::default() };
    golden(V311, &bytes, &Packet::UnsubAck(expected));
}

#[test]
fn ping_and_disconnect() {
    golden(V311, &[0xC0, 0x00], &Packet::PingReq); // PINGREQ, remaining length 0
    golden(V311, &[0xD0, 0x00], &Packet::PingResp); // PINGRESP, remaining length 0
                                                    // DISCONNECT, remaining length 0: no variable header or payload (section 3.14).
    golden(V311, &[0xE0, 0x00], &Packet::Disconnect(Disconnect::default()));
}

/// Packet type 15 is reserved in 3.1.1 (section 2.2.1, table 2.1); AUTH is MQTT 5 only.
#[test]
fn auth_does_not_exist_before_mqtt5() {
    assert_eq!(
        decode(&[0xF0, 0x00], V311, MAX_PACKET_SIZE),
        Err(DecodeError::UnknownPacketType(15))
    );
    assert_eq!(
        Packet::Auth(Auth::default()).encode(V311, &mut Vec::new()),
        Err(EncodeError::NotInVersion { packet: PacketType::Auth, version: V311 })
    );
}
