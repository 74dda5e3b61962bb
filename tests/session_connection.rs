//! Handshake, refusals, timeouts, keep alive, reconnect and disconnect, against a scripted peer
//! with a virtual clock (FEATURES rows 3, 4, 5, 11, 21, 24).
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use peer::{topic, Out, Pair, BOTH};
use wasmqtt::codec::{
    BinaryData, ConnAck, ConnAckProperties, Disconnect, DisconnectProperties, MqttString, Packet,
    ProtocolVersion, QoS, ReasonCode, Will,
};
use wasmqtt::session::{
    ClientId, CloseReason, Event, Options, PublishRequest, Reconnect, UsageError,
};

fn closed(events: &[Event]) -> Option<(CloseReason, Option<u64>)> {
    events.iter().find_map(|e| match e {
        Event::Closed { reason, reconnect_at } => {
            Some((reason.clone(), reconnect_at.map(|i| i.as_millis())))
        }
        _ => None,
    })
}

#[test]
fn connect_carries_every_option() {
    for version in BOTH {
        let mut options = Options {
            protocol_version: version,
            client_id: ClientId::Fixed(MqttString::new("dev-1").unwrap()),
            clean_start: false,
            keep_alive: 25,
            username: Some(MqttString::new("user").unwrap()),
            password: Some(BinaryData::new(*b"secret").unwrap()),
            will: Some(Will {
                topic: topic("dev-1/status"),
                payload: BinaryData::new(*b"offline").unwrap(),
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: Default::default(),
            }),
            ..Options::default()
        };
        if version.is_v5() {
            options.properties.session_expiry_interval = Some(300);
            options.properties.receive_maximum = NonZeroU16::new(10);
            options.properties.maximum_packet_size = NonZeroU32::new(4096);
            options.properties.topic_alias_maximum = Some(5);
            options.properties.request_response_information = Some(true);
            options.will.as_mut().unwrap().properties.will_delay_interval = Some(5);
        }
        let mut pair = Pair::new(options.clone());
        let connect = pair.start();
        assert_eq!(connect.client_id.as_str(), "dev-1");
        assert!(!connect.clean_start);
        assert_eq!(connect.keep_alive, 25);
        assert_eq!(connect.username, options.username);
        assert_eq!(connect.password, options.password);
        assert_eq!(connect.will, options.will);
        assert_eq!(connect.properties, options.properties);
    }
}

#[test]
fn generated_client_id_is_stable_and_assigned_id_replaces_it() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    let connect = pair.start();
    assert!(
        connect.client_id.starts_with("wasmqtt_") && connect.client_id.len() == 16,
        "{:?}",
        connect.client_id
    );
    let mut pair =
        Pair::new(Options { client_id: ClientId::AssignedByServer, ..Options::default() });
    assert_eq!(pair.start().client_id.as_str(), "");
    pair.accept(
        false,
        ConnAckProperties {
            assigned_client_identifier: Some(MqttString::new("srv-7").unwrap()),
            ..Default::default()
        },
    );
    let events = pair.events();
    let Some(Event::Connected(c)) = events.iter().find(|e| matches!(e, Event::Connected(_))) else {
        panic!("{events:?}")
    };
    assert_eq!(c.client_id, "srv-7");
    assert_eq!(pair.session.client_id(), "srv-7");
    // The reconnect uses the assigned identifier, so the session can be resumed.
    pair.drop_transport();
    pair.jump_to_deadline();
    assert_eq!(pair.open_transport().client_id.as_str(), "srv-7");
}

#[test]
fn connack_limits_are_applied() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.connect_with(
        false,
        ConnAckProperties {
            server_keep_alive: Some(7),
            receive_maximum: NonZeroU16::new(3),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            maximum_packet_size: NonZeroU32::new(200),
            topic_alias_maximum: Some(4),
            wildcard_subscription_available: Some(false),
            response_information: Some(MqttString::new("resp/").unwrap()),
            ..Default::default()
        },
    );
    let limits = pair.session.server_limits().unwrap().clone();
    assert_eq!(
        (limits.keep_alive, limits.receive_maximum, limits.maximum_qos),
        (7, 3, QoS::AtLeastOnce)
    );
    assert!(!limits.retain_available && !limits.wildcard_subscription_available);
    let events = pair.events();
    let Some(Event::Connected(c)) = events.iter().find(|e| matches!(e, Event::Connected(_))) else {
        panic!("{events:?}")
    };
    assert_eq!(c.connack.properties.response_information.as_deref(), Some("resp/"));
    // A publish above Maximum QoS, a retained one, a too large one: refused before sending.
    let req = |qos, retain, len| PublishRequest {
        topic: topic("t"),
        payload: vec![0; len],
        qos,
        retain,
        ..Default::default()
    };
    assert_eq!(
        pair.session.publish(pair.now, req(QoS::ExactlyOnce, false, 1)),
        Err(UsageError::QoSNotSupported { requested: 2, maximum: 1 })
    );
    assert_eq!(
        pair.session.publish(pair.now, req(QoS::AtMostOnce, true, 1)),
        Err(UsageError::RetainNotSupported)
    );
    assert!(matches!(
        pair.session.publish(pair.now, req(QoS::AtMostOnce, false, 500)),
        Err(UsageError::PacketTooLarge { maximum: 200, .. })
    ));
    let sub =
        wasmqtt::codec::Subscription { filter: peer::filter("a/#"), options: Default::default() };
    assert!(matches!(
        pair.session.subscribe(pair.now, vec![sub], Default::default()),
        Err(UsageError::WildcardSubscriptionsNotSupported { .. })
    ));
    assert!(pair.sent().is_empty(), "nothing was sent for refused commands");
    // Server Keep Alive 7 overrides our 60.
    pair.advance(7_000);
    assert_eq!(pair.sent(), vec![Packet::PingReq]);
}

#[test]
fn refusals_are_typed_and_permanent_ones_stop_reconnecting() {
    let cases = [
        (ProtocolVersion::V3_1_1, ReasonCode::BadUserNameOrPassword, false),
        (ProtocolVersion::V3_1_1, ReasonCode::ServerUnavailable, true),
        (ProtocolVersion::V5, ReasonCode::Banned, false),
        (ProtocolVersion::V5, ReasonCode::NotAuthorized, false),
        (ProtocolVersion::V5, ReasonCode::ServerBusy, true),
    ];
    for (version, code, retries) in cases {
        let mut pair = Pair::with_version(version);
        pair.start();
        pair.receive(Packet::ConnAck(Box::new(ConnAck {
            reason_code: code,
            ..Default::default()
        })));
        assert_eq!(pair.outputs(), vec![Out::Close]);
        let events = pair.events();
        let (reason, reconnect_at) = closed(&events).unwrap();
        assert_eq!(
            reason,
            CloseReason::Refused { reason: code, reason_string: None, server_reference: None }
        );
        assert_eq!(reconnect_at.is_some(), retries, "{code}");
        assert_eq!(events.contains(&Event::Ended), !retries);
        assert!(!pair.session.is_connected());
    }
}

#[test]
fn connect_timeout_closes_and_backs_off() {
    let mut pair =
        Pair::new(Options { connect_timeout: Duration::from_secs(5), ..Options::default() });
    pair.start();
    assert_eq!(pair.jump_to_deadline(), 5_000);
    assert_eq!(pair.outputs(), vec![Out::Close]);
    let (reason, reconnect_at) = closed(&pair.events()).unwrap();
    assert_eq!(reason, CloseReason::ConnectTimeout(5_000));
    assert!(reconnect_at.is_some());
}

#[test]
fn keep_alive_pings_when_idle_and_closes_when_pingresp_is_late() {
    // [MQTT-3.1.2-20]: PINGREQ after keep alive without sending.
    for version in BOTH {
        let mut pair =
            Pair::new(Options { protocol_version: version, keep_alive: 10, ..Options::default() })
                .connected();
        assert_eq!(pair.jump_to_deadline(), 10_000);
        assert_eq!(pair.sent(), vec![Packet::PingReq]);
        pair.receive(Packet::PingResp);
        // Sending resets the keep alive timer.
        pair.advance(6_000);
        pair.session
            .publish(pair.now, PublishRequest { topic: topic("t"), ..Default::default() })
            .unwrap();
        pair.sent();
        assert_eq!(pair.jump_to_deadline(), 10_000);
        assert_eq!(pair.sent(), vec![Packet::PingReq]);
        // No PINGRESP within the ping timeout (the keep alive by default).
        assert_eq!(pair.jump_to_deadline(), 10_000);
        assert_eq!(pair.outputs(), vec![Out::Close]);
        assert_eq!(closed(&pair.events()).unwrap().0, CloseReason::KeepAliveTimeout(10_000));
    }
}

#[test]
fn backoff_grows_with_jitter_up_to_the_maximum_and_resets_after_a_stable_connection() {
    let reconnect = Reconnect {
        min_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(8),
        stable_after: Duration::from_secs(30),
        ..Reconnect::default()
    };
    let mut pair = Pair::new(Options { reconnect, ..Options::default() });
    pair.start();
    let mut delays = Vec::new();
    for _ in 0..6 {
        pair.drop_transport();
        delays.push(pair.jump_to_deadline());
        pair.open_transport();
    }
    for (i, d) in delays.iter().enumerate() {
        let cap = (1_000u64 << i).min(8_000);
        assert!((cap / 2..=cap).contains(d), "attempt {i}: {d} ms not in [{}, {cap}]", cap / 2);
    }
    // Up for 30 s: the next drop starts again from the minimum.
    pair.accept(false, Default::default());
    pair.advance(30_000);
    pair.sent();
    pair.drop_transport();
    assert!(pair.jump_to_deadline() <= 1_000);
}

#[test]
fn max_attempts_ends_the_session() {
    let reconnect = Reconnect { max_attempts: Some(2), ..Reconnect::default() };
    let mut pair = Pair::new(Options { reconnect, ..Options::default() });
    pair.start();
    pair.drop_transport();
    pair.jump_to_deadline();
    pair.open_transport();
    pair.drop_transport();
    let events = pair.events();
    assert_eq!(closed(&events[2..]).map(|c| c.1), Some(None));
    assert_eq!(events.last(), Some(&Event::Ended));
    assert_eq!(pair.session.poll_timeout(), None);
}

#[test]
fn client_disconnect_sends_reason_and_properties_then_ends() {
    let mut options = Options::default();
    options.properties.session_expiry_interval = Some(60);
    let mut pair = Pair::new(options).connected();
    let props = DisconnectProperties {
        session_expiry_interval: Some(0),
        reason_string: Some(MqttString::new("bye").unwrap()),
        ..Default::default()
    };
    pair.session
        .disconnect(pair.now, ReasonCode::DisconnectWithWillMessage, props.clone())
        .unwrap();
    assert_eq!(
        pair.outputs(),
        vec![
            Out::Packet(Packet::Disconnect(Disconnect {
                reason_code: ReasonCode::DisconnectWithWillMessage,
                properties: props
            })),
            Out::Close
        ]
    );
    let events = pair.events();
    assert_eq!(closed(&events), Some((CloseReason::ClientDisconnected, None)));
    assert_eq!(events.last(), Some(&Event::Ended));
    assert_eq!(
        pair.session.publish(pair.now, PublishRequest { topic: topic("t"), ..Default::default() }),
        Err(UsageError::Ended)
    );
}

#[test]
fn disconnect_rules_per_version() {
    let mut pair = Pair::with_version(ProtocolVersion::V3_1_1).connected();
    assert!(matches!(
        pair.session.disconnect(
            pair.now,
            ReasonCode::DisconnectWithWillMessage,
            Default::default()
        ),
        Err(UsageError::NotInVersion { .. })
    ));
    // [MQTT-3.14.2-2]: session expiry cannot go from 0 to non-zero.
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    let props = DisconnectProperties { session_expiry_interval: Some(10), ..Default::default() };
    assert!(matches!(
        pair.session.disconnect(pair.now, ReasonCode::Success, props),
        Err(UsageError::InvalidProperty { .. })
    ));
    pair.session.disconnect(pair.now, ReasonCode::Success, Default::default()).unwrap();
    assert_eq!(
        pair.outputs(),
        vec![Out::Packet(Packet::Disconnect(Disconnect::default())), Out::Close]
    );
}

#[test]
fn server_disconnect_is_reported_with_reason_string_and_reference() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    let mut d = Disconnect { reason_code: ReasonCode::UseAnotherServer, ..Default::default() };
    d.properties.reason_string = Some(MqttString::new("maintenance").unwrap());
    d.properties.server_reference = Some(MqttString::new("other:1883").unwrap());
    pair.receive(Packet::Disconnect(d));
    assert_eq!(pair.outputs(), vec![Out::Close]);
    let (reason, reconnect_at) = closed(&pair.events()).unwrap();
    assert_eq!(
        reason,
        CloseReason::ServerDisconnected {
            reason: ReasonCode::UseAnotherServer,
            reason_string: Some("maintenance".into()),
            server_reference: Some("other:1883".into())
        }
    );
    assert_eq!(
        reason.to_string(),
        "disconnected by the server: 0x9C Use another server: maintenance"
    );
    assert!(reconnect_at.is_some());
}

#[test]
fn malformed_bytes_close_with_the_right_reason_and_the_session_recovers() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        // PUBLISH with QoS 3.
        pair.receive_bytes(&[0x36, 0x03, 0x00, 0x01, b'a']);
        let outs = pair.outputs();
        if version.is_v5() {
            let Out::Packet(Packet::Disconnect(d)) = &outs[0] else { panic!("{outs:?}") };
            assert_eq!(d.reason_code, ReasonCode::MalformedPacket);
        }
        assert_eq!(outs.last(), Some(&Out::Close));
        assert!(matches!(closed(&pair.events()).unwrap().0, CloseReason::Decode(_)));
        // The next connection works.
        pair.jump_to_deadline();
        pair.open_transport();
        pair.accept(false, Default::default());
        assert!(pair.session.is_connected());
    }
}

#[test]
fn a_packet_above_our_maximum_is_refused_with_0x95() {
    let mut options = Options::default();
    options.properties.maximum_packet_size = NonZeroU32::new(64);
    let mut pair = Pair::new(options).connected();
    // PUBLISH announcing 100 bytes: refused from its header.
    pair.receive_bytes(&[0x30, 100]);
    let outs = pair.outputs();
    let Out::Packet(Packet::Disconnect(d)) = &outs[0] else { panic!("{outs:?}") };
    assert_eq!(d.reason_code, ReasonCode::PacketTooLarge);
}

#[test]
fn unexpected_packets_are_protocol_errors() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.start();
    // [MQTT-3.2.0-1]: the first packet from the server must be CONNACK.
    pair.receive(Packet::PingResp);
    let outs = pair.outputs();
    assert_eq!(outs, vec![Out::Close]);
    assert!(matches!(
        closed(&pair.events()).unwrap().0,
        CloseReason::ProtocolViolation { reason: ReasonCode::ProtocolError, .. }
    ));
    // [MQTT-3.2.2-4]: Session Present after a clean start.
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.start();
    pair.accept(true, Default::default());
    assert!(!pair.session.is_connected());
}

#[test]
fn options_for_another_version_or_a_will_not_utf8_are_refused_not_dropped() {
    let mut options = Options { protocol_version: ProtocolVersion::V3_1_1, ..Options::default() };
    options.properties.session_expiry_interval = Some(10);
    assert!(matches!(
        wasmqtt::session::Session::new(options, 1),
        Err(UsageError::NotInVersion { .. })
    ));
    // A will marked UTF-8 (payload format indicator 1) must be UTF-8, as a publish must.
    let mut will = Will {
        topic: topic("dev/status"),
        payload: BinaryData::new(vec![b'o', 0xFF]).unwrap(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Default::default(),
    };
    will.properties.payload_format_indicator = Some(true);
    let options = Options { will: Some(will.clone()), ..Options::default() };
    let err = wasmqtt::session::Session::new(options, 1).unwrap_err();
    assert_eq!(err, UsageError::WillPayloadNotUtf8);
    will.payload = BinaryData::new(*b"offline").unwrap();
    assert!(wasmqtt::session::Session::new(Options { will: Some(will), ..Options::default() }, 1)
        .is_ok());
    let mut pair = Pair::with_version(ProtocolVersion::V3_1_1).connected();
    let mut req = PublishRequest { topic: topic("t"), ..Default::default() };
    req.properties.content_type = Some(MqttString::new("text/plain").unwrap());
    let err = pair.session.publish(pair.now, req).unwrap_err();
    assert_eq!(
        err.to_string(),
        "publish properties needs MQTT 5.0, but this connection uses MQTT 3.1.1"
    );
}
