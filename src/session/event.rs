//! What the session reports: polled with [`Session::poll_event`](super::Session::poll_event).

use std::num::NonZeroU32;
use std::time::Duration;

use crate::codec::{AckProperties, ConnAck, Packet, PublishProperties, QoS, ReasonCode};
use crate::topic::TopicName;

use super::error::{CloseReason, PublishError};
use super::time::Instant;

/// Names a publish, subscribe or unsubscribe the user asked for, in its completion event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The limits of this connection, from CONNACK (or the defaults when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Keep alive in force: the Server Keep Alive if sent, else ours.
    pub keep_alive: u16,
    /// How many QoS 1/2 publishes may be unacknowledged.
    pub receive_maximum: u16,
    /// Highest QoS accepted.
    pub maximum_qos: QoS,
    /// Whether retained messages are accepted.
    pub retain_available: bool,
    /// Largest packet accepted.
    pub maximum_packet_size: Option<NonZeroU32>,
    /// Highest topic alias accepted.
    pub topic_alias_maximum: u16,
    /// Whether wildcard subscriptions are available.
    pub wildcard_subscription_available: bool,
    /// Whether subscription identifiers are available.
    pub subscription_identifiers_available: bool,
    /// Whether shared subscriptions are available.
    pub shared_subscription_available: bool,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            keep_alive: 0,
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            wildcard_subscription_available: true,
            subscription_identifiers_available: true,
            shared_subscription_available: true,
        }
    }
}

/// A successful connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// The CONNACK as received.
    pub connack: ConnAck,
    /// The client identifier in use (assigned by the server when it sent one).
    pub client_id: String,
    /// The limits in force.
    pub limits: ServerLimits,
}

/// An application message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The full topic, also when the server sent only a topic alias.
    pub topic: TopicName,
    /// The payload.
    pub payload: Vec<u8>,
    /// The QoS it was delivered with.
    pub qos: QoS,
    /// Whether it is a retained message.
    pub retain: bool,
    /// Whether the server marked it as a re-delivery.
    pub dup: bool,
    /// Its packet identifier (QoS 1 and 2).
    pub packet_id: Option<u16>,
    /// Its MQTT 5 properties; `subscription_identifiers` says which subscriptions matched.
    pub properties: PublishProperties,
    /// False when the payload format indicator says UTF-8 but the payload is not.
    pub payload_format_valid: bool,
}

/// Outcome of one topic filter of a SUBSCRIBE.
pub type SubscribeResult = Result<QoS, ReasonCode>;

/// Something the user should know.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// Opening a transport: the first attempt, or a reconnect (`attempt` > 1).
    Connecting {
        /// 1 for the first attempt after `connect`, then counting reconnects.
        attempt: u32,
    },
    /// CONNACK accepted the connection.
    Connected(Box<Connected>),
    /// An application message.
    Message(Box<Message>),
    /// A publish completed: QoS 0 written, QoS 1 acknowledged, QoS 2 completed, or failed.
    Published {
        /// Which publish.
        id: RequestId,
        /// The server's reason code (Success under 3.x), or why it failed.
        result: Result<ReasonCode, PublishError>,
    },
    /// SUBACK arrived.
    Subscribed {
        /// Which subscribe.
        id: RequestId,
        /// Granted QoS or failure per filter.
        results: Vec<SubscribeResult>,
        /// Its properties.
        properties: AckProperties,
    },
    /// UNSUBACK arrived.
    Unsubscribed {
        /// Which unsubscribe.
        id: RequestId,
        /// Reason code per filter (MQTT 5; empty under 3.x).
        results: Vec<ReasonCode>,
        /// Its properties.
        properties: AckProperties,
    },
    /// A subscription the session restored on its own after a lost session could not be made
    /// (the server refused it, or cannot serve it on this connection): it is forgotten.
    SubscriptionLost {
        /// The filter.
        filter: String,
        /// Why.
        reason: ReasonCode,
    },
    /// The connection ended.
    Closed {
        /// Why.
        reason: CloseReason,
        /// When the next attempt starts, if there will be one.
        reconnect_at: Option<Instant>,
    },
    /// No more reconnects: the user disconnected, a permanent refusal, or attempts exhausted.
    Ended,
    /// Re-authentication completed.
    Reauthenticated,
    /// A packet was written (with `packet_events`).
    PacketSent(Box<Packet>),
    /// A packet was read (with `packet_events`).
    PacketReceived(Box<Packet>),
}

/// Backoff before reconnect attempt `attempt` (1-based), with `jitter` in 0..1.
pub(crate) fn backoff_delay(min: Duration, max: Duration, attempt: u32, jitter: f64) -> Duration {
    let exp = min.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(max);
    // Full jitter on the upper half: between half and all of the capped delay.
    capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0)).max(min.min(capped))
}
