//! Against a real mosquitto: persistent sessions across cuts and broker restarts, MQTT 5
//! subscription options and identifiers, shared subscriptions, topic aliases, the server's
//! limits, message expiry and request/response.
#![cfg(not(target_arch = "wasm32"))]

mod broker;

use std::time::Duration;

use broker::{Client, Mosquitto};
use wasmqtt::codec::{
    BinaryData, MqttString, ProtocolVersion, QoS, ReasonCode, RetainHandling, SubscribeProperties,
    Subscription, SubscriptionId, SubscriptionOptions,
};
use wasmqtt::session::{ClientId, Event, Message, Options, PublishRequest, UsageError};
use wasmqtt::topic::{TopicFilter, TopicName};

const WAIT: Duration = Duration::from_secs(10);

fn v5() -> Options {
    Options { protocol_version: ProtocolVersion::V5, ..Options::default() }
}

fn persistent(version: ProtocolVersion, id: &str) -> Options {
    let mut o = Options {
        protocol_version: version,
        client_id: ClientId::Fixed(MqttString::new(id).unwrap()),
        clean_start: false,
        ..Options::default()
    };
    if version.is_v5() {
        o.properties.session_expiry_interval = Some(600);
    }
    o
}

fn subscribe_with(
    client: &mut Client,
    filter: &str,
    options: SubscriptionOptions,
    props: SubscribeProperties,
) -> Vec<Result<QoS, ReasonCode>> {
    let s = Subscription { filter: TopicFilter::new(filter).unwrap(), options };
    client.with(|session, now| session.subscribe(now, vec![s], props)).unwrap();
    match client.wait_for(WAIT, |e| matches!(e, Event::Subscribed { .. })) {
        Event::Subscribed { results, .. } => results,
        _ => unreachable!(),
    }
}

fn subscribe(client: &mut Client, filter: &str, qos: QoS) {
    let results = subscribe_with(
        client,
        filter,
        SubscriptionOptions { qos, ..Default::default() },
        Default::default(),
    );
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

fn request(topic: &str, payload: &[u8], qos: QoS) -> PublishRequest {
    PublishRequest {
        topic: TopicName::new(topic).unwrap(),
        payload: payload.to_vec(),
        qos,
        ..Default::default()
    }
}

fn publish(client: &mut Client, r: PublishRequest) {
    client.with(|s, now| s.publish(now, r)).unwrap();
}

fn publish_acked(client: &mut Client, r: PublishRequest) {
    publish(client, r);
    let done = client.wait_for(WAIT, |e| matches!(e, Event::Published { .. }));
    assert!(matches!(done, Event::Published { result: Ok(_), .. }), "{done:?}");
}

fn next_message(client: &mut Client) -> Message {
    match client.wait_for(WAIT, |e| matches!(e, Event::Message(_))) {
        Event::Message(m) => *m,
        _ => unreachable!(),
    }
}

fn payloads(client: &mut Client, n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|_| next_message(client).payload).collect()
}

#[test]
fn a_persistent_session_resumes_after_the_socket_is_cut() {
    let broker = Mosquitto::start("max_inflight_messages 0");
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let id = format!("resume-{}", version.level());
        let mut sub = Client::connect(broker.ws(), persistent(version, &id));
        subscribe(&mut sub, "resume/#", QoS::AtLeastOnce);
        sub.cut_connection();
        // Published while the subscriber is away.
        let mut pubr = Client::connect(
            broker.tcp(),
            Options { protocol_version: version, ..Options::default() },
        );
        for i in 0..5u8 {
            publish_acked(
                &mut pubr,
                request(
                    "resume/x",
                    &[i],
                    if i % 2 == 0 { QoS::AtLeastOnce } else { QoS::ExactlyOnce },
                ),
            );
        }
        // The driver reconnects by itself after the backoff; the session is present.
        let connected = sub.wait_for(WAIT, |e| matches!(e, Event::Connected(_)));
        let Event::Connected(c) = connected else { unreachable!() };
        assert!(c.connack.session_present);
        assert_eq!(payloads(&mut sub, 5), (0..5u8).map(|i| vec![i]).collect::<Vec<_>>());
    }
}

#[test]
fn no_qos_1_or_2_message_is_lost_when_mosquitto_is_killed_and_restarted() {
    let mut broker =
        Mosquitto::start("max_inflight_messages 0\nautosave_interval 0\nautosave_on_changes true");
    let mut sub = Client::connect(broker.tcp(), persistent(ProtocolVersion::V5, "survivor-sub"));
    subscribe(&mut sub, "persist/#", QoS::ExactlyOnce);
    let mut pubr = Client::connect(broker.tcp(), persistent(ProtocolVersion::V5, "survivor-pub"));
    // The subscriber is offline while messages are stored for it.
    sub.cut_connection();
    for i in 0..10u8 {
        publish_acked(
            &mut pubr,
            request(
                "persist/x",
                &[i],
                if i % 2 == 0 { QoS::AtLeastOnce } else { QoS::ExactlyOnce },
            ),
        );
    }
    broker.restart_clean();
    let mut got = Vec::new();
    while got.len() < 10 {
        let m = next_message(&mut sub);
        if !got.contains(&m.payload) {
            got.push(m.payload);
        }
    }
    assert_eq!(got, (0..10u8).map(|i| vec![i]).collect::<Vec<_>>());
    // The publisher's session came back too and still works.
    pubr.wait_for(WAIT, |e| matches!(e, Event::Connected(_)));
    publish_acked(&mut pubr, request("persist/x", b"after", QoS::ExactlyOnce));
    assert_eq!(next_message(&mut sub).payload, b"after");
}

#[test]
fn no_local_retain_as_published_and_retain_handling() {
    let broker = Mosquitto::start("");
    let mut c = Client::connect(broker.tcp(), v5());
    // No Local: our own publish is not sent back.
    subscribe_with(
        &mut c,
        "nl/t",
        SubscriptionOptions { qos: QoS::AtLeastOnce, no_local: true, ..Default::default() },
        Default::default(),
    );
    publish_acked(&mut c, request("nl/t", b"mine", QoS::AtLeastOnce));
    let mut other = Client::connect(broker.tcp(), v5());
    publish(&mut other, request("nl/t", b"theirs", QoS::AtLeastOnce));
    assert_eq!(next_message(&mut c).payload, b"theirs", "our own message was not delivered first");
    // Retained message for the retain tests.
    let mut r = request("rap/t", b"kept", QoS::AtLeastOnce);
    r.retain = true;
    publish_acked(&mut other, r.clone());
    // Retain As Published keeps the flag on live forwarding; without it the flag is cleared.
    let mut rap = Client::connect(broker.tcp(), v5());
    subscribe_with(
        &mut rap,
        "rap/t",
        SubscriptionOptions {
            qos: QoS::AtLeastOnce,
            retain_as_published: true,
            retain_handling: RetainHandling::DoNotSend,
            ..Default::default()
        },
        Default::default(),
    );
    let mut plain = Client::connect(broker.tcp(), v5());
    subscribe_with(
        &mut plain,
        "rap/t",
        SubscriptionOptions {
            qos: QoS::AtLeastOnce,
            retain_handling: RetainHandling::DoNotSend,
            ..Default::default()
        },
        Default::default(),
    );
    publish_acked(&mut other, r);
    assert!(next_message(&mut rap).retain, "Retain As Published keeps the flag");
    assert!(!next_message(&mut plain).retain, "without it the live message is not flagged");
    // Retain Handling 0: sent at every subscribe; 1: only for a new subscription; 2: never.
    // "Not sent" is checked by a marker on another topic arriving first.
    let rh = |handling| SubscriptionOptions {
        qos: QoS::AtLeastOnce,
        retain_handling: handling,
        ..Default::default()
    };
    let mut marker_no = 0;
    let mut assert_nothing_retained = |c: &mut Client, other: &mut Client, what: &str| {
        marker_no += 1;
        let topic = format!("rh/marker{marker_no}");
        subscribe_with(c, &topic, rh(RetainHandling::SendAtSubscribe), Default::default());
        publish(other, request(&topic, b"marker", QoS::AtLeastOnce));
        assert_eq!(next_message(c).payload, b"marker", "{what}");
    };
    let mut zero = Client::connect(broker.tcp(), v5());
    for _ in 0..2 {
        subscribe_with(&mut zero, "rap/t", rh(RetainHandling::SendAtSubscribe), Default::default());
        let m = next_message(&mut zero);
        assert_eq!(
            (m.payload.as_slice(), m.retain),
            (&b"kept"[..], true),
            "RH 0 sends at every subscribe"
        );
    }
    let mut one = Client::connect(broker.tcp(), v5());
    subscribe_with(&mut one, "rap/t", rh(RetainHandling::SendAtNewSubscribe), Default::default());
    assert_eq!(next_message(&mut one).payload, b"kept", "RH 1 sends for a new subscription");
    subscribe_with(&mut one, "rap/t", rh(RetainHandling::SendAtNewSubscribe), Default::default());
    assert_nothing_retained(
        &mut one,
        &mut other,
        "RH 1 sends nothing for an existing subscription",
    );
    let mut two = Client::connect(broker.tcp(), v5());
    subscribe_with(&mut two, "rap/t", rh(RetainHandling::DoNotSend), Default::default());
    assert_nothing_retained(&mut two, &mut other, "RH 2 never sends retained messages");
}

#[test]
fn overlapping_subscriptions_carry_both_identifiers() {
    let broker = Mosquitto::start("");
    let mut c = Client::connect(broker.tcp(), v5());
    let with_id = |n| SubscribeProperties {
        subscription_identifier: Some(SubscriptionId::new(n).unwrap()),
        ..Default::default()
    };
    let opts = SubscriptionOptions { qos: QoS::AtLeastOnce, ..Default::default() };
    subscribe_with(&mut c, "home/+/temp", opts, with_id(1));
    subscribe_with(&mut c, "home/#", opts, with_id(2));
    publish(&mut c, request("home/kitchen/temp", b"21", QoS::AtLeastOnce));
    // mosquitto sends one copy per matching subscription, each with its identifier (the spec
    // also allows one copy carrying both): either way both identifiers arrive.
    let m = next_message(&mut c);
    let mut ids: Vec<u32> = m.properties.subscription_identifiers.iter().map(|i| i.get()).collect();
    if ids.len() == 1 {
        let second = next_message(&mut c);
        assert_eq!(second.payload, b"21");
        ids.extend(second.properties.subscription_identifiers.iter().map(|i| i.get()));
    }
    ids.sort();
    assert_eq!(ids, [1, 2]);
    // Locally, both filters match too (for servers without identifiers).
    assert_eq!(c.session.matching_subscriptions(&m.topic).count(), 2);
}

#[test]
fn a_shared_subscription_splits_messages_across_two_clients() {
    let broker = Mosquitto::start("");
    let mut a = Client::connect(broker.tcp(), v5());
    let mut b = Client::connect(broker.ws(), v5());
    subscribe(&mut a, "$share/workers/jobs/#", QoS::AtLeastOnce);
    subscribe(&mut b, "$share/workers/jobs/#", QoS::AtLeastOnce);
    let mut p = Client::connect(broker.tcp(), v5());
    for i in 0..20u8 {
        publish_acked(&mut p, request("jobs/x", &[i], QoS::AtLeastOnce));
    }
    // Each message reaches exactly one of them; both get some.
    let mut got_a = Vec::new();
    let mut got_b = Vec::new();
    while got_a.len() + got_b.len() < 20 {
        if let Some(Event::Message(m)) = a
            .events
            .iter()
            .position(|e| matches!(e, Event::Message(_)))
            .and_then(|i| a.events.remove(i))
        {
            got_a.push(m.payload[0]);
            continue;
        }
        if let Some(Event::Message(m)) = b
            .events
            .iter()
            .position(|e| matches!(e, Event::Message(_)))
            .and_then(|i| b.events.remove(i))
        {
            got_b.push(m.payload[0]);
            continue;
        }
        a.run_for(Duration::from_millis(20));
        b.run_for(Duration::from_millis(20));
    }
    let mut all: Vec<u8> = got_a.iter().chain(&got_b).copied().collect();
    all.sort();
    assert_eq!(all, (0..20).collect::<Vec<_>>());
    assert!(!got_a.is_empty() && !got_b.is_empty(), "a: {got_a:?} b: {got_b:?}");
}

#[test]
fn outgoing_topic_aliases_are_accepted_by_mosquitto() {
    let broker = Mosquitto::start_with("", "max_topic_alias 3");
    let mut c = Client::connect(
        broker.tcp(),
        Options { auto_assign_topic_alias: true, packet_events: true, ..v5() },
    );
    assert_eq!(c.session.server_limits().unwrap().topic_alias_maximum, 3);
    subscribe(&mut c, "alias/#", QoS::AtMostOnce);
    // Four topics through three aliases: 3 replaces the least recently used, the last two go
    // out alias-only. mosquitto resolves them all to full topics.
    let topics = [0, 1, 2, 3, 0, 3, 0];
    for (i, t) in topics.iter().enumerate() {
        publish(&mut c, request(&format!("alias/{t}"), &[i as u8], QoS::AtMostOnce));
    }
    let got: Vec<_> = topics
        .iter()
        .map(|_| next_message(&mut c))
        .map(|m| (m.topic.to_string(), m.payload[0]))
        .collect();
    let want: Vec<_> =
        topics.iter().enumerate().map(|(i, t)| (format!("alias/{t}"), i as u8)).collect();
    assert_eq!(got, want);
    let alias_only = c.take_events().into_iter().filter(|e| matches!(e, Event::PacketSent(p) if matches!(&**p, wasmqtt::codec::Packet::Publish(p) if p.topic.is_empty()))).count();
    assert_eq!(alias_only, 2, "the repeated topics went out alias-only");
}

#[test]
fn the_servers_keep_alive_and_receive_maximum_and_packet_size_hold() {
    let broker =
        Mosquitto::start("max_keepalive 10\nmax_inflight_messages 3\nmax_packet_size 2000");
    let mut c =
        Client::connect(broker.tcp(), Options { keep_alive: 60, packet_events: true, ..v5() });
    let limits = c.session.server_limits().unwrap().clone();
    assert_eq!((limits.keep_alive, limits.receive_maximum), (10, 3));
    assert_eq!(limits.maximum_packet_size.map(|m| m.get()), Some(2000));
    // Server Keep Alive 10 s overrides our 60: we ping within it and stay connected.
    c.wait_for(
        Duration::from_secs(15),
        |e| matches!(e, Event::PacketReceived(p) if **p == wasmqtt::codec::Packet::PingResp),
    );
    assert!(c.session.is_connected());
    // Receive Maximum 3: never more than 3 QoS 1 in flight.
    for i in 0..20u8 {
        publish(&mut c, request("rm/t", &[i], QoS::AtLeastOnce));
        assert!(c.session.queued_messages().1 <= 3);
    }
    for _ in 0..20 {
        c.wait_for(WAIT, |e| matches!(e, Event::Published { result: Ok(_), .. }));
        assert!(c.session.queued_messages().1 <= 3);
    }
    // Maximum packet size, theirs: refused before sending.
    let big = request("rm/t", &[0; 3000], QoS::AtMostOnce);
    assert!(matches!(
        c.with(|s, now| s.publish(now, big)),
        Err(UsageError::PacketTooLarge { maximum: 2000, .. })
    ));
}

#[test]
fn our_maximum_packet_size_makes_mosquitto_drop_larger_messages_for_us() {
    let broker = Mosquitto::start("");
    let mut opts = v5();
    opts.properties.maximum_packet_size = std::num::NonZeroU32::new(100);
    let mut small = Client::connect(broker.tcp(), opts);
    subscribe(&mut small, "size/#", QoS::AtMostOnce);
    let mut p = Client::connect(broker.tcp(), v5());
    publish(&mut p, request("size/big", &[7; 500], QoS::AtMostOnce));
    publish(&mut p, request("size/small", b"ok", QoS::AtMostOnce));
    // [MQTT-3.1.2-25]: the server does not send what exceeds our maximum.
    let m = next_message(&mut small);
    assert_eq!(m.payload, b"ok");
    assert!(small.session.is_connected());
}

#[test]
fn queued_messages_expire_before_sending_and_mosquitto_expires_stored_ones() {
    let broker = Mosquitto::start("");
    // Ours: a message queued while offline with a 1 s expiry is dropped and reported.
    let mut offline = Client::new(broker.tcp(), v5());
    let mut r = request("exp/t", b"late", QoS::AtLeastOnce);
    r.properties.message_expiry_interval = Some(1);
    let id = offline.with(|s, now| s.publish(now, r)).unwrap();
    let expired =
        offline.wait_for(Duration::from_secs(3), |e| matches!(e, Event::Published { .. }));
    assert_eq!(
        expired,
        Event::Published { id, result: Err(wasmqtt::session::PublishError::Expired) }
    );
    // The server's: stored for an offline subscriber, the remaining interval is what arrives.
    let mut sub = Client::connect(broker.tcp(), persistent(ProtocolVersion::V5, "exp-sub"));
    subscribe(&mut sub, "exp/#", QoS::AtLeastOnce);
    sub.cut_connection();
    let mut p = Client::connect(broker.tcp(), v5());
    let mut r = request("exp/t", b"kept", QoS::AtLeastOnce);
    r.properties.message_expiry_interval = Some(100);
    publish_acked(&mut p, r);
    let m = next_message(&mut sub);
    assert!(
        m.properties.message_expiry_interval.is_some_and(|s| (90..=100).contains(&s)),
        "{:?}",
        m.properties.message_expiry_interval
    );
}

#[test]
fn request_response_with_correlation_data_between_two_sessions() {
    let broker = Mosquitto::start("");
    let mut requester_opts = v5();
    requester_opts.properties.request_response_information = Some(true);
    let mut requester = Client::connect(broker.tcp(), requester_opts);
    let mut responder = Client::connect(broker.ws(), v5());
    subscribe(&mut responder, "svc/echo", QoS::AtLeastOnce);
    subscribe(&mut requester, "reply/me", QoS::AtLeastOnce);
    let mut req = request("svc/echo", b"ping", QoS::AtLeastOnce);
    req.properties.response_topic = Some(TopicName::new("reply/me").unwrap());
    req.properties.correlation_data = Some(BinaryData::new(*b"id-42").unwrap());
    publish(&mut requester, req);
    let incoming = next_message(&mut responder);
    let reply_to = incoming.properties.response_topic.clone().expect("response topic");
    let mut resp = request(reply_to.as_str(), b"pong", QoS::AtLeastOnce);
    resp.properties.correlation_data = incoming.properties.correlation_data.clone();
    publish(&mut responder, resp);
    let answer = next_message(&mut requester);
    assert_eq!(answer.payload, b"pong");
    assert_eq!(answer.properties.correlation_data.as_deref(), Some(&b"id-42"[..]));
}
