//! Persistent sessions, subscriptions, topic aliases, message expiry and the offline queue,
//! against a scripted peer with a virtual clock (FEATURES rows 8, 15, 17, 18, 19, 24).
#![cfg(not(target_arch = "wasm32"))]

mod peer;

use std::num::NonZeroU16;

use peer::{ack, filter, pid, topic, Out, Pair, BOTH};
use wasmqtt::codec::{
    Ack, ConnAckProperties, Delivery, MqttString, Packet, ProtocolVersion, Publish, QoS,
    ReasonCode, RetainHandling, SubAck, SubscribeProperties, Subscription, SubscriptionId,
    SubscriptionOptions, UnsubAck,
};
use wasmqtt::session::{
    ClientId, Event, Options, PublishError, PublishRequest, QueueLimits, UsageError,
};

fn persistent(version: ProtocolVersion) -> Options {
    let mut options = Options {
        protocol_version: version,
        client_id: ClientId::Fixed(MqttString::new("keep").unwrap()),
        clean_start: false,
        ..Options::default()
    };
    if version.is_v5() {
        options.properties.session_expiry_interval = Some(3600);
    }
    options
}

fn req(t: &str, qos: QoS, payload: &[u8]) -> PublishRequest {
    PublishRequest { topic: topic(t), payload: payload.to_vec(), qos, ..Default::default() }
}

fn publishes(packets: Vec<Packet>) -> Vec<Publish> {
    packets
        .into_iter()
        .filter_map(|p| if let Packet::Publish(p) = p { Some(p) } else { None })
        .collect()
}

/// Connected; a QoS 1 and a QoS 2 message in flight (the QoS 2 one past PUBREC), then the
/// transport drops and the client comes back to CONNACK.
fn interrupted(version: ProtocolVersion) -> (Pair, Vec<Publish>) {
    let mut pair = Pair::new(persistent(version));
    pair.connect_with(false, Default::default());
    pair.events();
    pair.session.publish(pair.now, req("a", QoS::AtLeastOnce, b"1")).unwrap();
    pair.session.publish(pair.now, req("b", QoS::ExactlyOnce, b"2")).unwrap();
    pair.session.publish(pair.now, req("c", QoS::ExactlyOnce, b"3")).unwrap();
    let sent = publishes(pair.sent());
    pair.receive(Packet::PubRec(Ack::new(sent[1].delivery.packet_id().unwrap())));
    assert!(matches!(pair.sent_one(), Packet::PubRel(_)));
    pair.drop_transport();
    pair.jump_to_deadline();
    let connect = pair.open_transport();
    assert!(!connect.clean_start);
    (pair, sent)
}

#[test]
fn session_present_resends_publish_with_dup_and_pubrel_in_order_before_new_messages() {
    // [MQTT-4.4.0-1], [MQTT-4.4.0-2]
    for version in BOTH {
        let (mut pair, sent) = interrupted(version);
        // Published while offline: must come after the resends.
        pair.session.publish(pair.now, req("new", QoS::AtLeastOnce, b"4")).unwrap();
        pair.accept(true, Default::default());
        let resent = pair.sent();
        let id = |p: &Publish| p.delivery.packet_id().unwrap();
        let dup = |p: &Publish| {
            Packet::Publish(Publish {
                delivery: Delivery::new(p.delivery.qos(), id(p), true),
                ..p.clone()
            })
        };
        // PUBLISHes in the order first sent [MQTT-4.6.0-1], PUBRELs in PUBREC order
        // [MQTT-4.6.0-4]; the spec does not order one kind against the other.
        let resent_publishes: Vec<_> =
            resent[..3].iter().filter(|p| matches!(p, Packet::Publish(_))).cloned().collect();
        assert_eq!(resent_publishes, vec![dup(&sent[0]), dup(&sent[2])]);
        assert!(resent[..3].contains(&Packet::PubRel(Ack::new(id(&sent[1])))));
        let Packet::Publish(new) = &resent[3] else { panic!("{resent:?}") };
        assert_eq!((new.payload.as_slice(), new.delivery.dup()), (&b"4"[..], false));
        assert_eq!(resent.len(), 4);
    }
}

#[test]
fn session_lost_sends_unacknowledged_messages_again_as_new_and_resubscribes() {
    for version in BOTH {
        let mut options = persistent(version);
        options.resubscribe = true;
        let mut pair = Pair::new(options);
        pair.connect_with(false, Default::default());
        let sub = Subscription {
            filter: filter("cmd/#"),
            options: SubscriptionOptions { qos: QoS::AtLeastOnce, ..Default::default() },
        };
        pair.session.subscribe(pair.now, vec![sub.clone()], Default::default()).unwrap();
        let Packet::Subscribe(s) = pair.sent_one() else { panic!() };
        pair.receive(Packet::SubAck(SubAck {
            packet_id: s.packet_id,
            reason_codes: vec![ReasonCode::GrantedQoS1],
            properties: Default::default(),
        }));
        pair.session.publish(pair.now, req("a", QoS::AtLeastOnce, b"1")).unwrap();
        pair.session.publish(pair.now, req("b", QoS::ExactlyOnce, b"2")).unwrap();
        let first = publishes(pair.sent());
        pair.events();
        pair.drop_transport();
        pair.jump_to_deadline();
        pair.open_transport();
        pair.accept(false, Default::default());
        let after = pair.sent();
        let Packet::Subscribe(again) = &after[0] else { panic!("resubscribe first: {after:?}") };
        assert_eq!(again.subscriptions, vec![sub.clone()]);
        let again: Vec<_> = publishes(after);
        assert_eq!(
            again.iter().map(|p| p.payload.clone()).collect::<Vec<_>>(),
            vec![b"1".to_vec(), b"2".to_vec()]
        );
        assert!(again.iter().all(|p| !p.delivery.dup()), "new messages, not re-deliveries");
        assert_eq!(first.len(), 2);
        assert!(
            pair.events().iter().all(|e| !matches!(e, Event::Published { .. })),
            "nothing reported lost"
        );
    }
}

#[test]
fn qos2_receive_state_survives_a_reconnect_while_the_session_does() {
    for version in BOTH {
        let mut pair = Pair::new(persistent(version));
        pair.connect_with(false, Default::default());
        let incoming = |dup| {
            Packet::Publish(Publish {
                topic: topic("in"),
                delivery: Delivery::ExactlyOnce { packet_id: pid(5), dup },
                ..Default::default()
            })
        };
        pair.receive(incoming(false));
        pair.sent();
        assert_eq!(pair.events().iter().filter(|e| matches!(e, Event::Message(_))).count(), 1);
        pair.drop_transport();
        pair.jump_to_deadline();
        pair.open_transport();
        pair.accept(true, Default::default());
        pair.events();
        pair.receive(incoming(true));
        assert_eq!(pair.sent_one(), Packet::PubRec(ack(5)));
        assert!(
            pair.events().iter().all(|e| !matches!(e, Event::Message(_))),
            "not delivered twice"
        );
    }
}

#[test]
fn subscribe_maps_suback_results_and_unsubscribe_completes() {
    for version in BOTH {
        let mut pair = Pair::with_version(version).connected();
        let subs = vec![
            Subscription {
                filter: filter("a"),
                options: SubscriptionOptions { qos: QoS::ExactlyOnce, ..Default::default() },
            },
            Subscription { filter: filter("b/+"), options: Default::default() },
        ];
        let id = pair.session.subscribe(pair.now, subs.clone(), Default::default()).unwrap();
        let Packet::Subscribe(s) = pair.sent_one() else { panic!() };
        assert_eq!(s.subscriptions, subs);
        pair.receive(Packet::SubAck(SubAck {
            packet_id: s.packet_id,
            reason_codes: vec![ReasonCode::GrantedQoS1, ReasonCode::UnspecifiedError],
            properties: Default::default(),
        }));
        let events = pair.events();
        assert_eq!(
            events,
            vec![Event::Subscribed {
                id,
                results: vec![Ok(QoS::AtLeastOnce), Err(ReasonCode::UnspecifiedError)],
                properties: Default::default()
            }]
        );
        // The failed filter is not remembered: only "a" matches locally.
        assert_eq!(pair.session.matching_subscriptions(&topic("a")).count(), 1);
        assert_eq!(pair.session.matching_subscriptions(&topic("b/x")).count(), 0);
        let id = pair.session.unsubscribe(pair.now, vec![filter("a")], Default::default()).unwrap();
        let Packet::Unsubscribe(u) = pair.sent_one() else { panic!() };
        let codes = if version.is_v5() { vec![ReasonCode::Success] } else { vec![] };
        pair.receive(Packet::UnsubAck(UnsubAck {
            packet_id: u.packet_id,
            reason_codes: codes.clone(),
            properties: Default::default(),
        }));
        assert_eq!(
            pair.events(),
            vec![Event::Unsubscribed { id, results: codes, properties: Default::default() }]
        );
    }
}

#[test]
fn v5_subscription_options_and_identifiers_are_sent_and_v3_refuses_them() {
    let sub = Subscription {
        filter: filter("s/#"),
        options: SubscriptionOptions {
            qos: QoS::AtLeastOnce,
            no_local: true,
            retain_as_published: true,
            retain_handling: RetainHandling::DoNotSend,
        },
    };
    let props = SubscribeProperties {
        subscription_identifier: Some(SubscriptionId::new(42).unwrap()),
        ..Default::default()
    };
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    pair.session.subscribe(pair.now, vec![sub.clone()], props.clone()).unwrap();
    let Packet::Subscribe(s) = pair.sent_one() else { panic!() };
    assert_eq!((s.subscriptions, s.properties), (vec![sub.clone()], props.clone()));
    let mut pair = Pair::with_version(ProtocolVersion::V3_1_1).connected();
    assert!(matches!(
        pair.session.subscribe(pair.now, vec![sub], Default::default()),
        Err(UsageError::NotInVersion { .. })
    ));
    let plain = Subscription { filter: filter("s/#"), options: Default::default() };
    assert!(matches!(
        pair.session.subscribe(pair.now, vec![plain], props),
        Err(UsageError::NotInVersion { .. })
    ));
    // [MQTT-3.8.3-4]
    let shared = Subscription {
        filter: filter("$share/g/x"),
        options: SubscriptionOptions { no_local: true, ..Default::default() },
    };
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    assert!(matches!(
        pair.session.subscribe(pair.now, vec![shared], Default::default()),
        Err(UsageError::NoLocalOnSharedSubscription { .. })
    ));
}

#[test]
fn outgoing_topic_aliases_are_assigned_reused_and_reset_per_connection() {
    let options = Options { auto_assign_topic_alias: true, ..Options::default() };
    let mut pair = Pair::new(options);
    let with_max = ConnAckProperties { topic_alias_maximum: Some(1), ..Default::default() };
    pair.connect_with(false, with_max.clone());
    for payload in [b"1", b"2"] {
        pair.session
            .publish(pair.now, req("sensor/temperature", QoS::AtMostOnce, payload))
            .unwrap();
    }
    pair.session.publish(pair.now, req("sensor/humidity", QoS::AtMostOnce, b"3")).unwrap();
    let sent = publishes(pair.sent());
    let alias = NonZeroU16::new(1);
    assert_eq!(
        (sent[0].topic.as_str(), sent[0].properties.topic_alias),
        ("sensor/temperature", alias)
    );
    assert_eq!((sent[1].topic.as_str(), sent[1].properties.topic_alias), ("", alias), "alias only");
    assert_eq!(
        (sent[2].topic.as_str(), sent[2].properties.topic_alias),
        ("sensor/humidity", alias),
        "LRU replaced"
    );
    // A new connection starts without mappings [MQTT-3.3.2-7].
    pair.drop_transport();
    pair.jump_to_deadline();
    pair.open_transport();
    pair.accept(false, with_max);
    pair.session.publish(pair.now, req("sensor/humidity", QoS::AtMostOnce, b"4")).unwrap();
    let sent = publishes(pair.sent());
    assert_eq!(sent[0].topic.as_str(), "sensor/humidity");
}

/// A QoS 0 request to `t` with `alias` chosen by the user.
fn with_alias(t: &str, alias: u16) -> PublishRequest {
    let mut request = req(t, QoS::AtMostOnce, b"x");
    request.properties.topic_alias = NonZeroU16::new(alias);
    request
}

#[test]
fn a_user_alias_already_mapped_to_the_topic_goes_alone_and_auto_use_reuses_it() {
    let options = Options { auto_use_topic_alias: true, ..Options::default() };
    let mut pair = Pair::new(options);
    pair.connect_with(
        false,
        ConnAckProperties { topic_alias_maximum: Some(4), ..Default::default() },
    );
    let s = &mut pair.session;
    s.publish(pair.now, with_alias("room/1", 2)).unwrap();
    s.publish(pair.now, with_alias("room/1", 2)).unwrap();
    s.publish(pair.now, req("room/1", QoS::AtMostOnce, b"y")).unwrap();
    // autoUseTopicAlias without autoAssignTopicAlias makes no alias of its own.
    s.publish(pair.now, req("room/2", QoS::AtMostOnce, b"z")).unwrap();
    // The same alias for another topic maps it afresh, with the topic.
    s.publish(pair.now, with_alias("room/3", 2)).unwrap();
    assert_eq!(pair.session.topic_for_alias(NonZeroU16::new(2).unwrap()), Some("room/3"));
    let sent: Vec<_> = publishes(pair.sent())
        .into_iter()
        .map(|p| (p.topic.to_string(), p.properties.topic_alias.map(NonZeroU16::get)))
        .collect();
    let expected =
        [("room/1", Some(2)), ("", Some(2)), ("", Some(2)), ("room/2", None), ("room/3", Some(2))];
    assert_eq!(sent, expected.map(|(t, a)| (t.to_owned(), a)));
}

#[test]
fn resent_messages_carry_the_full_topic_not_an_alias() {
    let mut options = persistent(ProtocolVersion::V5);
    options.auto_assign_topic_alias = true;
    let mut pair = Pair::new(options);
    let with_max = ConnAckProperties { topic_alias_maximum: Some(5), ..Default::default() };
    pair.connect_with(false, with_max.clone());
    pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"1")).unwrap();
    pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"2")).unwrap();
    let sent = publishes(pair.sent());
    assert_eq!(sent[1].topic.as_str(), "", "second went alias-only");
    pair.drop_transport();
    pair.jump_to_deadline();
    pair.open_transport();
    pair.accept(true, with_max);
    let resent = publishes(pair.sent());
    assert!(
        resent.iter().all(|p| p.topic.as_str() == "t" && p.properties.topic_alias.is_none()),
        "{resent:?}"
    );
}

#[test]
fn incoming_topic_aliases_resolve_and_violations_close() {
    let mut options = Options::default();
    options.properties.topic_alias_maximum = Some(3);
    let mut pair = Pair::new(options.clone()).connected();
    let aliased = |t: &str, alias: u16| {
        let mut p = Publish {
            topic: if t.is_empty() { Default::default() } else { topic(t) },
            ..Default::default()
        };
        p.properties.topic_alias = NonZeroU16::new(alias);
        Packet::Publish(p)
    };
    pair.receive(aliased("x/y", 2));
    pair.receive(aliased("", 2));
    let topics: Vec<_> = pair
        .events()
        .into_iter()
        .filter_map(|e| if let Event::Message(m) = e { Some(m.topic.to_string()) } else { None })
        .collect();
    assert_eq!(topics, ["x/y", "x/y"], "the user always sees the full topic");
    // [MQTT-3.3.2-10]: above our maximum -> 0x94.
    pair.receive(aliased("z", 4));
    let outs = pair.outputs();
    let Out::Packet(Packet::Disconnect(d)) = &outs[0] else { panic!("{outs:?}") };
    assert_eq!(d.reason_code, ReasonCode::TopicAliasInvalid);
    // Unknown alias with an empty topic -> 0x82.
    let mut pair = Pair::new(options).connected();
    pair.receive(aliased("", 1));
    let outs = pair.outputs();
    let Out::Packet(Packet::Disconnect(d)) = &outs[0] else { panic!("{outs:?}") };
    assert_eq!(d.reason_code, ReasonCode::ProtocolError);
}

#[test]
fn queued_messages_expire_and_sent_ones_carry_the_remaining_interval() {
    // [MQTT-3.3.2-6]
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    let mut short = req("t", QoS::AtLeastOnce, b"short");
    short.properties.message_expiry_interval = Some(5);
    let mut long = req("t", QoS::AtLeastOnce, b"long");
    long.properties.message_expiry_interval = Some(10);
    let short_id = pair.session.publish(pair.now, short).unwrap();
    pair.session.publish(pair.now, long).unwrap();
    pair.session.connect(pair.now);
    assert_eq!(pair.jump_to_deadline(), 5_000, "the expiry is a deadline");
    assert_eq!(
        pair.events()
            .into_iter()
            .filter(|e| matches!(e, Event::Published { .. }))
            .collect::<Vec<_>>(),
        vec![Event::Published { id: short_id, result: Err(PublishError::Expired) }]
    );
    pair.advance(1_500);
    pair.open_transport();
    pair.accept(false, Default::default());
    let sent = publishes(pair.sent());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].properties.message_expiry_interval, Some(4), "10 s - 6.5 s, rounded up");
}

#[test]
fn the_offline_queue_is_bounded_and_refuses_clearly() {
    let options = Options {
        queue_limits: QueueLimits { max_messages: 2, max_bytes: 1_000 },
        ..Options::default()
    };
    let mut pair = Pair::new(options);
    pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"1")).unwrap();
    pair.session.publish(pair.now, req("t", QoS::AtMostOnce, b"2")).unwrap();
    let err = pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, b"3")).unwrap_err();
    assert!(matches!(err, UsageError::QueueFull { messages: 2, .. }), "{err}");
    assert!(matches!(
        pair.session.publish(pair.now, req("t", QoS::AtLeastOnce, &[0; 2_000])),
        Err(UsageError::QueueFull { .. })
    ));
    // Offline messages go out in order once connected.
    pair.connect_with(false, Default::default());
    let sent = publishes(pair.sent());
    assert_eq!(
        sent.iter().map(|p| p.payload.clone()).collect::<Vec<_>>(),
        vec![b"1".to_vec(), b"2".to_vec()]
    );
    // Without queueQoSZero, QoS 0 offline is refused rather than dropped.
    let mut pair = Pair::new(Options { queue_qos0: false, ..Options::default() });
    assert_eq!(
        pair.session.publish(pair.now, req("t", QoS::AtMostOnce, b"x")),
        Err(UsageError::NotConnected)
    );
}

#[test]
fn incoming_messages_carry_subscription_identifiers_and_payload_format_checks() {
    let mut pair = Pair::with_version(ProtocolVersion::V5).connected();
    let mut p = Publish {
        topic: topic("home/kitchen/temp"),
        payload: vec![0xFF, 0xFE],
        ..Default::default()
    };
    p.properties.subscription_identifiers =
        vec![SubscriptionId::new(1).unwrap(), SubscriptionId::new(2).unwrap()];
    p.properties.payload_format_indicator = Some(true);
    pair.receive(Packet::Publish(p));
    let events = pair.events();
    let [Event::Message(m)] = &events[..] else { panic!("{events:?}") };
    let ids: Vec<u32> = m.properties.subscription_identifiers.iter().map(|i| i.get()).collect();
    assert_eq!(ids, [1, 2]);
    assert!(!m.payload_format_valid, "marked UTF-8 but is not: reported, still delivered");
    // Ours: a payload marked UTF-8 must be UTF-8, and a client may not send identifiers.
    let mut bad = req("t", QoS::AtMostOnce, &[0xFF]);
    bad.properties.payload_format_indicator = Some(true);
    assert_eq!(pair.session.publish(pair.now, bad), Err(UsageError::PayloadNotUtf8));
    let mut ids = req("t", QoS::AtMostOnce, b"x");
    ids.properties.subscription_identifiers = vec![SubscriptionId::new(1).unwrap()];
    assert!(matches!(pair.session.publish(pair.now, ids), Err(UsageError::InvalidProperty { .. })));
}

#[test]
fn subscriptions_the_server_cannot_serve_are_refused_before_sending() {
    let mut pair = Pair::with_version(ProtocolVersion::V5);
    pair.connect_with(
        false,
        ConnAckProperties {
            shared_subscription_available: Some(false),
            subscription_identifiers_available: Some(false),
            ..Default::default()
        },
    );
    let shared = Subscription { filter: filter("$share/g/t"), options: Default::default() };
    assert!(matches!(
        pair.session.subscribe(pair.now, vec![shared], Default::default()),
        Err(UsageError::SharedSubscriptionsNotSupported { .. })
    ));
    let plain = Subscription { filter: filter("t"), options: Default::default() };
    let props = SubscribeProperties {
        subscription_identifier: Some(SubscriptionId::new(3).unwrap()),
        ..Default::default()
    };
    assert_eq!(
        pair.session.subscribe(pair.now, vec![plain], props),
        Err(UsageError::SubscriptionIdentifiersNotSupported)
    );
    assert!(pair.sent().is_empty());
}

#[test]
fn request_response_properties_go_out_as_given() {
    let mut options = Options::default();
    options.properties.request_response_information = Some(true);
    let mut pair = Pair::new(options);
    assert_eq!(pair.start().properties.request_response_information, Some(true));
    pair.accept(
        false,
        ConnAckProperties {
            response_information: Some(MqttString::new("r/base").unwrap()),
            ..Default::default()
        },
    );
    let mut r = req("svc/x", QoS::AtLeastOnce, b"?");
    r.properties.response_topic = Some(topic("r/base/1"));
    r.properties.correlation_data = Some(wasmqtt::codec::BinaryData::new(*b"c1").unwrap());
    pair.session.publish(pair.now, r.clone()).unwrap();
    let sent = publishes(pair.sent());
    assert_eq!(sent[0].properties.response_topic, r.properties.response_topic);
    assert_eq!(sent[0].properties.correlation_data, r.properties.correlation_data);
}
