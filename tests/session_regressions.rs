//! Regression tests from a review of the session against the MQTT 5.0 / 3.1.1 client rules:
//! each scenario failed before its fix, against the scripted peer with a virtual clock.
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use std::collections::{BTreeSet, HashMap};
use std::num::{NonZeroU16, NonZeroU32};

use peer::{ack, filter, pid, topic, Out, Pair};
use wasmqtt::codec::{
    Ack, AckProperties, ConnAckProperties, Delivery, MqttString, Packet, ProtocolVersion, Publish,
    QoS, ReasonCode, SubAck, Subscribe, Subscription, SubscriptionOptions,
};
use wasmqtt::session::{ClientId, Event, Options, PublishError, PublishRequest};

/// MQTT 5, a fixed client id, Clean Start 0 and a session that outlives the connection.
fn persistent() -> Options {
    let mut options = Options {
        protocol_version: ProtocolVersion::V5,
        client_id: ClientId::Fixed(MqttString::new("keep").unwrap()),
        clean_start: false,
        ..Options::default()
    };
    options.properties.session_expiry_interval = Some(3600);
    options
}

fn req(t: &str, qos: QoS, payload: &[u8]) -> PublishRequest {
    PublishRequest { topic: topic(t), payload: payload.to_vec(), qos, ..Default::default() }
}

fn sub(f: &str) -> Subscription {
    Subscription { filter: filter(f), options: SubscriptionOptions::default() }
}

fn publishes(packets: Vec<Packet>) -> Vec<Publish> {
    packets
        .into_iter()
        .filter_map(|p| if let Packet::Publish(p) = p { Some(p) } else { None })
        .collect()
}

fn subscribes(packets: Vec<Packet>) -> Vec<Subscribe> {
    packets
        .into_iter()
        .filter_map(|p| if let Packet::Subscribe(s) = p { Some(s) } else { None })
        .collect()
}

fn suback(s: &Subscribe, code: ReasonCode) -> Packet {
    Packet::SubAck(SubAck {
        packet_id: s.packet_id,
        reason_codes: vec![code; s.subscriptions.len()],
        properties: Default::default(),
    })
}

/// Plays the server's side of topic aliases: the topic each PUBLISH sent is delivered to.
fn server_reads(
    pair: &mut Pair,
    aliases: &mut HashMap<NonZeroU16, String>,
    delivered: &mut Vec<String>,
) {
    for p in publishes(pair.sent()) {
        let topic = match p.properties.topic_alias {
            Some(a) if p.topic.is_empty() => aliases.get(&a).cloned().unwrap_or_default(),
            Some(a) => {
                aliases.insert(a, p.topic.to_string());
                p.topic.to_string()
            }
            None => p.topic.to_string(),
        };
        delivered.push(topic);
    }
}

/// Transport drops, backoff passes, the transport reopens and CONNECT goes out.
fn reconnect(pair: &mut Pair) {
    pair.drop_transport();
    pair.jump_to_deadline();
    pair.open_transport();
}

// ---------------------------------------------------------------------------------------------
// Flow control
// ---------------------------------------------------------------------------------------------

#[test]
fn resume_with_a_lower_receive_maximum_does_not_exceed_it_after_an_ack() {
    let mut pair = Pair::new(persistent());
    pair.connect_with(false, Default::default());
    pair.events();
    for i in 0..3u8 {
        pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, &[i])).unwrap();
    }
    let first = publishes(pair.sent());
    assert_eq!(first.len(), 3);
    reconnect(&mut pair);
    pair.accept(
        true,
        ConnAckProperties { receive_maximum: NonZeroU16::new(1), ..Default::default() },
    );
    // The three resends are mandated [MQTT-4.4.0-1].
    assert_eq!(publishes(pair.sent()).len(), 3);
    pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"new")).unwrap();
    assert!(publishes(pair.sent()).is_empty(), "quota is exhausted");
    // One PUBACK: two QoS 1 messages are still unacknowledged, Receive Maximum is 1.
    pair.receive(Packet::PubAck(Ack::new(first[0].delivery.packet_id().unwrap())));
    let after = publishes(pair.sent());
    assert!(
        after.is_empty(),
        "sent a new QoS 1 PUBLISH with 2 unacknowledged and Receive Maximum 1: {after:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------------------------

#[test]
fn subscribe_before_connecting_is_sent_once() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.session.subscribe(pair.now, vec![sub("cmd/#")], Default::default()).unwrap();
    pair.connect_with(false, Default::default());
    let sent = subscribes(pair.sent());
    assert_eq!(
        sent.len(),
        1,
        "one subscribe() call, {} SUBSCRIBE packets (retained messages arrive twice): {sent:?}",
        sent.len()
    );
}

#[test]
fn resubscribes_do_not_pile_up_across_reconnects() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    pair.session.subscribe(pair.now, vec![sub("cmd/#")], Default::default()).unwrap();
    let Packet::Subscribe(s) = pair.sent_one() else { panic!("expected SUBSCRIBE") };
    pair.receive(suback(&s, ReasonCode::Success));
    pair.events();
    // The server keeps dropping the connection before it answers the resubscribe.
    for round in 0..4 {
        reconnect(&mut pair);
        pair.accept(false, Default::default());
        let n = subscribes(pair.sent()).len();
        assert!(n <= 1, "reconnect {round}: {n} SUBSCRIBE packets for one subscription");
    }
}

#[test]
fn queued_subscribe_is_checked_against_the_connack_limits() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.session.subscribe(pair.now, vec![sub("a/#")], Default::default()).unwrap();
    pair.connect_with(
        false,
        ConnAckProperties { wildcard_subscription_available: Some(false), ..Default::default() },
    );
    let sent = subscribes(pair.sent());
    assert!(
        sent.iter().all(|s| s.subscriptions.iter().all(|x| !x.filter.has_wildcards())),
        "wildcard SUBSCRIBE sent to a server without wildcard subscriptions: {sent:?}"
    );
}

#[test]
fn resubscribe_restores_every_subscription_within_the_maximum_packet_size() {
    let limits =
        ConnAckProperties { maximum_packet_size: NonZeroU32::new(64), ..Default::default() };
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.connect_with(false, limits.clone());
    pair.events();
    let filters = ["sensors/room-1/temp", "sensors/room-2/temp", "sensors/room-3/temp"];
    for f in filters {
        pair.session.subscribe(pair.now, vec![sub(f)], Default::default()).unwrap();
        let Packet::Subscribe(s) = pair.sent_one() else { panic!("expected SUBSCRIBE") };
        pair.receive(suback(&s, ReasonCode::Success));
    }
    pair.events();
    reconnect(&mut pair);
    pair.accept(false, limits);
    let restored: BTreeSet<String> = subscribes(pair.sent())
        .iter()
        .flat_map(|s| s.subscriptions.iter().map(|x| x.filter.to_string()))
        .collect();
    let events = pair.events();
    assert_eq!(
        restored.len(),
        filters.len(),
        "restored {restored:?}; events {events:?} (nothing tells the user)"
    );
}

#[test]
fn a_bad_suback_still_completes_the_subscribe_request() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    let id =
        pair.session.subscribe(pair.now, vec![sub("a"), sub("b")], Default::default()).unwrap();
    let Packet::Subscribe(s) = pair.sent_one() else { panic!("expected SUBSCRIBE") };
    // One reason code for two filters: a protocol violation, the client closes.
    pair.receive(Packet::SubAck(SubAck {
        packet_id: s.packet_id,
        reason_codes: vec![ReasonCode::Success],
        properties: Default::default(),
    }));
    let mut events = pair.events();
    pair.outputs();
    pair.jump_to_deadline();
    pair.open_transport();
    pair.accept(false, Default::default());
    for s in subscribes(pair.sent()) {
        pair.receive(suback(&s, ReasonCode::Success));
    }
    events.extend(pair.events());
    assert!(
        events.iter().any(|e| matches!(e, Event::Subscribed { id: i, .. } if *i == id)),
        "subscribe {id:?} never completed: {events:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Topic aliases
// ---------------------------------------------------------------------------------------------

#[test]
fn a_failed_establishing_publish_does_not_misroute_later_messages() {
    let (t1, t2) = ("a/one", "b/two");
    let big = vec![0u8; 20];
    let plain =
        Packet::Publish(Publish { topic: topic(t2), payload: big.clone(), ..Default::default() });
    // Exactly the size of the t2 message without an alias: publish() accepts it.
    let max = u32::try_from(plain.encoded_len(ProtocolVersion::V5).unwrap()).unwrap();
    let options = Options { auto_assign_topic_alias: true, ..Options::default() };
    let mut pair = Pair::new(options);
    pair.connect_with(
        false,
        ConnAckProperties {
            topic_alias_maximum: Some(1),
            maximum_packet_size: NonZeroU32::new(max),
            ..Default::default()
        },
    );
    pair.events();
    // The server's view of our aliases, and the topic it delivers each PUBLISH to.
    let mut server_aliases = HashMap::new();
    let mut delivered = Vec::new();
    pair.session.publish(pair.now, req(t1, QoS::AtMostOnce, b"1")).unwrap();
    server_reads(&mut pair, &mut server_aliases, &mut delivered);
    // Takes over alias 1 for t2; with the alias it is 3 bytes too large, so it goes out
    // without one and the alias is forgotten.
    pair.session.publish(pair.now, req(t2, QoS::AtMostOnce, &big)).unwrap();
    server_reads(&mut pair, &mut server_aliases, &mut delivered);
    pair.session.publish(pair.now, req(t2, QoS::AtMostOnce, b"2")).unwrap();
    server_reads(&mut pair, &mut server_aliases, &mut delivered);
    assert_eq!(delivered, [t1, t2, t2], "every message reaches its own topic");
}

#[test]
fn auto_aliases_up_to_65535_do_not_panic() {
    let options = Options { auto_assign_topic_alias: true, ..Options::default() };
    let mut pair = Pair::new(options);
    pair.connect_with(
        false,
        ConnAckProperties { topic_alias_maximum: Some(u16::MAX), ..Default::default() },
    );
    pair.events();
    for i in 0..=u32::from(u16::MAX) {
        pair.session.publish(pair.now, req(&format!("t/{i}"), QoS::AtMostOnce, b"")).unwrap();
        while pair.session.poll_transmit().is_some() {}
        while pair.session.poll_event().is_some() {}
    }
}

// ---------------------------------------------------------------------------------------------
// Resend after reconnect
// ---------------------------------------------------------------------------------------------

#[test]
fn pubrels_are_resent_in_pubrec_order() {
    let mut pair = Pair::new(persistent());
    pair.connect_with(false, Default::default());
    pair.events();
    pair.session.publish(pair.now, req("a", QoS::ExactlyOnce, b"1")).unwrap();
    pair.session.publish(pair.now, req("b", QoS::ExactlyOnce, b"2")).unwrap();
    let sent = publishes(pair.sent());
    let (p1, p2) = (sent[0].delivery.packet_id().unwrap(), sent[1].delivery.packet_id().unwrap());
    pair.receive(Packet::PubRec(Ack::new(p2)));
    pair.receive(Packet::PubRec(Ack::new(p1)));
    assert_eq!(pair.sent(), vec![Packet::PubRel(Ack::new(p2)), Packet::PubRel(Ack::new(p1))]);
    reconnect(&mut pair);
    pair.accept(true, Default::default());
    assert_eq!(pair.sent(), vec![Packet::PubRel(Ack::new(p2)), Packet::PubRel(Ack::new(p1))]);
}

#[test]
fn an_unresendable_inflight_message_is_reported() {
    let mut pair = Pair::new(persistent());
    pair.connect_with(false, Default::default());
    pair.events();
    let id = pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, &[0u8; 200])).unwrap();
    assert_eq!(publishes(pair.sent()).len(), 1);
    reconnect(&mut pair);
    pair.accept(
        true,
        ConnAckProperties { maximum_packet_size: NonZeroU32::new(100), ..Default::default() },
    );
    let resent = publishes(pair.sent());
    let events = pair.events();
    let reported = events.iter().any(|e| matches!(e, Event::Published { id: i, .. } if *i == id));
    assert!(
        !resent.is_empty() || reported,
        "neither resent nor reported; in flight: {:?}",
        pair.session.queued_messages()
    );
}

// ---------------------------------------------------------------------------------------------
// Ending, events, transport
// ---------------------------------------------------------------------------------------------

/// A connected session that does not reconnect: losing the transport ends it.
fn connected_without_reconnect() -> Pair {
    let mut options = Options::default();
    options.reconnect.enabled = false;
    Pair::new(options).connected()
}

#[test]
fn giving_up_fails_the_messages_it_will_never_deliver() {
    let mut pair = connected_without_reconnect();
    let id = pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"1")).unwrap();
    pair.sent();
    pair.drop_transport();
    let events = pair.events();
    assert!(events.contains(&Event::Ended), "{events:?}");
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Published { id: i, result: Err(PublishError::SessionEnded) } if *i == id
        )),
        "no completion for {id:?}: {events:?}"
    );
}

#[test]
fn giving_up_fails_the_messages_in_publish_order_whatever_order_their_pubrecs_came_in() {
    let mut pair = connected_without_reconnect();
    let first = pair.session.publish(pair.now, req("t", QoS::ExactlyOnce, b"1")).unwrap();
    let second = pair.session.publish(pair.now, req("t", QoS::ExactlyOnce, b"2")).unwrap();
    let sent = publishes(pair.sent());
    let ids: Vec<_> = sent.iter().map(|p| p.delivery.packet_id().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    // PUBRECs in reverse: the PUBRELs go out in PUBREC order [MQTT-4.6.0-4] ...
    pair.receive(Packet::PubRec(Ack::new(ids[1])));
    pair.receive(Packet::PubRec(Ack::new(ids[0])));
    pair.sent();
    pair.drop_transport();
    // ... but the messages end as the application published them.
    let ended: Vec<_> = pair
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Published { id, result: Err(PublishError::SessionEnded) } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(ended, vec![first, second]);
}

#[test]
fn ended_is_emitted_once() {
    let mut pair = connected_without_reconnect();
    pair.drop_transport();
    assert!(pair.events().contains(&Event::Ended));
    pair.session.disconnect(pair.now, ReasonCode::Success, Default::default()).unwrap();
    let events = pair.events();
    assert!(!events.contains(&Event::Ended), "second Ended: {events:?}");
}

#[test]
fn bytes_for_a_dead_connection_are_not_carried_to_the_next() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    pair.receive(Packet::Publish(Publish {
        topic: topic("in"),
        delivery: Delivery::AtLeastOnce { packet_id: pid(7), dup: false },
        ..Default::default()
    }));
    // The PUBACK is waiting in the session; the transport dies before the driver polls.
    pair.drop_transport();
    pair.jump_to_deadline();
    let outs = pair.outputs();
    assert_eq!(outs, vec![Out::Open], "stale bytes ahead of Open: {outs:?}");
}

#[test]
fn is_reconnecting_while_waiting_to_reconnect() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    pair.drop_transport();
    let events = pair.events();
    assert!(
        events.iter().any(|e| matches!(e, Event::Closed { reconnect_at: Some(_), .. })),
        "{events:?}"
    );
    assert!(pair.session.is_reconnecting(), "in Backoff, waiting to reconnect");
}

#[test]
fn a_reconnect_after_a_stable_connection_is_reported_as_a_reconnect() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    // Up longer than stable_after (10 s), shorter than keep alive (60 s).
    pair.advance(11_000);
    assert!(pair.sent().is_empty());
    pair.drop_transport();
    pair.jump_to_deadline();
    let events = pair.events();
    let attempts: Vec<u32> = events
        .iter()
        .filter_map(|e| if let Event::Connecting { attempt } = e { Some(*attempt) } else { None })
        .collect();
    assert!(!attempts.is_empty() && attempts.iter().all(|&a| a > 1), "{events:?}");
}

#[test]
fn reason_string_after_request_problem_information_0_is_a_protocol_error() {
    let mut options = Options::default();
    options.properties.request_problem_information = Some(false);
    let mut pair = Pair::new(options).connected();
    pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"1")).unwrap();
    pair.sent();
    pair.receive(Packet::PubAck(Ack {
        properties: AckProperties {
            reason_string: Some(MqttString::new("why").unwrap()),
            ..Default::default()
        },
        ..ack(1)
    }));
    let outs = pair.outputs();
    assert!(
        matches!(
            outs.first(),
            Some(Out::Packet(Packet::Disconnect(d))) if d.reason_code == ReasonCode::ProtocolError
        ),
        "{outs:?}"
    );
}

/// Found by the session fuzzer: a server sending CONNECT with a bad protocol level made the
/// client answer DISCONNECT 0x84, a CONNACK-only code that DISCONNECT may not carry
/// [MQTT-3.14.2-1]; a scripted peer plays the broken server.
#[test]
fn a_decode_error_with_a_connack_only_code_disconnects_with_protocol_error() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    // CONNECT, protocol name "MQTT", level 9.
    pair.receive_bytes(&[
        0x10, 0x0A, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x09, 0x02, 0x00, 0x3C, 0x00, 0x00,
    ]);
    let outs = pair.outputs();
    let Some(Out::Packet(Packet::Disconnect(d))) = outs.first() else { panic!("{outs:?}") };
    assert_eq!(d.reason_code, ReasonCode::ProtocolError);
    assert!(d.reason_code.is_valid_in(wasmqtt::codec::PacketType::Disconnect));
    assert_eq!(outs.last(), Some(&Out::Close));
}
