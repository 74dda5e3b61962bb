//! The packet inspector's records: type, size, decoded fields and the hex dump of real packets.

use wasmqtt::codec::{
    Ack, Delivery, Packet, ProtocolVersion, Publish, QoS, ReasonCode, SubAck, Subscribe,
    Subscription, SubscriptionOptions,
};
use wasmqtt::topic::{TopicFilter, TopicName};
use wasmqtt_app::inspect::{Flow, PacketLog, PacketRecord};

fn publish() -> Packet {
    Packet::Publish(Publish {
        topic: TopicName::new("a/b").unwrap(),
        delivery: Delivery::new(QoS::AtLeastOnce, std::num::NonZeroU16::new(7).unwrap(), false),
        retain: true,
        payload: b"hi".to_vec(),
        properties: Default::default(),
    })
}

#[test]
fn a_publish_shows_its_fields_size_and_bytes() {
    let r = PacketRecord::new(Box::new(publish()), ProtocolVersion::V5, Flow::Sent, 1.0);
    assert_eq!(r.kind, "PUBLISH");
    // 0x33 (QoS 1, retain), remaining 10: topic (2+3), id (2), properties (1), payload (2).
    assert_eq!(r.bytes(), [0x33, 10, 0, 3, b'a', b'/', b'b', 0, 7, 0, b'h', b'i']);
    assert_eq!(r.size, 12);
    let fields = r.fields();
    let get = |k: &str| fields.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
    assert_eq!(get("Topic"), Some("a/b"));
    assert_eq!(get("QoS"), Some("1"));
    assert_eq!(get("Packet ID"), Some("7"));
    assert_eq!(get("Retain"), Some("true"));
    assert_eq!(get("Payload"), Some("2 bytes"));
    assert_eq!(get("Properties"), None, "no properties set: nothing to show");
    assert_eq!(
        r.hex_dump(),
        "0000  33 0a 00 03 61 2f 62 00 07 00 68 69              3...a/b...hi\n"
    );
    let v3 = PacketRecord::new(Box::new(publish()), ProtocolVersion::V3_1_1, Flow::Sent, 1.0);
    assert_eq!(v3.size, 11, "no property length under 3.1.1");
}

#[test]
fn acks_and_subscriptions_show_reason_codes_and_options_by_name() {
    let sub = Packet::Subscribe(Subscribe {
        packet_id: std::num::NonZeroU16::new(1).unwrap(),
        subscriptions: vec![Subscription {
            filter: TopicFilter::new("s/#").unwrap(),
            options: SubscriptionOptions {
                qos: QoS::ExactlyOnce,
                no_local: true,
                ..Default::default()
            },
        }],
        properties: Default::default(),
    });
    let r = PacketRecord::new(Box::new(sub), ProtocolVersion::V5, Flow::Sent, 0.0);
    assert!(
        r.fields()
            .iter()
            .any(|(l, v)| l == "Topic Filter" && v.starts_with("s/# (QoS 2, No Local true")),
        "{:?}",
        r.fields()
    );
    let suback = Packet::SubAck(SubAck {
        packet_id: std::num::NonZeroU16::new(1).unwrap(),
        reason_codes: vec![ReasonCode::GrantedQoS1, ReasonCode::NotAuthorized],
        properties: Default::default(),
    });
    let r = PacketRecord::new(Box::new(suback), ProtocolVersion::V5, Flow::Received, 0.0);
    let fields = r.fields();
    let codes: Vec<&str> =
        fields.iter().filter(|(l, _)| l == "Reason Code").map(|(_, v)| v.as_str()).collect();
    assert_eq!(codes.len(), 2);
    assert!(codes[0].starts_with("0x01 "), "{codes:?}");
    assert!(codes[1].starts_with("0x87 "), "{codes:?}");
    let puback = Packet::PubAck(Ack::new(std::num::NonZeroU16::new(9).unwrap()));
    assert_eq!(
        PacketRecord::new(Box::new(puback), ProtocolVersion::V5, Flow::Received, 0.0).kind,
        "PUBACK"
    );
    assert_eq!(
        PacketRecord::new(Box::new(Packet::PingReq), ProtocolVersion::V5, Flow::Sent, 0.0).bytes(),
        [0xC0, 0]
    );
}

#[test]
fn the_packet_log_is_capped_and_numbered() {
    let mut log = PacketLog::new(2);
    for _ in 0..3 {
        log.push(PacketRecord::new(
            Box::new(Packet::PingReq),
            ProtocolVersion::V5,
            Flow::Sent,
            0.0,
        ));
    }
    assert_eq!(log.len(), 2);
    assert_eq!(log.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn mqtt_5_properties_are_listed_by_name_only_when_present() {
    let mut p = publish();
    if let Packet::Publish(p) = &mut p {
        p.properties.content_type = Some(wasmqtt::codec::MqttString::new("text/plain").unwrap());
        p.properties.user_properties.push(wasmqtt::codec::UserProperty::new("a", "b").unwrap());
        p.properties.correlation_data =
            Some(wasmqtt::codec::BinaryData::new(vec![0xab, 0x01]).unwrap());
    }
    let r = PacketRecord::new(Box::new(p), ProtocolVersion::V5, Flow::Sent, 0.0);
    let fields = r.fields();
    let props: Vec<(&str, &str)> =
        fields.iter().skip(6).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        props,
        [("Correlation Data", "ab01"), ("User Property", "a=b"), ("Content Type", "text/plain")],
        "in the order they are written"
    );
}

#[test]
fn a_connect_shows_its_will_whole() {
    let mut settings =
        wasmqtt_app::model::ConnectionSettings::for_url("w", "ws://h:1/mqtt", "w").unwrap();
    settings.will.topic = "status/w".into();
    settings.will.payload = "gone".into();
    settings.will.qos = 2;
    settings.will.delay = 5;
    settings.will.user_properties = "k=v".into();
    let will = settings.session_options().unwrap().will;
    let connect = Packet::Connect(Box::new(wasmqtt::codec::Connect {
        client_id: "w".try_into().unwrap(),
        will,
        ..Default::default()
    }));
    let r = PacketRecord::new(Box::new(connect), ProtocolVersion::V5, Flow::Sent, 1.0);
    let fields = r.fields();
    let get = |k: &str| fields.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
    assert_eq!(get("Protocol"), Some("MQTT level 5 (MQTT 5.0)"));
    assert_eq!(get("Will Topic"), Some("status/w"));
    assert_eq!(get("Will QoS"), Some("2"));
    assert_eq!(get("Will Retain"), Some("false"));
    assert_eq!(get("Will Payload"), Some("gone"));
    assert_eq!(get("Will Properties"), Some("Will Delay Interval=5; User Property=k=v"));
}
