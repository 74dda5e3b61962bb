//! What a session is configured with: the CONNECT it sends and the client's own policies.

use std::time::Duration;

use crate::codec::{BinaryData, ConnectProperties, MqttString, ProtocolVersion, Will};

/// Where the client identifier comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientId {
    /// `wasmqtt_` and 8 random hex digits, drawn once per session from its seed (like
    /// MQTT.js's `mqttjs_…`).
    #[default]
    Generate,
    /// Send an empty identifier and use the one the server assigns (3.1.1 with clean session,
    /// and 5.0).
    AssignedByServer,
    /// This identifier.
    Fixed(MqttString),
}

/// Reconnection policy: exponential backoff with jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    /// Whether to reconnect at all after a connection is lost (MQTT.js `reconnectPeriod: 0`
    /// turns it off).
    pub enabled: bool,
    /// The first delay; each failed attempt doubles it.
    pub min_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// A connection that stayed up this long resets the delay to `min_delay`.
    pub stable_after: Duration,
    /// Give up after this many attempts in a row (`None`: never).
    pub max_attempts: Option<u32>,
    /// Keep retrying after refusals that retrying cannot fix (bad user name or password, not
    /// authorized, banned, unsupported protocol version, bad authentication method).
    pub retry_permanent_refusals: bool,
}

impl Default for Reconnect {
    fn default() -> Self {
        Self {
            enabled: true,
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            stable_after: Duration::from_secs(10),
            max_attempts: None,
            retry_permanent_refusals: false,
        }
    }
}

/// Bounds of the queue of messages waiting for a connection or for flow-control quota.
///
/// Overflow rule: a publish that would exceed either bound is refused with
/// [`UsageError::QueueFull`](super::UsageError::QueueFull); nothing already queued is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Most messages waiting.
    pub max_messages: usize,
    /// Most payload and topic bytes waiting.
    pub max_bytes: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        Self { max_messages: 10_000, max_bytes: 64 << 20 }
    }
}

/// Everything a session needs to connect, with MQTT.js's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// 3.1, 3.1.1 or 5.0 (MQTT.js `protocolVersion` 3, 4, 5). Default 5.0.
    pub protocol_version: ProtocolVersion,
    /// The client identifier (MQTT.js `clientId`).
    pub client_id: ClientId,
    /// Clean Start / Clean Session (MQTT.js `clean`). Default true.
    pub clean_start: bool,
    /// Keep Alive in seconds, 0 for none (MQTT.js `keepalive`). Default 60.
    pub keep_alive: u16,
    /// User name.
    pub username: Option<MqttString>,
    /// Password.
    pub password: Option<BinaryData>,
    /// Will message.
    pub will: Option<Will>,
    /// MQTT 5 CONNECT properties (session expiry, receive maximum, ...).
    pub properties: ConnectProperties,
    /// How long an attempt may take, from opening the transport to CONNACK (MQTT.js
    /// `connectTimeout`). Default 30 s.
    pub connect_timeout: Duration,
    /// How long to wait for PINGRESP before the connection counts as dead. Default: the keep
    /// alive interval.
    pub ping_timeout: Option<Duration>,
    /// Reconnection policy.
    pub reconnect: Reconnect,
    /// Subscribe again after reconnecting to a server that kept no session (MQTT.js
    /// `resubscribe`). Default true.
    pub resubscribe: bool,
    /// Queue QoS 0 messages while offline (MQTT.js `queueQoSZero`). Default true.
    pub queue_qos0: bool,
    /// Bounds of the offline / flow-control queue.
    pub queue_limits: QueueLimits,
    /// Replace repeated topics by topic aliases within the server's Topic Alias Maximum
    /// (MQTT.js `autoAssignTopicAlias`). Default false.
    pub auto_assign_topic_alias: bool,
    /// Send the alias alone for a topic already mapped on this connection, by an earlier
    /// PUBLISH that gave both (MQTT.js `autoUseTopicAlias`). Implied by
    /// `auto_assign_topic_alias`. Default false.
    pub auto_use_topic_alias: bool,
    /// Report every packet sent and received as events (MQTT.js `packetsend` /
    /// `packetreceive`). Default false: it costs a copy per packet.
    pub packet_events: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            protocol_version: ProtocolVersion::V5,
            client_id: ClientId::Generate,
            clean_start: true,
            keep_alive: 60,
            username: None,
            password: None,
            will: None,
            properties: ConnectProperties::default(),
            connect_timeout: Duration::from_secs(30),
            ping_timeout: None,
            reconnect: Reconnect::default(),
            resubscribe: true,
            queue_qos0: true,
            queue_limits: QueueLimits::default(),
            auto_assign_topic_alias: false,
            auto_use_topic_alias: false,
            packet_events: false,
        }
    }
}
