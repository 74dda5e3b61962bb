//! The session saved and restored across a "page reload" (a new `Session`), against a
//! scripted peer: nothing accepted is lost, QoS 2 stays exactly-once.
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use peer::{ack, filter, pid, topic, Pair};
use wasmqtt::codec::{
    Ack, Delivery, Packet, ProtocolVersion, Publish, QoS, ReasonCode, SubAck, Subscription,
    SubscriptionOptions,
};
use wasmqtt::session::{ClientId, Event, Instant, Options, PublishRequest, Session, StateError};

fn options() -> Options {
    let mut o = Options {
        protocol_version: ProtocolVersion::V5,
        client_id: ClientId::Generate,
        clean_start: false,
        ..Options::default()
    };
    o.properties.session_expiry_interval = Some(3600);
    o
}

fn req(t: &str, qos: QoS, payload: &[u8]) -> PublishRequest {
    PublishRequest { topic: topic(t), payload: payload.to_vec(), qos, ..Default::default() }
}

/// A session mid-flight: QoS 1 unacknowledged, QoS 2 past PUBREC, one queued behind a
/// Receive Maximum of 2, a QoS 2 received and not yet released, one subscription.
fn mid_flight() -> (Pair, Vec<u8>, String) {
    let mut pair = Pair::new(options());
    pair.connect_with(
        false,
        wasmqtt::codec::ConnAckProperties {
            receive_maximum: std::num::NonZeroU16::new(2),
            ..Default::default()
        },
    );
    let sub = Subscription {
        filter: filter("cmd/#"),
        options: SubscriptionOptions { qos: QoS::ExactlyOnce, ..Default::default() },
    };
    pair.session.subscribe(pair.now, vec![sub], Default::default()).unwrap();
    let Packet::Subscribe(s) = pair.sent_one() else { panic!() };
    pair.receive(Packet::SubAck(SubAck {
        packet_id: s.packet_id,
        reason_codes: vec![ReasonCode::GrantedQoS2],
        properties: Default::default(),
    }));
    pair.session.publish(pair.now, req("out/1", QoS::AtLeastOnce, b"one")).unwrap();
    pair.session.publish(pair.now, req("out/2", QoS::ExactlyOnce, b"two")).unwrap();
    let mut queued = req("out/3", QoS::AtLeastOnce, b"three");
    queued.properties.message_expiry_interval = Some(100);
    pair.session.publish(pair.now, queued).unwrap();
    let sent = pair.sent();
    let Packet::Publish(two) = &sent[1] else { panic!("{sent:?}") };
    pair.receive(Packet::PubRec(Ack::new(two.delivery.packet_id().unwrap())));
    pair.receive(Packet::Publish(Publish {
        topic: topic("cmd/x"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(40), dup: false },
        payload: b"in".to_vec(),
        ..Default::default()
    }));
    pair.sent();
    pair.events();
    let saved = pair.session.save_state(pair.now);
    let client_id = pair.session.client_id().to_owned();
    (pair, saved, client_id)
}

/// A new page: a new session restored from `saved`, connected.
fn reloaded(saved: &[u8], session_present: bool) -> Pair {
    let mut pair = Pair::new(options());
    pair.session.restore_state(pair.now, saved).unwrap();
    pair.connect_with(session_present, Default::default());
    pair
}

#[test]
fn a_reload_resumes_every_exchange_where_it_stopped() {
    let (_, saved, client_id) = mid_flight();
    let mut pair = Pair::new(options());
    pair.session.restore_state(pair.now, &saved).unwrap();
    let connect = pair.start();
    assert_eq!(
        connect.client_id.as_str(),
        client_id,
        "same client id, so the server finds the session"
    );
    pair.accept(true, Default::default());
    let resent = pair.sent();
    let kinds: Vec<String> = resent
        .iter()
        .map(|p| match p {
            Packet::Publish(p) => {
                format!("PUBLISH {} dup={}", String::from_utf8_lossy(&p.payload), p.delivery.dup())
            }
            Packet::PubRel(_) => "PUBREL".into(),
            other => format!("{:?}", other.packet_type()),
        })
        .collect();
    assert_eq!(kinds, ["PUBLISH one dup=true", "PUBREL", "PUBLISH three dup=false"]);
    let Packet::Publish(three) = &resent[2] else { unreachable!() };
    assert_eq!(
        three.properties.message_expiry_interval,
        Some(100),
        "expiry kept (time left when saved)"
    );
    // The QoS 2 message received before the reload is not delivered again.
    pair.events();
    pair.receive(Packet::Publish(Publish {
        topic: topic("cmd/x"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(40), dup: true },
        payload: b"in".to_vec(),
        ..Default::default()
    }));
    assert_eq!(pair.sent_one(), Packet::PubRec(ack(40)));
    assert!(
        pair.events().iter().all(|e| !matches!(e, Event::Message(_))),
        "exactly once across the reload"
    );
    pair.receive(Packet::PubRel(ack(40)));
    assert_eq!(pair.sent_one(), Packet::PubComp(ack(40)));
}

#[test]
fn a_reload_onto_a_lost_session_sends_again_and_resubscribes() {
    let (_, saved, _) = mid_flight();
    let mut pair = reloaded(&saved, false);
    let sent = pair.sent();
    let Packet::Subscribe(s) = &sent[0] else { panic!("resubscribe first: {sent:?}") };
    assert_eq!(s.subscriptions[0].filter.as_str(), "cmd/#");
    let payloads: Vec<Vec<u8>> = sent
        .iter()
        .filter_map(|p| if let Packet::Publish(p) = p { Some(p.payload.clone()) } else { None })
        .collect();
    // "two" had its PUBREC: the server owned it, so it counts as delivered, not resent.
    assert_eq!(payloads, vec![b"one".to_vec(), b"three".to_vec()]);
}

#[test]
fn corrupt_or_misplaced_state_is_refused_with_a_typed_error() {
    let (mut live, saved, _) = mid_flight();
    assert_eq!(live.session.restore_state(live.now, &saved), Err(StateError::NotFresh));
    let mut fresh = Session::new(options(), 1).unwrap();
    let now = Instant::from_millis(0);
    assert!(matches!(fresh.restore_state(now, b"nope"), Err(StateError::Invalid(_))));
    for cut in [5, saved.len() / 2, saved.len() - 1] {
        let mut fresh = Session::new(options(), 1).unwrap();
        assert!(
            matches!(fresh.restore_state(now, &saved[..cut]), Err(StateError::Invalid(_))),
            "cut at {cut}"
        );
        assert_eq!(fresh.queued_messages(), (0, 0), "nothing half-restored");
    }
    let mut flipped = saved.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0xFF;
    let _ = Session::new(options(), 1).unwrap().restore_state(now, &flipped);
}

#[test]
fn save_restore_save_is_stable() {
    let (pair, saved, _) = mid_flight();
    let mut again = Pair::new(options());
    again.session.restore_state(pair.now, &saved).unwrap();
    assert_eq!(again.session.save_state(pair.now), saved);
}

#[test]
fn messages_published_before_the_restore_go_after_the_restored_ones() {
    // An application publishes at once while the stored state is still being read.
    let (_, saved, _) = mid_flight();
    let mut pair = Pair::new(options());
    let mut early = req("early", QoS::AtLeastOnce, b"four");
    early.properties.message_expiry_interval = Some(50);
    let early_id = pair.session.publish(pair.now, early).unwrap();
    pair.session.restore_state(pair.now, &saved).unwrap();
    assert_eq!(pair.session.queued_messages().0, 2, "three restored, early one still queued");
    pair.connect_with(false, Default::default());
    let publishes: Vec<Publish> = pair
        .sent()
        .into_iter()
        .filter_map(|p| if let Packet::Publish(p) = p { Some(p) } else { None })
        .collect();
    let payloads: Vec<&[u8]> = publishes.iter().map(|p| p.payload.as_slice()).collect();
    assert_eq!(payloads, [&b"one"[..], b"three", b"four"]);
    assert_eq!(publishes[2].properties.message_expiry_interval, Some(50), "its expiry kept");
    // The early message keeps its request id: its completion reaches the right caller.
    pair.events();
    pair.receive(Packet::PubAck(Ack::new(publishes[2].delivery.packet_id().unwrap())));
    let completed: Vec<_> = pair
        .events()
        .into_iter()
        .filter_map(
            |e| if let Event::Published { id, result } = e { Some((id, result)) } else { None },
        )
        .collect();
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].0, early_id);
    assert!(completed[0].1.is_ok());
}

/// The QoS 2 receive state kept apart (written with each delivery) is newer than the full
/// state: restored over it, it decides what counts as a repeat [MQTT-4.3.3-10, 4.3.3-11].
#[test]
fn the_qos2_receive_state_kept_apart_overrides_the_older_full_state() {
    let (mut pair, saved, _) = mid_flight();
    assert_eq!(pair.session.incoming_qos2_ids(), vec![40], "the full state has id 40 open");
    // After the full state was written: 40 released (PUBCOMP out), 41 received.
    pair.receive(Packet::PubRel(ack(40)));
    pair.receive(Packet::Publish(Publish {
        topic: topic("cmd/y"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(41), dup: false },
        payload: b"new".to_vec(),
        ..Default::default()
    }));
    let apart = pair.session.incoming_qos2_ids();
    assert_eq!(apart, vec![41]);
    let mut restored = Pair::new(options());
    restored.session.restore_state(restored.now, &saved).unwrap();
    restored.session.restore_incoming_qos2(&apart).unwrap();
    restored.connect_with(true, Default::default());
    restored.sent();
    restored.events();
    // The server's next message on id 40 is a new one, and is delivered.
    restored.receive(Packet::Publish(Publish {
        topic: topic("cmd/x"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(40), dup: false },
        payload: b"again".to_vec(),
        ..Default::default()
    }));
    assert!(restored.events().iter().any(|e| matches!(e, Event::Message(_))), "40 is new");
    // 41 is a repeat of one already delivered: acknowledged, not delivered again.
    restored.sent();
    restored.receive(Packet::Publish(Publish {
        topic: topic("cmd/y"),
        delivery: Delivery::ExactlyOnce { packet_id: pid(41), dup: true },
        payload: b"new".to_vec(),
        ..Default::default()
    }));
    assert_eq!(restored.sent_one(), Packet::PubRec(ack(41)));
    assert!(restored.events().iter().all(|e| !matches!(e, Event::Message(_))), "41 not twice");
}

#[test]
fn the_qos2_receive_state_is_restored_only_before_connect() {
    let (mut pair, _, _) = mid_flight();
    assert_eq!(pair.session.restore_incoming_qos2(&[1]), Err(StateError::NotFresh));
    let mut fresh = Session::new(options(), 1).unwrap();
    assert!(matches!(fresh.restore_incoming_qos2(&[0]), Err(StateError::Invalid(_))));
    fresh.restore_incoming_qos2(&[1, 65535]).unwrap();
    assert_eq!(fresh.incoming_qos2_ids(), vec![1, 65535]);
}
