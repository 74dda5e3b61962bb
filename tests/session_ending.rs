//! Ending a session as MQTT.js's `end()` and `end(true)` do: DISCONNECT once what is in flight
//! is acknowledged, or no DISCONNECT at all (so that the server publishes the will), against
//! the scripted peer with a virtual clock (FEATURES rows 5, 9, 24).
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use std::num::NonZeroU16;

use peer::{ack, filter, published, topic, Out, Pair, BOTH};
use wasmqtt::codec::{
    ConnAckProperties, Disconnect, DisconnectProperties, Packet, QoS, ReasonCode, SubAck,
    Subscription, SubscriptionOptions,
};
use wasmqtt::session::{CloseReason, Event, Options, PublishError, PublishRequest, UsageError};

fn req(qos: QoS) -> PublishRequest {
    PublishRequest { topic: topic("t"), payload: b"m".to_vec(), qos, ..Default::default() }
}

fn disconnect(reason: ReasonCode) -> Out {
    Out::Packet(Packet::Disconnect(Disconnect { reason_code: reason, ..Default::default() }))
}

fn closed(events: &[Event]) -> Option<(CloseReason, bool)> {
    events.iter().find_map(|e| match e {
        Event::Closed { reason, reconnect_at } => Some((reason.clone(), reconnect_at.is_some())),
        _ => None,
    })
}

#[test]
fn ending_waits_for_puback_and_pubcomp_then_disconnects() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let one = pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
        let two = pair.session.publish(pair.now, req(QoS::ExactlyOnce)).unwrap();
        assert_eq!(pair.sent().len(), 2);
        pair.session
            .disconnect_when_done(pair.now, ReasonCode::Success, Default::default())
            .unwrap();
        assert!(pair.session.is_ending());
        assert_eq!(pair.outputs(), vec![], "no DISCONNECT while two messages are in flight");
        assert_eq!(pair.session.publish(pair.now, req(QoS::AtMostOnce)), Err(UsageError::Ending));

        pair.receive(Packet::PubAck(ack(1)));
        assert_eq!(pair.outputs(), vec![], "the QoS 2 message is still in flight");
        pair.receive(Packet::PubRec(ack(2)));
        assert_eq!(pair.sent(), vec![Packet::PubRel(ack(2))]);
        pair.receive(Packet::PubComp(ack(2)));
        assert_eq!(pair.outputs(), vec![disconnect(ReasonCode::Success), Out::Close]);

        let events = pair.events();
        assert_eq!(
            published(&events),
            vec![(one, Ok(ReasonCode::Success)), (two, Ok(ReasonCode::Success))]
        );
        assert_eq!(closed(&events), Some((CloseReason::ClientDisconnected, false)));
        assert_eq!(events.last(), Some(&Event::Ended));
        assert!(!pair.session.is_ending());
        assert_eq!(pair.session.publish(pair.now, req(QoS::AtMostOnce)), Err(UsageError::Ended));
    }
}

#[test]
fn ending_waits_for_the_suback_and_sends_the_asked_reason_and_properties() {
    let mut pair = Pair::with_version(wasmqtt::codec::ProtocolVersion::V5).connected();
    let sub = Subscription { filter: filter("a/#"), options: SubscriptionOptions::default() };
    pair.session.subscribe(pair.now, vec![sub], Default::default()).unwrap();
    let Packet::Subscribe(subscribe) = pair.sent_one() else { panic!("expected SUBSCRIBE") };
    let properties = DisconnectProperties {
        reason_string: Some(wasmqtt::codec::MqttString::new("bye").unwrap()),
        ..Default::default()
    };
    pair.session
        .disconnect_when_done(pair.now, ReasonCode::DisconnectWithWillMessage, properties.clone())
        .unwrap();
    assert_eq!(pair.outputs(), vec![]);
    pair.receive(Packet::SubAck(SubAck {
        packet_id: subscribe.packet_id,
        reason_codes: vec![ReasonCode::Success],
        properties: Default::default(),
    }));
    let expected = Disconnect { reason_code: ReasonCode::DisconnectWithWillMessage, properties };
    assert_eq!(pair.outputs(), vec![Out::Packet(Packet::Disconnect(expected)), Out::Close]);
}

#[test]
fn with_nothing_in_flight_ending_is_an_immediate_disconnect() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        pair.session.publish(pair.now, req(QoS::AtMostOnce)).unwrap();
        pair.sent();
        pair.session
            .disconnect_when_done(pair.now, ReasonCode::Success, Default::default())
            .unwrap();
        assert_eq!(pair.outputs(), vec![disconnect(ReasonCode::Success), Out::Close]);
        assert_eq!(pair.events().last(), Some(&Event::Ended));
    }
}

#[test]
fn messages_held_back_by_receive_maximum_go_out_and_are_acknowledged_before_the_disconnect() {
    let mut pair = Pair::with_version(wasmqtt::codec::ProtocolVersion::V5);
    pair.connect_with(
        false,
        ConnAckProperties { receive_maximum: NonZeroU16::new(1), ..Default::default() },
    );
    pair.events();
    pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
    pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
    assert_eq!(pair.sent().len(), 1, "Receive Maximum 1 holds the second back");
    pair.session.disconnect_when_done(pair.now, ReasonCode::Success, Default::default()).unwrap();
    pair.receive(Packet::PubAck(ack(1)));
    let sent = pair.sent();
    assert!(matches!(sent.as_slice(), [Packet::Publish(_)]), "the second goes out: {sent:?}");
    pair.receive(Packet::PubAck(ack(2)));
    assert_eq!(pair.outputs(), vec![disconnect(ReasonCode::Success), Out::Close]);
}

#[test]
fn a_connection_lost_while_ending_ends_the_session_instead_of_reconnecting() {
    let mut pair = Pair::with_version(wasmqtt::codec::ProtocolVersion::V5).connected();
    let id = pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
    pair.sent();
    pair.session.disconnect_when_done(pair.now, ReasonCode::Success, Default::default()).unwrap();
    pair.drop_transport();
    let events = pair.events();
    let (reason, reconnects) = closed(&events).expect("closed");
    assert!(matches!(reason, CloseReason::TransportClosed { .. }), "{reason:?}");
    assert!(!reconnects, "a client asked to end does not reconnect to finish");
    // A clean session dies with the connection: the message is reported as never delivered.
    assert_eq!(published(&events), vec![(id, Err(PublishError::SessionEnded))]);
    assert_eq!(events.last(), Some(&Event::Ended));
    assert_eq!(pair.session.poll_timeout(), None);
    assert!(!pair.session.is_ending());
}

#[test]
fn abort_closes_without_disconnect_so_the_server_publishes_the_will() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let id = pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
        pair.session.abort();
        // The PUBLISH written before still leaves; no DISCONNECT follows it [MQTT-3.1.2-8].
        let outputs = pair.outputs();
        assert!(
            matches!(outputs.as_slice(), [Out::Packet(Packet::Publish(_)), Out::Close]),
            "{outputs:?}"
        );
        let events = pair.events();
        assert_eq!(closed(&events), Some((CloseReason::ClientDisconnected, false)));
        assert_eq!(published(&events), vec![(id, Err(PublishError::SessionEnded))]);
        assert_eq!(events.last(), Some(&Event::Ended));
    }
}

#[test]
fn abort_while_ending_stops_waiting() {
    let mut pair = Pair::new(Options::default()).connected();
    pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
    pair.sent();
    pair.session.disconnect_when_done(pair.now, ReasonCode::Success, Default::default()).unwrap();
    pair.session.abort();
    assert_eq!(pair.outputs(), vec![Out::Close]);
    assert!(!pair.session.is_ending());
    assert_eq!(pair.events().last(), Some(&Event::Ended));
}

#[test]
fn ending_checks_the_disconnect_as_disconnect_does() {
    let mut pair = Pair::with_version(wasmqtt::codec::ProtocolVersion::V3_1_1).connected();
    pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
    let refused = pair.session.disconnect_when_done(
        pair.now,
        ReasonCode::DisconnectWithWillMessage,
        Default::default(),
    );
    assert!(matches!(refused, Err(UsageError::NotInVersion { .. })), "{refused:?}");
    assert!(!pair.session.is_ending(), "a refused request changes nothing");
}

#[test]
fn a_server_that_never_acknowledges_gets_the_connect_timeout_then_the_disconnect() {
    let mut pair = Pair::new(Options::default()).connected();
    let id = pair.session.publish(pair.now, req(QoS::AtLeastOnce)).unwrap();
    pair.sent();
    pair.session.disconnect_when_done(pair.now, ReasonCode::Success, Default::default()).unwrap();
    let timeout = Options::default().connect_timeout.as_millis() as u64;
    pair.advance(timeout / 2);
    // Asked again halfway: the deadline stays where the first request put it.
    pair.session.disconnect_when_done(pair.now, ReasonCode::Success, Default::default()).unwrap();
    pair.advance(timeout - timeout / 2 - 1);
    assert_eq!(pair.outputs(), vec![], "still waiting for the PUBACK");
    pair.advance(1);
    assert_eq!(pair.outputs(), vec![disconnect(ReasonCode::Success), Out::Close]);
    let events = pair.events();
    assert_eq!(published(&events), vec![(id, Err(PublishError::SessionEnded))]);
    assert_eq!(events.last(), Some(&Event::Ended));
}
