//! Proptest strategies for every MQTT control packet, valid for a given protocol version.
//!
//! Everything is built through the public constructors, so a generated packet is one a
//! well-behaved peer could send. Under MQTT 3.x only what 3.x can carry is generated: empty
//! properties, the reason codes its return codes map onto, no AUTH. Under MQTT 5 every optional
//! property is sometimes present, user properties repeat, and reason codes are those the packet
//! may carry.

use std::fmt::Debug;
use std::num::{NonZeroU16, NonZeroU32};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::strategy::Union;
use proptest::string::string_regex;

use wasmqtt::codec::{
    Ack, AckProperties, Auth, AuthProperties, BinaryData, ConnAck, ConnAckProperties, Connect,
    ConnectProperties, Delivery, Disconnect, DisconnectProperties, MqttString, Packet, PacketId,
    PacketType, ProtocolVersion, Publish, PublishProperties, QoS, ReasonCode, RetainHandling,
    SubAck, Subscribe, SubscribeProperties, Subscription, SubscriptionId, SubscriptionOptions,
    UnsubAck, Unsubscribe, UnsubscribeProperties, UserProperty, Will, WillProperties,
    MAX_VARIABLE_BYTE_INTEGER,
};
use wasmqtt::topic::{TopicFilter, TopicName};

/// The three protocol versions.
pub(crate) const VERSIONS: [ProtocolVersion; 3] =
    [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1, ProtocolVersion::V5];

/// The fifteen packet types.
const PACKET_TYPES: [PacketType; 15] = [
    PacketType::Connect,
    PacketType::ConnAck,
    PacketType::Publish,
    PacketType::PubAck,
    PacketType::PubRec,
    PacketType::PubRel,
    PacketType::PubComp,
    PacketType::Subscribe,
    PacketType::SubAck,
    PacketType::Unsubscribe,
    PacketType::UnsubAck,
    PacketType::PingReq,
    PacketType::PingResp,
    PacketType::Disconnect,
    PacketType::Auth,
];

/// Any protocol version.
pub(crate) fn version() -> impl Strategy<Value = ProtocolVersion> {
    select(VERSIONS.to_vec())
}

/// Whether `version` has packets of type `packet` (AUTH is MQTT 5 only).
fn exists_in(packet: PacketType, version: ProtocolVersion) -> bool {
    packet != PacketType::Auth || version.is_v5()
}

/// A version from `versions`, and a value `strategy` makes for it. Each version's strategy is
/// built once, not per case (building one compiles its regular expressions).
fn per_version<S>(
    versions: impl IntoIterator<Item = ProtocolVersion>,
    strategy: impl Fn(ProtocolVersion) -> S,
) -> BoxedStrategy<(ProtocolVersion, S::Value)>
where
    S: Strategy + 'static,
{
    Union::new(versions.into_iter().map(|v| (Just(v), strategy(v)).boxed())).boxed()
}

/// A version that has `packet`, and a packet of that type valid under it.
pub(crate) fn versioned(packet: PacketType) -> BoxedStrategy<(ProtocolVersion, Packet)> {
    per_version(VERSIONS.into_iter().filter(|&v| exists_in(packet, v)), |v| {
        packet_of_type(packet, v)
    })
}

/// A version, and a packet of any type valid under it.
pub(crate) fn versioned_packet() -> BoxedStrategy<(ProtocolVersion, Packet)> {
    per_version(VERSIONS, packet)
}

/// A version, and a few packets valid under it.
pub(crate) fn versioned_packets(
    count: std::ops::Range<usize>,
) -> BoxedStrategy<(ProtocolVersion, Vec<Packet>)> {
    per_version(VERSIONS, |v| vec(packet(v), count.clone()))
}

/// A packet of any type `version` has, each type equally likely.
fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    Union::new(
        PACKET_TYPES
            .into_iter()
            .filter(|&t| exists_in(t, version))
            .map(|t| packet_of_type(t, version)),
    )
    .boxed()
}

/// A packet of type `packet`, valid under `version` (which must have it).
fn packet_of_type(packet: PacketType, version: ProtocolVersion) -> BoxedStrategy<Packet> {
    match packet {
        PacketType::Connect => connect(version),
        PacketType::ConnAck => connack(version),
        PacketType::Publish => publish(version),
        PacketType::PubAck => ack(version, packet).prop_map(Packet::PubAck).boxed(),
        PacketType::PubRec => ack(version, packet).prop_map(Packet::PubRec).boxed(),
        PacketType::PubRel => ack(version, packet).prop_map(Packet::PubRel).boxed(),
        PacketType::PubComp => ack(version, packet).prop_map(Packet::PubComp).boxed(),
        PacketType::Subscribe => subscribe(version),
        PacketType::SubAck => suback(version),
        PacketType::Unsubscribe => unsubscribe(version),
        PacketType::UnsubAck => unsuback(version),
        PacketType::PingReq => Just(Packet::PingReq).boxed(),
        PacketType::PingResp => Just(Packet::PingResp).boxed(),
        PacketType::Disconnect => disconnect(version),
        PacketType::Auth => auth(),
    }
}

// ---------------------------------------------------------------------------------------------
// Values

/// Text of up to `max` characters: mostly from a small alphabet with '/', '$', spaces and
/// multi-byte characters (so that equal strings are common), sometimes any non-NUL characters.
fn text(max: usize) -> BoxedStrategy<String> {
    let small = string_regex(&format!("[ab/$é€😀 ]{{0,{max}}}")).expect("valid regex");
    let any = string_regex(&format!("[^\\x00]{{0,{max}}}")).expect("valid regex");
    prop_oneof![3 => small, 1 => any].boxed()
}

fn mqtt_string(max: usize) -> impl Strategy<Value = MqttString> {
    text(max).prop_map(|s| MqttString::new(s).expect("generated strings have no NUL"))
}

fn binary(max: usize) -> impl Strategy<Value = BinaryData> {
    vec(any::<u8>(), 0..=max).prop_map(|b| BinaryData::new(b).expect("short binary data"))
}

/// Any `u32`, with its extremes more likely than uniform sampling makes them.
fn u32_value() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0), 1 => Just(u32::MAX), 4 => any::<u32>()]
}

fn u16_value() -> impl Strategy<Value = u16> {
    prop_oneof![1 => Just(0), 1 => Just(u16::MAX), 4 => any::<u16>()]
}

fn non_zero_u16() -> impl Strategy<Value = NonZeroU16> {
    prop_oneof![1 => Just(1), 1 => Just(u16::MAX), 4 => 1..=u16::MAX]
        .prop_map(|n| NonZeroU16::new(n).expect("not zero"))
}

fn non_zero_u32() -> impl Strategy<Value = NonZeroU32> {
    prop_oneof![1 => Just(1), 1 => Just(u32::MAX), 4 => 1..=u32::MAX]
        .prop_map(|n| NonZeroU32::new(n).expect("not zero"))
}

fn packet_id() -> impl Strategy<Value = PacketId> {
    non_zero_u16()
}

fn qos() -> impl Strategy<Value = QoS> {
    select(vec![QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce])
}

fn retain_handling() -> impl Strategy<Value = RetainHandling> {
    select(vec![
        RetainHandling::SendAtSubscribe,
        RetainHandling::SendAtNewSubscribe,
        RetainHandling::DoNotSend,
    ])
}

/// A subscription identifier, often at the edges of the variable byte integer's lengths.
fn subscription_id() -> impl Strategy<Value = SubscriptionId> {
    let edges =
        select(vec![1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, MAX_VARIABLE_BYTE_INTEGER]);
    prop_oneof![1 => edges, 2 => 1..=MAX_VARIABLE_BYTE_INTEGER]
        .prop_map(|id| SubscriptionId::new(id).expect("in range"))
}

/// A reason code MQTT 5 lets `packet` carry.
fn reason_code(packet: PacketType) -> impl Strategy<Value = ReasonCode> {
    let codes: Vec<_> = ReasonCode::ALL.iter().copied().filter(|c| c.is_valid_in(packet)).collect();
    assert!(codes.contains(&ReasonCode::Success), "{packet:?} carries Success");
    // Success is common: it is what the short forms of the acknowledgements leave out.
    prop_oneof![1 => Just(ReasonCode::Success), 3 => select(codes)]
}

/// User properties in order, with repeated names and whole pairs repeated.
fn user_properties() -> impl Strategy<Value = Vec<UserProperty>> {
    let key = prop_oneof![2 => Just("k".to_owned()), 1 => Just("key".to_owned()), 2 => text(6)];
    let value = prop_oneof![1 => Just(String::new()), 1 => Just("v".to_owned()), 2 => text(8)];
    let property = (key, value).prop_map(|(k, v)| UserProperty::new(k, v).expect("no NUL"));
    (vec(property, 0..4), vec(any::<Index>(), 0..3)).prop_map(|(mut props, repeats)| {
        if !props.is_empty() {
            for i in repeats {
                let again = props[i.index(props.len())].clone();
                props.push(again);
            }
        }
        props
    })
}

/// `strategy` under MQTT 5, the default (no properties) under 3.x.
fn v5_only<T, S>(version: ProtocolVersion, strategy: S) -> BoxedStrategy<T>
where
    T: Default + Clone + Debug + 'static,
    S: Strategy<Value = T> + 'static,
{
    if version.is_v5() {
        strategy.boxed()
    } else {
        Just(T::default()).boxed()
    }
}

/// Properties under MQTT 5, often none at all (the short forms of acknowledgements, DISCONNECT
/// and AUTH need them empty); none under 3.x.
fn properties<T, S>(version: ProtocolVersion, strategy: S) -> BoxedStrategy<T>
where
    T: Default + Clone + Debug + 'static,
    S: Strategy<Value = T> + 'static,
{
    v5_only(version, prop_oneof![1 => Just(T::default()), 3 => strategy])
}

// ---------------------------------------------------------------------------------------------
// Topics

/// One level of a topic: no '/', '+' or '#'; may be empty, may hold '$' and multi-byte text.
/// The alphabet cannot spell `$share` or `$queue`, so no level starts a shared subscription.
fn level() -> impl Strategy<Value = String> {
    string_regex("[ab$é😀 -]{0,3}").expect("valid regex")
}

/// A topic name: one to four levels, never empty.
pub(crate) fn topic_name() -> impl Strategy<Value = TopicName> {
    vec(level(), 1..5)
        .prop_map(|levels| levels.join("/"))
        .prop_filter("topic names are not empty", |s| !s.is_empty())
        .prop_map(|s| TopicName::new(s).expect("generated topic names are valid"))
}

/// A filter without a shared prefix: levels, some '+', and sometimes a final '#'.
fn plain_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof![3 => level(), 1 => Just("+".to_owned())];
    (vec(level, 0..4), any::<bool>())
        .prop_map(|(mut levels, multi)| {
            if multi || levels.is_empty() {
                levels.push("#".to_owned());
            }
            levels.join("/")
        })
        .prop_filter("topic filters are not empty", |s| !s.is_empty())
}

/// A topic filter: plain, `$share/{group}/{filter}` or `$queue/{filter}`.
pub(crate) fn topic_filter() -> impl Strategy<Value = TopicFilter> {
    let group = string_regex("[ab$é😀 -]{1,3}").expect("valid regex");
    prop_oneof![
        6 => plain_filter(),
        1 => (group, plain_filter()).prop_map(|(g, f)| format!("$share/{g}/{f}")),
        1 => plain_filter().prop_map(|f| format!("$queue/{f}")),
    ]
    .prop_map(|s| TopicFilter::new(s).expect("generated topic filters are valid"))
}

// ---------------------------------------------------------------------------------------------
// Properties (MQTT 5; empty under 3.x)

fn connect_properties(version: ProtocolVersion) -> BoxedStrategy<ConnectProperties> {
    let s = (
        option::of(u32_value()),
        option::of(non_zero_u16()),
        option::of(non_zero_u32()),
        option::of(u16_value()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        user_properties(),
        option::of(mqtt_string(8)),
        option::of(binary(16)),
    )
        .prop_map(|(a, b, c, d, e, f, g, h, i)| ConnectProperties {
            session_expiry_interval: a,
            receive_maximum: b,
            maximum_packet_size: c,
            topic_alias_maximum: d,
            request_response_information: e,
            request_problem_information: f,
            user_properties: g,
            // Authentication Data without a method is a protocol error.
            authentication_data: i.filter(|_| h.is_some()),
            authentication_method: h,
        });
    properties(version, s)
}

fn will_properties(version: ProtocolVersion) -> BoxedStrategy<WillProperties> {
    let s = (
        option::of(u32_value()),
        option::of(any::<bool>()),
        option::of(u32_value()),
        option::of(mqtt_string(8)),
        option::of(topic_name()),
        option::of(binary(16)),
        user_properties(),
    )
        .prop_map(|(a, b, c, d, e, f, g)| WillProperties {
            will_delay_interval: a,
            payload_format_indicator: b,
            message_expiry_interval: c,
            content_type: d,
            response_topic: e,
            correlation_data: f,
            user_properties: g,
        });
    properties(version, s)
}

fn connack_properties(version: ProtocolVersion) -> BoxedStrategy<ConnAckProperties> {
    // Maximum QoS may only be 0 or 1 (MQTT 5.0 section 3.2.2.3.4); its absence means 2.
    let maximum_qos = select(vec![QoS::AtMostOnce, QoS::AtLeastOnce]);
    let first = (
        option::of(u32_value()),
        option::of(non_zero_u16()),
        option::of(maximum_qos),
        option::of(any::<bool>()),
        option::of(non_zero_u32()),
        option::of(mqtt_string(12)),
        option::of(u16_value()),
        option::of(mqtt_string(12)),
        user_properties(),
    );
    let second = (
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(u16_value()),
        option::of(mqtt_string(8)),
        option::of(mqtt_string(8)),
        option::of(mqtt_string(8)),
        option::of(binary(16)),
    );
    let s = (first, second).prop_map(|((a, b, c, d, e, f, g, h, i), (j, k, l, m, n, o, p, q))| {
        ConnAckProperties {
            session_expiry_interval: a,
            receive_maximum: b,
            maximum_qos: c,
            retain_available: d,
            maximum_packet_size: e,
            assigned_client_identifier: f,
            topic_alias_maximum: g,
            reason_string: h,
            user_properties: i,
            wildcard_subscription_available: j,
            subscription_identifiers_available: k,
            shared_subscription_available: l,
            server_keep_alive: m,
            response_information: n,
            server_reference: o,
            // Authentication Data without a method is a protocol error.
            authentication_data: q.filter(|_| p.is_some()),
            authentication_method: p,
        }
    });
    properties(version, s)
}

fn publish_properties(version: ProtocolVersion) -> BoxedStrategy<PublishProperties> {
    let s = (
        option::of(any::<bool>()),
        option::of(u32_value()),
        option::of(non_zero_u16()),
        option::of(topic_name()),
        option::of(binary(16)),
        user_properties(),
        vec(subscription_id(), 0..4),
        option::of(mqtt_string(8)),
    )
        .prop_map(|(a, b, c, d, e, f, g, h)| PublishProperties {
            payload_format_indicator: a,
            message_expiry_interval: b,
            topic_alias: c,
            response_topic: d,
            correlation_data: e,
            user_properties: f,
            subscription_identifiers: g,
            content_type: h,
        });
    properties(version, s)
}

fn ack_properties(version: ProtocolVersion) -> BoxedStrategy<AckProperties> {
    let s = (option::of(mqtt_string(12)), user_properties())
        .prop_map(|(a, b)| AckProperties { reason_string: a, user_properties: b });
    properties(version, s)
}

fn subscribe_properties(version: ProtocolVersion) -> BoxedStrategy<SubscribeProperties> {
    let s = (option::of(subscription_id()), user_properties())
        .prop_map(|(a, b)| SubscribeProperties { subscription_identifier: a, user_properties: b });
    properties(version, s)
}

fn unsubscribe_properties(version: ProtocolVersion) -> BoxedStrategy<UnsubscribeProperties> {
    let s = user_properties().prop_map(|a| UnsubscribeProperties { user_properties: a });
    properties(version, s)
}

fn disconnect_properties() -> impl Strategy<Value = DisconnectProperties> {
    let s = (
        option::of(u32_value()),
        option::of(mqtt_string(12)),
        user_properties(),
        option::of(mqtt_string(8)),
    )
        .prop_map(|(a, b, c, d)| DisconnectProperties {
            session_expiry_interval: a,
            reason_string: b,
            user_properties: c,
            server_reference: d,
        });
    prop_oneof![1 => Just(DisconnectProperties::default()), 3 => s]
}

fn auth_properties() -> impl Strategy<Value = AuthProperties> {
    let s = (
        option::of(mqtt_string(8)),
        option::of(binary(16)),
        option::of(mqtt_string(12)),
        user_properties(),
    )
        .prop_map(|(a, b, c, d)| AuthProperties {
            // Authentication Data without a method is a protocol error.
            authentication_data: b.filter(|_| a.is_some()),
            authentication_method: a,
            reason_string: c,
            user_properties: d,
        });
    prop_oneof![1 => Just(AuthProperties::default()), 3 => s]
}

// ---------------------------------------------------------------------------------------------
// Packets

fn will(version: ProtocolVersion) -> impl Strategy<Value = Will> {
    (topic_name(), binary(48), qos(), any::<bool>(), will_properties(version)).prop_map(
        |(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        },
    )
}

fn connect(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    (
        mqtt_string(12),
        any::<bool>(),
        u16_value(),
        option::of(mqtt_string(8)),
        option::of(binary(12)),
        option::of(will(version)),
        connect_properties(version),
    )
        .prop_map(
            move |(client_id, clean_start, keep_alive, username, password, will, properties)| {
                // Only MQTT 5 allows a password without a user name [MQTT-3.1.2-22].
                let password = if version.is_v5() || username.is_some() { password } else { None };
                Packet::Connect(Box::new(Connect {
                    client_id,
                    clean_start,
                    keep_alive,
                    username,
                    password,
                    will,
                    properties,
                }))
            },
        )
        .boxed()
}

fn connack(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let code = if version.is_v5() {
        reason_code(PacketType::ConnAck).boxed()
    } else {
        (0..=5u8)
            .prop_map(|rc| ReasonCode::from_v3_connack(rc).expect("3.x return codes 0 to 5"))
            .boxed()
    };
    (any::<bool>(), code, connack_properties(version))
        .prop_map(|(session_present, reason_code, properties)| {
            Packet::ConnAck(Box::new(ConnAck {
                // A refusal never has a session present [MQTT-3.2.2-6].
                session_present: session_present && !reason_code.is_failure(),
                reason_code,
                properties,
            }))
        })
        .boxed()
}

fn publish(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    // `None`: an empty topic name, which only MQTT 5 allows, with a topic alias.
    let topic = if version.is_v5() {
        prop_oneof![4 => topic_name().prop_map(Some), 1 => Just(None)].boxed()
    } else {
        topic_name().prop_map(Some).boxed()
    };
    let delivery =
        (qos(), packet_id(), any::<bool>()).prop_map(|(q, id, dup)| Delivery::new(q, id, dup));
    (
        topic,
        delivery,
        any::<bool>(),
        vec(any::<u8>(), 0..300),
        publish_properties(version),
        non_zero_u16(),
    )
        .prop_map(|(topic, delivery, retain, payload, mut properties, alias)| {
            let topic = topic.unwrap_or_else(|| {
                properties.topic_alias.get_or_insert(alias);
                TopicName::default()
            });
            Packet::Publish(Publish { topic, delivery, retain, payload, properties })
        })
        .boxed()
}

fn ack(version: ProtocolVersion, packet: PacketType) -> impl Strategy<Value = Ack> {
    let code = v5_only(version, reason_code(packet));
    (packet_id(), code, ack_properties(version))
        .prop_map(|(packet_id, reason_code, properties)| Ack { packet_id, reason_code, properties })
}

fn subscription(version: ProtocolVersion) -> impl Strategy<Value = Subscription> {
    (topic_filter(), qos(), any::<bool>(), any::<bool>(), retain_handling()).prop_map(
        move |(filter, qos, no_local, retain_as_published, retain_handling)| {
            let options = if version.is_v5() {
                SubscriptionOptions {
                    qos,
                    // Never on a shared subscription [MQTT-3.8.3-4].
                    no_local: no_local && filter.shared().is_none(),
                    retain_as_published,
                    retain_handling,
                }
            } else {
                SubscriptionOptions { qos, ..SubscriptionOptions::default() }
            };
            Subscription { filter, options }
        },
    )
}

fn subscribe(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    (packet_id(), vec(subscription(version), 1..5), subscribe_properties(version))
        .prop_map(|(packet_id, subscriptions, properties)| {
            Packet::Subscribe(Subscribe { packet_id, subscriptions, properties })
        })
        .boxed()
}

fn suback(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let code = if version.is_v5() {
        reason_code(PacketType::SubAck).boxed()
    } else {
        select(vec![
            ReasonCode::Success,
            ReasonCode::GrantedQoS1,
            ReasonCode::GrantedQoS2,
            ReasonCode::UnspecifiedError,
        ])
        .boxed()
    };
    (packet_id(), vec(code, 1..5), ack_properties(version))
        .prop_map(|(packet_id, reason_codes, properties)| {
            Packet::SubAck(SubAck { packet_id, reason_codes, properties })
        })
        .boxed()
}

fn unsubscribe(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    (packet_id(), vec(topic_filter(), 1..5), unsubscribe_properties(version))
        .prop_map(|(packet_id, filters, properties)| {
            Packet::Unsubscribe(Unsubscribe { packet_id, filters, properties })
        })
        .boxed()
}

fn unsuback(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    // MQTT 3.x UNSUBACK has no payload.
    let codes = v5_only(version, vec(reason_code(PacketType::UnsubAck), 1..5));
    (packet_id(), codes, ack_properties(version))
        .prop_map(|(packet_id, reason_codes, properties)| {
            Packet::UnsubAck(UnsubAck { packet_id, reason_codes, properties })
        })
        .boxed()
}

fn disconnect(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let s = (reason_code(PacketType::Disconnect), disconnect_properties())
        .prop_map(|(reason_code, properties)| Disconnect { reason_code, properties });
    v5_only(version, s).prop_map(Packet::Disconnect).boxed()
}

fn auth() -> BoxedStrategy<Packet> {
    (reason_code(PacketType::Auth), auth_properties())
        .prop_map(|(reason_code, properties)| Packet::Auth(Auth { reason_code, properties }))
        .boxed()
}
