//! Golden byte vectors for MQTT 5.0 (OASIS Standard, 7 March 2019).
//!
//! Every vector is written by hand from the specification, field by field; none comes from our
//! encoder. Each is checked both ways (`common::golden`), except where the spec allows a longer
//! form than the one our encoder writes: those are checked in the decode direction only
//! (`common::decodes_to`), and say so.
//!
//! The spec lets properties come in any order; our encoder writes them in the order of the
//! fields of each property struct, so the two-way vectors list them in that order.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{binary, decodes_to, filter, golden, pid, string, topic, user};
use std::num::{NonZeroU16, NonZeroU32};
use wasmqtt::codec::{
    Ack, AckProperties, Auth, AuthProperties, ConnAck, ConnAckProperties, Connect,
    ConnectProperties, Delivery, Disconnect, DisconnectProperties, Packet, ProtocolVersion,
    Publish, PublishProperties, QoS, ReasonCode, RetainHandling, SubAck, Subscribe,
    SubscribeProperties, Subscription, SubscriptionId, SubscriptionOptions, UnsubAck, Unsubscribe,
    UnsubscribeProperties, Will, WillProperties,
};

const V5: ProtocolVersion = ProtocolVersion::V5;

#[test]
fn connect_minimal() {
    let bytes = [
        0x10, // CONNECT, flags 0 [MQTT-2.1.3-1]
        0x10, // remaining length 16
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x05, // protocol version 5
        0x02, // connect flags: clean start; reserved bit 0 is 0 [MQTT-3.1.2-3]
        0x00, 0x3C, // keep alive 60 s
        0x00, // property length 0
        0x00, 0x03, b'c', b'i', b'd', // client id "cid"
    ];
    let expected = Connect {
        client_id: string("cid"),
        clean_start: true,
        keep_alive: 60,
        ..Connect::default()
    };
    golden(V5, &bytes, &Packet::Connect(Box::new(expected)));
}

#[test]
fn connect_with_properties_will_username_and_password() {
    let bytes = [
        0x10, // CONNECT, flags 0
        0x7E, // remaining length 126
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x05, // protocol version 5
        0xD6, // flags: user name, password, will QoS 2, will, clean start (will retain 0)
        0x00, 0x1E, // keep alive 30 s
        0x2F, // property length 47
        0x11, 0x00, 0x00, 0x0E, 0x10, // session expiry interval 3600 s
        0x21, 0x00, 0x14, // receive maximum 20
        0x27, 0x00, 0x00, 0x10, 0x00, // maximum packet size 4096
        0x22, 0x00, 0x0A, // topic alias maximum 10
        0x19, 0x01, // request response information 1
        0x17, 0x00, // request problem information 0
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'1', // user property ("k", "1")
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'2', // user property ("k", "2"): same name again
        0x15, 0x00, 0x05, b'P', b'L', b'A', b'I', b'N', // authentication method "PLAIN"
        0x16, 0x00, 0x02, 0x01, 0x02, // authentication data 01 02
        // payload (section 3.1.3): client id, will properties, will topic, will payload,
        // user name, password, in this order
        0x00, 0x03, b'c', b'i', b'd', // client id "cid"
        0x29, // will property length 41
        0x18, 0x00, 0x00, 0x00, 0x05, // will delay interval 5 s
        0x01, 0x01, // payload format indicator 1: UTF-8
        0x02, 0x00, 0x00, 0x00, 0x3C, // message expiry interval 60 s
        0x03, 0x00, 0x0A, b't', b'e', b'x', b't', b'/', b'p', b'l', b'a', b'i',
        b'n', // content type "text/plain"
        0x08, 0x00, 0x01, b'r', // response topic "r"
        0x09, 0x00, 0x02, 0xAB, 0xCD, // correlation data AB CD
        0x26, 0x00, 0x01, b'w', 0x00, 0x01, b'1', // user property ("w", "1")
        0x00, 0x04, b'w', b'i', b'l', b'l', // will topic "will"
        0x00, 0x03, b'b', b'y', b'e', // will payload "bye"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, 0x00, 0xFF, // password: binary data 00 FF
    ];
    let expected = Connect {
        client_id: string("cid"),
        clean_start: true,
        keep_alive: 30,
        username: Some(string("user")),
        password: Some(binary(&[0x00, 0xFF])),
        will: Some(Will {
            topic: topic("will"),
            payload: binary(b"bye"),
            qos: QoS::ExactlyOnce,
            retain: false,
            properties: WillProperties {
                will_delay_interval: Some(5),
                payload_format_indicator: Some(true),
                message_expiry_interval: Some(60),
                content_type: Some(string("text/plain")),
                response_topic: Some(topic("r")),
                correlation_data: Some(binary(&[0xAB, 0xCD])),
                user_properties: vec![user("w", "1")],
            },
        }),
        properties: ConnectProperties {
            session_expiry_interval: Some(3600),
            receive_maximum: NonZeroU16::new(20),
            maximum_packet_size: NonZeroU32::new(4096),
            topic_alias_maximum: Some(10),
            request_response_information: Some(true),
            request_problem_information: Some(false),
            // Order and repeats kept (section 3.1.2.11.8).
            user_properties: vec![user("k", "1"), user("k", "2")],
            authentication_method: Some(string("PLAIN")),
            authentication_data: Some(binary(&[0x01, 0x02])),
        },
    };
    golden(V5, &bytes, &Packet::Connect(Box::new(expected)));
}

/// MQTT 5 allows a password without a user name (section 3.1.2.9), unlike 3.1.1.
#[test]
fn connect_password_without_username() {
    let bytes = [
        0x10, // CONNECT, flags 0
        0x10, // remaining length 16
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x05, // protocol version 5
        0x42, // flags: password, clean start
        0x00, 0x00, // keep alive 0: off
        0x00, // property length 0
        0x00, 0x00, // client id "": the server assigns one (section 3.1.3.1)
        0x00, 0x01, b'p', // password "p"
    ];
    let expected =
        Connect { clean_start: true, password: Some(binary(b"p")), ..Connect::default() };
    golden(V5, &bytes, &Packet::Connect(Box::new(expected)));
}

#[test]
fn connack_minimal() {
    let bytes = [
        0x20, // CONNACK, flags 0
        0x03, // remaining length 3
        0x00, // connect acknowledge flags: no session present
        0x00, // reason code 0x00 Success
        0x00, // property length 0
    ];
    golden(V5, &bytes, &Packet::ConnAck(Box::default()));
}

#[test]
fn connack_session_present_with_properties() {
    let bytes = [
        0x20, // CONNACK, flags 0
        0x2E, // remaining length 46
        0x01, // connect acknowledge flags: session present
        0x00, // reason code 0x00 Success
        0x2B, // property length 43
        0x11, 0x00, 0x00, 0x00, 0x78, // session expiry interval 120 s
        0x21, 0x00, 0x0A, // receive maximum 10
        0x24, 0x01, // maximum QoS 1
        0x25, 0x00, // retain available 0
        0x27, 0x00, 0x01, 0x00, 0x00, // maximum packet size 65536
        0x22, 0x00, 0x05, // topic alias maximum 5
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'b', // user property ("a", "b")
        0x28, 0x01, // wildcard subscription available 1
        0x29, 0x00, // subscription identifiers available 0
        0x2A, 0x01, // shared subscription available 1
        0x13, 0x00, 0x1E, // server keep alive 30 s
        0x1A, 0x00, 0x04, b'r', b'e', b's', b'p', // response information "resp"
    ];
    let expected = ConnAck {
        session_present: true,
        reason_code: ReasonCode::Success,
        properties: ConnAckProperties {
            session_expiry_interval: Some(120),
            receive_maximum: NonZeroU16::new(10),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            maximum_packet_size: NonZeroU32::new(65536),
            topic_alias_maximum: Some(5),
            user_properties: vec![user("a", "b")],
            wildcard_subscription_available: Some(true),
            subscription_identifiers_available: Some(false),
            shared_subscription_available: Some(true),
            server_keep_alive: Some(30),
            response_information: Some(string("resp")),
            ..Default::default()
        },
    };
    golden(V5, &bytes, &Packet::ConnAck(Box::new(expected)));
}

#[test]
fn connack_assigned_client_identifier_and_refusal() {
    let bytes = [
        0x20, // CONNACK, flags 0
        0x0C, // remaining length 12
        0x00, // no session present
        0x00, // reason code 0x00 Success
        0x09, // property length 9
        0x12, 0x00, 0x06, b'a', b'u', b't', b'o', b'-', b'1', // assigned client id "auto-1"
    ];
    let expected = ConnAck {
        properties: ConnAckProperties {
            assigned_client_identifier: Some(string("auto-1")),
            ..Default::default()
        },
        ..ConnAck::default()
    };
    golden(V5, &bytes, &Packet::ConnAck(Box::new(expected)));

    let bytes = [
        0x20, // CONNACK, flags 0
        0x0C, // remaining length 12
        0x00, // session present 0 with a failure [MQTT-3.2.2-6]
        0x87, // reason code 0x87 Not authorized
        0x09, // property length 9
        0x1F, 0x00, 0x06, b'd', b'e', b'n', b'i', b'e', b'd', // reason string "denied"
    ];
    let expected = ConnAck {
        session_present: false,
        reason_code: ReasonCode::NotAuthorized,
        properties: ConnAckProperties {
            reason_string: Some(string("denied")),
            ..Default::default()
        },
    };
    golden(V5, &bytes, &Packet::ConnAck(Box::new(expected)));
}

#[test]
fn publish_qos0_without_properties() {
    let bytes = [
        0x30, // PUBLISH, DUP 0, QoS 0, RETAIN 0
        0x08, // remaining length 8
        0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
        // no packet identifier at QoS 0 [MQTT-2.2.1-2]
        0x00, // property length 0
        b'h', b'i', // payload "hi"
    ];
    let expected = Publish { topic: topic("a/b"), payload: b"hi".to_vec(), ..Publish::default() };
    golden(V5, &bytes, &Packet::Publish(expected));
}

#[test]
fn publish_qos1_dup_retain_with_properties() {
    let bytes = [
        0x3B, // PUBLISH, DUP 1, QoS 1, RETAIN 1
        0x2E, // remaining length 46
        0x00, 0x03, b'r', b'e', b'q', // topic name "req"
        0x00, 0x07, // packet identifier 7
        0x24, // property length 36
        0x01, 0x01, // payload format indicator 1: UTF-8
        0x02, 0x00, 0x00, 0x01, 0x2C, // message expiry interval 300 s
        0x23, 0x00, 0x03, // topic alias 3
        0x08, 0x00, 0x03, b'r', b'e', b's', // response topic "res"
        0x09, 0x00, 0x03, 0x01, 0x02, 0x03, // correlation data 01 02 03
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property ("k", "v")
        0x03, 0x00, 0x04, b'j', b's', b'o', b'n', // content type "json"
        b'{', b'}', // payload "{}"
    ];
    let expected = Publish {
        topic: topic("req"),
        delivery: Delivery::AtLeastOnce { packet_id: pid(7), dup: true },
        retain: true,
        payload: b"{}".to_vec(),
        properties: PublishProperties {
            payload_format_indicator: Some(true),
            message_expiry_interval: Some(300),
            topic_alias: NonZeroU16::new(3),
            response_topic: Some(topic("res")),
            correlation_data: Some(binary(&[1, 2, 3])),
            user_properties: vec![user("k", "v")],
            subscription_identifiers: Vec::new(),
            content_type: Some(string("json")),
        },
    };
    golden(V5, &bytes, &Packet::Publish(expected));
}

/// Server to client: one subscription identifier per matching subscription (section 3.3.2.3.8).
#[test]
fn publish_qos2_with_subscription_identifiers() {
    let bytes = [
        0x34, // PUBLISH, DUP 0, QoS 2, RETAIN 0
        0x0C, // remaining length 12
        0x00, 0x01, b't', // topic name "t"
        0x00, 0x09, // packet identifier 9
        0x05, // property length 5
        0x0B, 0x01, // subscription identifier 1
        0x0B, 0x80, 0x01, // subscription identifier 128: a two-byte variable byte integer
        b'x', // payload "x"
    ];
    let expected = Publish {
        topic: topic("t"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(9), dup: false },
        payload: b"x".to_vec(),
        properties: PublishProperties {
            subscription_identifiers: vec![
                SubscriptionId::new(1).unwrap(),
                SubscriptionId::new(128).unwrap(),
            ],
            ..Default::default()
        },
        ..Publish::default()
    };
    golden(V5, &bytes, &Packet::Publish(expected));
}

/// A zero-length topic name stands for the topic of an alias already set (section 3.3.2.3.4).
#[test]
fn publish_topic_alias_only() {
    let bytes = [
        0x30, // PUBLISH, QoS 0
        0x08, // remaining length 8
        0x00, 0x00, // topic name "": zero length
        0x03, // property length 3
        0x23, 0x00, 0x03, // topic alias 3
        b'h', b'i', // payload "hi"
    ];
    let expected = Publish {
        payload: b"hi".to_vec(),
        properties: PublishProperties { topic_alias: NonZeroU16::new(3), ..Default::default() },
        ..Publish::default()
    };
    golden(V5, &bytes, &Packet::Publish(expected));
}

/// Remaining length 16384 takes three bytes, 0x80 0x80 0x01 (section 1.5.5, table 1-1).
#[test]
fn publish_three_byte_remaining_length() {
    let mut bytes = vec![
        0x30, // PUBLISH, QoS 0
        0x80, 0x80, 0x01, // remaining length 16384: 0 + 0 * 128 + 1 * 128 * 128
        0x00, 0x01, b't', // topic name "t"
        0x00, // property length 0
    ];
    bytes.extend([0xA5; 16380]); // payload: 3 + 1 + 16380 = 16384
    let expected = Publish { topic: topic("t"), payload: vec![0xA5; 16380], ..Publish::default() };
    golden(V5, &bytes, &Packet::Publish(expected));
}

/// The four acknowledgements of PUBLISH share one layout (sections 3.4 to 3.7).
#[test]
fn publish_acknowledgements_short_forms() {
    let ack = Ack::new(pid(10));
    let packets = [
        (0x40, Packet::PubAck(ack.clone())),
        (0x50, Packet::PubRec(ack.clone())),
        (0x62, Packet::PubRel(ack.clone())), // flags 0010 [MQTT-3.6.1-1]
        (0x70, Packet::PubComp(ack)),
    ];
    for (first, packet) in packets {
        // Success and no properties: reason code and property length left out, remaining
        // length 2 (section 3.4.2.1). Our encoder writes this form.
        golden(V5, &[first, 0x02, 0x00, 0x0A], &packet);
        // The same with the reason code 0x00 written and no property length (section 3.4.2.2:
        // below 4 there is no property length), then with property length 0. Valid but longer
        // than what our encoder writes: decode only.
        decodes_to(V5, &[first, 0x03, 0x00, 0x0A, 0x00], &packet);
        decodes_to(V5, &[first, 0x04, 0x00, 0x0A, 0x00, 0x00], &packet);
    }
}

#[test]
fn publish_acknowledgements_with_reason_codes() {
    let ack = |reason_code, reason_string: Option<&str>, user_properties| Ack {
        packet_id: pid(10),
        reason_code,
        properties: AckProperties { reason_string: reason_string.map(string), user_properties },
    };
    let bytes = [
        0x40, // PUBACK
        0x03, // remaining length 3
        0x00, 0x0A, // packet identifier 10
        0x10, // reason code 0x10 No matching subscribers; no property length
    ];
    let expected = ack(ReasonCode::NoMatchingSubscribers, None, vec![]);
    golden(V5, &bytes, &Packet::PubAck(expected));

    let bytes = [
        0x40, // PUBACK
        0x09, // remaining length 9
        0x00, 0x0A, // packet identifier 10
        0x00, // reason code 0x00 Success: written, since properties follow
        0x05, // property length 5
        0x1F, 0x00, 0x02, b'o', b'k', // reason string "ok"
    ];
    let expected = ack(ReasonCode::Success, Some("ok"), vec![]);
    golden(V5, &bytes, &Packet::PubAck(expected));

    let bytes = [
        0x40, // PUBACK
        0x0D, // remaining length 13
        0x00, 0x0A, // packet identifier 10
        0x87, // reason code 0x87 Not authorized
        0x09, // property length 9
        0x1F, 0x00, 0x06, b'd', b'e', b'n', b'i', b'e', b'd', // reason string "denied"
    ];
    let expected = ack(ReasonCode::NotAuthorized, Some("denied"), vec![]);
    golden(V5, &bytes, &Packet::PubAck(expected));

    let bytes = [
        0x50, // PUBREC
        0x0D, // remaining length 13
        0x00, 0x0A, // packet identifier 10
        0x91, // reason code 0x91 Packet Identifier in use
        0x09, // property length 9
        0x1F, 0x00, 0x06, b'i', b'n', b' ', b'u', b's', b'e', // reason string "in use"
    ];
    let expected = ack(ReasonCode::PacketIdentifierInUse, Some("in use"), vec![]);
    golden(V5, &bytes, &Packet::PubRec(expected));

    let bytes = [
        0x62, // PUBREL, flags 0010 [MQTT-3.6.1-1]
        0x0B, // remaining length 11
        0x00, 0x0A, // packet identifier 10
        0x92, // reason code 0x92 Packet Identifier not found
        0x07, // property length 7
        0x1F, 0x00, 0x04, b'l', b'o', b's', b't', // reason string "lost"
    ];
    let expected = ack(ReasonCode::PacketIdentifierNotFound, Some("lost"), vec![]);
    golden(V5, &bytes, &Packet::PubRel(expected));

    let bytes = [
        0x70, // PUBCOMP
        0x12, // remaining length 18
        0x00, 0x0A, // packet identifier 10
        0x92, // reason code 0x92 Packet Identifier not found
        0x0E, // property length 14
        0x1F, 0x00, 0x04, b'l', b'o', b's', b't', // reason string "lost"
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property ("k", "v")
    ];
    let expected = ack(ReasonCode::PacketIdentifierNotFound, Some("lost"), vec![user("k", "v")]);
    golden(V5, &bytes, &Packet::PubComp(expected));
}

#[test]
fn subscribe_with_options_and_subscription_identifier() {
    let bytes = [
        0x82, // SUBSCRIBE, flags 0010 [MQTT-3.8.1-1]
        0x25, // remaining length 37
        0x00, 0x01, // packet identifier 1
        0x09, // property length 9
        0x0B, 0x0A, // subscription identifier 10
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property ("k", "v")
        0x00, 0x03, b'a', b'/', b'+', // topic filter "a/+"
        0x2D, // options: retain handling 2, retain as published, no local, QoS 1
        0x00, 0x0C, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b'b', b'/',
        b'#', // topic filter "$share/g/b/#"
        0x12, // options: retain handling 1, QoS 2; no local 0 on shared [MQTT-3.8.3-4]
        0x00, 0x01, b'c', // topic filter "c"
        0x00, // options all 0: QoS 0; bits 7-6 reserved [MQTT-3.8.3-5]
    ];
    let expected = Subscribe {
        packet_id: pid(1),
        subscriptions: vec![
            Subscription {
                filter: filter("a/+"),
                options: SubscriptionOptions {
                    qos: QoS::AtLeastOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            },
            Subscription {
                filter: filter("$share/g/b/#"),
                options: SubscriptionOptions {
                    qos: QoS::ExactlyOnce,
                    retain_handling: RetainHandling::SendAtNewSubscribe,
                    ..Default::default()
                },
            },
            Subscription { filter: filter("c"), options: SubscriptionOptions::default() },
        ],
        properties: SubscribeProperties {
            subscription_identifier: Some(SubscriptionId::new(10).unwrap()),
            user_properties: vec![user("k", "v")],
        },
    };
    golden(V5, &bytes, &Packet::Subscribe(expected));
}

#[test]
fn suback() {
    let bytes = [
        0x90, // SUBACK, flags 0
        0x04, // remaining length 4
        0x00, 0x01, // packet identifier 1
        0x00, // property length 0: never left out in SUBACK
        0x02, // reason code 0x02 Granted QoS 2
    ];
    let expected = SubAck {
        packet_id: pid(1),
        reason_codes: vec![ReasonCode::GrantedQoS2],
        properties: AckProperties::default(),
    };
    golden(V5, &bytes, &Packet::SubAck(expected));

    let bytes = [
        0x90, // SUBACK, flags 0
        0x10, // remaining length 16
        0x00, 0x01, // packet identifier 1
        0x0A, // property length 10
        0x1F, 0x00, 0x07, b'p', b'a', b'r', b't', b'i', b'a', b'l', // reason string "partial"
        0x01, // reason code 0x01 Granted QoS 1
        0x9E, // reason code 0x9E Shared Subscriptions not supported
        0x00, // reason code 0x00 Granted QoS 0
    ];
    let expected = SubAck {
        packet_id: pid(1),
        reason_codes: vec![
            ReasonCode::GrantedQoS1,
            ReasonCode::SharedSubscriptionsNotSupported,
            ReasonCode::Success,
        ],
        properties: AckProperties { reason_string: Some(string("partial")), ..Default::default() },
    };
    golden(V5, &bytes, &Packet::SubAck(expected));
}

#[test]
fn unsubscribe_and_unsuback() {
    let bytes = [
        0xA2, // UNSUBSCRIBE, flags 0010 [MQTT-3.10.1-1]
        0x12, // remaining length 18
        0x00, 0x02, // packet identifier 2
        0x07, // property length 7
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property ("k", "v")
        0x00, 0x03, b'a', b'/', b'+', // topic filter "a/+"
        0x00, 0x01, b'c', // topic filter "c"
    ];
    let expected = Unsubscribe {
        packet_id: pid(2),
        filters: vec![filter("a/+"), filter("c")],
        properties: UnsubscribeProperties { user_properties: vec![user("k", "v")] },
    };
    golden(V5, &bytes, &Packet::Unsubscribe(expected));

    let bytes = [
        0xB0, // UNSUBACK, flags 0
        0x05, // remaining length 5
        0x00, 0x02, // packet identifier 2
        0x00, // property length 0
        0x00, // reason code 0x00 Success, for "a/+"
        0x11, // reason code 0x11 No subscription existed, for "c"
    ];
    let expected = UnsubAck {
        packet_id: pid(2),
        reason_codes: vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted],
        properties: AckProperties::default(),
    };
    golden(V5, &bytes, &Packet::UnsubAck(expected));

    let bytes = [
        0xB0, // UNSUBACK, flags 0
        0x09, // remaining length 9
        0x00, 0x03, // packet identifier 3
        0x05, // property length 5
        0x1F, 0x00, 0x02, b'n', b'o', // reason string "no"
        0x87, // reason code 0x87 Not authorized
    ];
    let expected = UnsubAck {
        packet_id: pid(3),
        reason_codes: vec![ReasonCode::NotAuthorized],
        properties: AckProperties { reason_string: Some(string("no")), ..Default::default() },
    };
    golden(V5, &bytes, &Packet::UnsubAck(expected));
}

#[test]
fn ping() {
    golden(V5, &[0xC0, 0x00], &Packet::PingReq); // PINGREQ, remaining length 0
    golden(V5, &[0xD0, 0x00], &Packet::PingResp); // PINGRESP, remaining length 0
}

#[test]
fn disconnect() {
    let normal = Packet::Disconnect(Disconnect::default());
    // Normal disconnection without properties: remaining length 0 (section 3.14.2.1).
    golden(V5, &[0xE0, 0x00], &normal);
    // The same with reason code 0x00 written (below 2 there is no property length, section
    // 3.14.2.2.1), then with property length 0: longer than what our encoder writes, so
    // decode only.
    decodes_to(V5, &[0xE0, 0x01, 0x00], &normal);
    decodes_to(V5, &[0xE0, 0x02, 0x00, 0x00], &normal);

    let bytes = [
        0xE0, // DISCONNECT, flags 0
        0x01, // remaining length 1
        0x04, // reason code 0x04 Disconnect with Will Message; no property length
    ];
    let expected = Disconnect {
        reason_code: ReasonCode::DisconnectWithWillMessage,
        properties: DisconnectProperties::default(),
    };
    golden(V5, &bytes, &Packet::Disconnect(expected));

    let bytes = [
        0xE0, // DISCONNECT, flags 0
        0x0D, // remaining length 13
        0x04, // reason code 0x04 Disconnect with Will Message
        0x0B, // property length 11
        0x11, 0x00, 0x00, 0x0E, 0x10, // session expiry interval 3600 s (client to server)
        0x1F, 0x00, 0x03, b'b', b'y', b'e', // reason string "bye"
    ];
    let expected = Disconnect {
        reason_code: ReasonCode::DisconnectWithWillMessage,
        properties: DisconnectProperties {
            session_expiry_interval: Some(3600),
            reason_string: Some(string("bye")),
            ..Default::default()
        },
    };
    golden(V5, &bytes, &Packet::Disconnect(expected));

    let bytes = [
        0xE0, // DISCONNECT, flags 0
        0x07, // remaining length 7
        0x00, // reason code 0x00 Normal disconnection: written, since properties follow
        0x05, // property length 5
        0x11, 0x00, 0x00, 0x00, 0x00, // session expiry interval 0
    ];
    let expected = Disconnect {
        reason_code: ReasonCode::Success,
        properties: DisconnectProperties { session_expiry_interval: Some(0), ..Default::default() },
    };
    golden(V5, &bytes, &Packet::Disconnect(expected));

    let bytes = [
        0xE0, // DISCONNECT, flags 0 (server to client)
        0x0A, // remaining length 10
        0x9C, // reason code 0x9C Use another server
        0x08, // property length 8
        0x1C, 0x00, 0x05, b'o', b't', b'h', b'e', b'r', // server reference "other"
    ];
    let expected = Disconnect {
        reason_code: ReasonCode::UseAnotherServer,
        properties: DisconnectProperties {
            server_reference: Some(string("other")),
            ..Default::default()
        },
    };
    golden(V5, &bytes, &Packet::Disconnect(expected));
}

#[test]
fn auth() {
    let success = Packet::Auth(Auth::default());
    // Success without properties: remaining length 0 (section 3.15.2.1).
    golden(V5, &[0xF0, 0x00], &success);
    // Reason code 0x00 written, then with property length 0: decode only, as for DISCONNECT.
    decodes_to(V5, &[0xF0, 0x01, 0x00], &success);
    decodes_to(V5, &[0xF0, 0x02, 0x00, 0x00], &success);

    let bytes = [
        0xF0, // AUTH, flags 0
        0x17, // remaining length 23
        0x18, // reason code 0x18 Continue authentication
        0x15, // property length 21
        0x15, 0x00, 0x0B, b'S', b'C', b'R', b'A', b'M', b'-', b'S', b'H', b'A', b'-',
        b'1', // authentication method "SCRAM-SHA-1"
        0x16, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04, // authentication data 01 02 03 04
    ];
    let expected = Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: AuthProperties {
            authentication_method: Some(string("SCRAM-SHA-1")),
            authentication_data: Some(binary(&[1, 2, 3, 4])),
            ..Default::default()
        },
    };
    golden(V5, &bytes, &Packet::Auth(expected));

    let bytes = [
        0xF0, // AUTH, flags 0
        0x10, // remaining length 16
        0x19, // reason code 0x19 Re-authenticate
        0x0E, // property length 14
        0x15, 0x00, 0x0B, b'S', b'C', b'R', b'A', b'M', b'-', b'S', b'H', b'A', b'-',
        b'1', // authentication method "SCRAM-SHA-1"
    ];
    let expected = Auth {
        reason_code: ReasonCode::ReAuthenticate,
        properties: AuthProperties {
            authentication_method: Some(string("SCRAM-SHA-1")),
            ..Default::default()
        },
    };
    golden(V5, &bytes, &Packet::Auth(expected));
}
