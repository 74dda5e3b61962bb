//! QoS 0/1/2 in both directions, packet identifiers and flow control, against a scripted peer
//! with a virtual clock (FEATURES rows 9, 4, 5).
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use std::num::NonZeroU16;

use peer::{ack, ack_with, pid, published, topic, Pair, BOTH};
use wasmqtt::codec::{
    Ack, ConnAckProperties, Delivery, Packet, ProtocolVersion, Publish, QoS, ReasonCode,
};
use wasmqtt::session::{Event, Options, PublishError, PublishRequest};

fn request(t: &str, qos: QoS, payload: &[u8]) -> PublishRequest {
    PublishRequest { topic: topic(t), payload: payload.to_vec(), qos, ..Default::default() }
}

fn publish_of(p: Packet) -> Publish {
    match p {
        Packet::Publish(p) => p,
        other => panic!("expected PUBLISH, got {other:?}"),
    }
}

#[test]
fn qos0_is_written_once_and_completes_when_written() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let id = pair.session.publish(pair.now, request("a/b", QoS::AtMostOnce, b"x")).unwrap();
        let p = publish_of(pair.sent_one());
        assert_eq!(
            (p.topic.as_str(), p.delivery, p.payload.as_slice()),
            ("a/b", Delivery::AtMostOnce, &b"x"[..])
        );
        assert_eq!(published(&pair.events()), vec![(id, Ok(ReasonCode::Success))]);
    }
}

#[test]
fn qos1_completes_on_puback_and_reports_failure_codes() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let first = pair.session.publish(pair.now, request("t", QoS::AtLeastOnce, b"1")).unwrap();
        let p = publish_of(pair.sent_one());
        let id1 = p.delivery.packet_id().unwrap();
        assert!(pair.events().is_empty(), "not complete before PUBACK");
        pair.receive(Packet::PubAck(Ack::new(id1)));
        assert_eq!(published(&pair.events()), vec![(first, Ok(ReasonCode::Success))]);
        if version.is_v5() {
            let second =
                pair.session.publish(pair.now, request("t", QoS::AtLeastOnce, b"2")).unwrap();
            let id2 = publish_of(pair.sent_one()).delivery.packet_id().unwrap();
            pair.receive(Packet::PubAck(ack_with(id2.get(), ReasonCode::NotAuthorized)));
            let result = published(&pair.events());
            assert!(
                matches!(&result[..], [(id, Err(PublishError::Rejected { reason: ReasonCode::NotAuthorized, .. }))] if *id == second),
                "{result:?}"
            );
        }
    }
}

#[test]
fn qos2_sends_pubrel_after_pubrec_and_completes_on_pubcomp() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let id = pair.session.publish(pair.now, request("t", QoS::ExactlyOnce, b"x")).unwrap();
        let pid = publish_of(pair.sent_one()).delivery.packet_id().unwrap();
        pair.receive(Packet::PubRec(Ack::new(pid)));
        assert_eq!(pair.sent_one(), Packet::PubRel(Ack::new(pid)));
        assert!(pair.events().is_empty(), "not complete before PUBCOMP");
        // A repeated PUBREC gets PUBREL again.
        pair.receive(Packet::PubRec(Ack::new(pid)));
        assert_eq!(pair.sent_one(), Packet::PubRel(Ack::new(pid)));
        pair.receive(Packet::PubComp(Ack::new(pid)));
        assert_eq!(published(&pair.events()), vec![(id, Ok(ReasonCode::Success))]);
    }
}

#[test]
fn qos2_pubrec_with_a_failure_code_ends_the_exchange() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    let id = pair.session.publish(pair.now, request("t", QoS::ExactlyOnce, b"x")).unwrap();
    let pid = publish_of(pair.sent_one()).delivery.packet_id().unwrap();
    pair.receive(Packet::PubRec(ack_with(pid.get(), ReasonCode::QuotaExceeded)));
    assert!(pair.sent().is_empty(), "no PUBREL after a failed PUBREC");
    let result = published(&pair.events());
    assert!(
        matches!(&result[..], [(i, Err(PublishError::Rejected { reason: ReasonCode::QuotaExceeded, .. }))] if *i == id)
    );
}

#[test]
fn packet_ids_in_flight_are_not_reused() {
    // [MQTT-2.2.1-3]
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    let mut ids = Vec::new();
    for _ in 0..3 {
        pair.session.publish(pair.now, request("t", QoS::AtLeastOnce, b"")).unwrap();
        ids.push(publish_of(pair.sent_one()).delivery.packet_id().unwrap().get());
    }
    assert_eq!(ids, [1, 2, 3]);
    pair.receive(Packet::PubAck(ack(2)));
    pair.session.publish(pair.now, request("t", QoS::AtLeastOnce, b"")).unwrap();
    let next = publish_of(pair.sent_one()).delivery.packet_id().unwrap().get();
    assert!(![1, 3].contains(&next), "id {next} is still in flight");
}

#[test]
fn incoming_qos1_is_delivered_and_acknowledged() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        pair.receive(Packet::Publish(Publish {
            topic: topic("in"),
            delivery: Delivery::AtLeastOnce { packet_id: pid(7), dup: false },
            payload: b"hello".to_vec(),
            ..Default::default()
        }));
        assert_eq!(pair.sent_one(), Packet::PubAck(ack(7)));
        let events = pair.events();
        let [Event::Message(m)] = &events[..] else { panic!("{events:?}") };
        assert_eq!(
            (m.topic.as_str(), m.payload.as_slice(), m.qos, m.packet_id),
            ("in", &b"hello"[..], QoS::AtLeastOnce, Some(7))
        );
    }
}

#[test]
fn incoming_qos2_is_delivered_once_until_pubrel() {
    // [MQTT-4.3.3-10]: deliver on the first PUBLISH; a duplicate before PUBREL is not a new
    // message. After PUBREL, the same id starts a new message.
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let publish = |dup| {
            Packet::Publish(Publish {
                topic: topic("in"),
                delivery: Delivery::ExactlyOnce { packet_id: pid(9), dup },
                payload: b"once".to_vec(),
                ..Default::default()
            })
        };
        pair.receive(publish(false));
        assert_eq!(pair.sent_one(), Packet::PubRec(ack(9)));
        assert_eq!(pair.events().len(), 1, "delivered on the first PUBLISH");
        pair.receive(publish(true));
        assert_eq!(pair.sent_one(), Packet::PubRec(ack(9)), "duplicate re-acknowledged");
        assert!(pair.events().is_empty(), "duplicate not delivered");
        pair.receive(Packet::PubRel(ack(9)));
        assert_eq!(pair.sent_one(), Packet::PubComp(ack(9)));
        pair.receive(publish(false));
        assert_eq!(pair.sent_one(), Packet::PubRec(ack(9)));
        assert_eq!(pair.events().len(), 1, "a new exchange after PUBREL is a new message");
    }
}

#[test]
fn unknown_pubrel_is_completed_with_packet_identifier_not_found_in_v5() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    pair.receive(Packet::PubRel(ack(33)));
    assert_eq!(
        pair.sent_one(),
        Packet::PubComp(ack_with(33, ReasonCode::PacketIdentifierNotFound))
    );
}

#[test]
fn never_more_in_flight_than_the_server_receive_maximum() {
    // [MQTT-4.9.0-2]: the server's Receive Maximum of 2 holds; the rest wait in order.
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.connect_with(
        false,
        ConnAckProperties { receive_maximum: NonZeroU16::new(2), ..Default::default() },
    );
    pair.events();
    for i in 0..5u8 {
        pair.session.publish(pair.now, request("t", QoS::AtLeastOnce, &[i])).unwrap();
    }
    let first: Vec<_> = pair.sent().into_iter().map(publish_of).collect();
    assert_eq!(first.iter().map(|p| p.payload[0]).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(pair.session.queued_messages(), (3, 2));
    // QoS 0 is not held back by the quota.
    pair.session.publish(pair.now, request("t", QoS::AtMostOnce, b"q0")).unwrap();
    assert!(pair.sent().is_empty(), "QoS 0 waits behind queued messages to keep order");
    pair.receive(Packet::PubAck(Ack::new(first[0].delivery.packet_id().unwrap())));
    let next: Vec<_> = pair.sent().into_iter().map(publish_of).collect();
    assert_eq!(next.iter().map(|p| p.payload[0]).collect::<Vec<_>>(), [2]);
    for p in [first[1].clone(), next[0].clone()] {
        pair.receive(Packet::PubAck(Ack::new(p.delivery.packet_id().unwrap())));
    }
    let rest: Vec<_> = pair.sent().into_iter().map(publish_of).collect();
    assert_eq!(rest.iter().map(|p| p.payload[0]).collect::<Vec<_>>(), [3, 4, b'q']);
}

#[test]
fn qos2_counts_against_receive_maximum_until_pubcomp() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.connect_with(
        false,
        ConnAckProperties { receive_maximum: NonZeroU16::new(1), ..Default::default() },
    );
    pair.events();
    pair.session.publish(pair.now, request("t", QoS::ExactlyOnce, b"a")).unwrap();
    pair.session.publish(pair.now, request("t", QoS::ExactlyOnce, b"b")).unwrap();
    let a = publish_of(pair.sent_one());
    pair.receive(Packet::PubRec(Ack::new(a.delivery.packet_id().unwrap())));
    assert!(matches!(pair.sent_one(), Packet::PubRel(_)), "only PUBREL: b still waits");
    pair.receive(Packet::PubComp(Ack::new(a.delivery.packet_id().unwrap())));
    assert_eq!(publish_of(pair.sent_one()).payload, b"b");
}

#[test]
fn our_receive_maximum_is_enforced_with_disconnect_0x93() {
    let mut options = Options { protocol_version: ProtocolVersion::V5, ..Options::default() };
    options.properties.receive_maximum = NonZeroU16::new(1);
    let mut pair = Pair::new(options).connected();
    for id in [1, 2] {
        pair.receive(Packet::Publish(Publish {
            topic: topic("in"),
            delivery: Delivery::ExactlyOnce { packet_id: pid(id), dup: false },
            ..Default::default()
        }));
    }
    let outs = pair.outputs();
    assert_eq!(outs[0], peer::Out::Packet(Packet::PubRec(ack(1))));
    let peer::Out::Packet(Packet::Disconnect(d)) = &outs[1] else { panic!("{outs:?}") };
    assert_eq!(d.reason_code, ReasonCode::ReceiveMaximumExceeded);
    assert_eq!(outs[2], peer::Out::Close);
}
