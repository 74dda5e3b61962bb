//! Why a command was refused (the caller's fault) and why a connection ended.

use thiserror::Error;

use crate::codec::{DecodeError, ProtocolVersion, Quoted, ReasonCode, ValueError};
use crate::topic::TopicError;

/// A command the session refuses before sending anything. Always the caller's fault; the
/// message names the bad value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UsageError {
    /// An invalid topic name or filter.
    #[error(transparent)]
    Topic(#[from] TopicError),
    /// A value MQTT cannot carry.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// A 5.0-only option on a 3.x connection: refused, not silently dropped.
    #[error("{option} needs MQTT 5.0, but this connection uses {version}")]
    NotInVersion {
        /// The option.
        option: &'static str,
        /// The connection's version.
        version: ProtocolVersion,
    },
    /// A publish above the server's Maximum QoS.
    #[error("QoS {requested} is above the server's maximum QoS {maximum}")]
    QoSNotSupported {
        /// The QoS asked for.
        requested: u8,
        /// The server's maximum.
        maximum: u8,
    },
    /// A retained publish to a server without retained messages.
    #[error("the server does not support retained messages (Retain Available is 0)")]
    RetainNotSupported,
    /// A wildcard subscription to a server without them.
    #[error("the server does not support wildcard subscriptions: {}", Quoted(filter))]
    WildcardSubscriptionsNotSupported {
        /// The filter.
        filter: String,
    },
    /// A shared subscription to a server without them.
    #[error("the server does not support shared subscriptions: {}", Quoted(filter))]
    SharedSubscriptionsNotSupported {
        /// The filter.
        filter: String,
    },
    /// A subscription identifier for a server without them.
    #[error("the server does not support subscription identifiers")]
    SubscriptionIdentifiersNotSupported,
    /// No Local on a shared subscription [MQTT-3.8.3-4].
    #[error("No Local cannot be set on the shared subscription {}", Quoted(filter))]
    NoLocalOnSharedSubscription {
        /// The filter.
        filter: String,
    },
    /// SUBSCRIBE or UNSUBSCRIBE without topic filters.
    #[error("at least one topic filter is needed")]
    NoTopicFilters,
    /// A property a client may not send, or a value it may not have.
    #[error("{property}: {why}")]
    InvalidProperty {
        /// The property.
        property: &'static str,
        /// What is wrong.
        why: String,
    },
    /// A payload marked UTF-8 (payload format indicator 1) that is not.
    #[error("the payload is marked as UTF-8 (payload format indicator 1) but is not valid UTF-8")]
    PayloadNotUtf8,
    /// A will payload marked UTF-8 (payload format indicator 1) that is not.
    #[error(
        "the will payload is marked as UTF-8 (payload format indicator 1) but is not valid UTF-8"
    )]
    WillPayloadNotUtf8,
    /// A packet larger than the server's Maximum Packet Size.
    #[error(
        "the packet would be {size} bytes, above the server's maximum packet size of {maximum}"
    )]
    PacketTooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        maximum: u64,
    },
    /// The offline / flow-control queue is full: the message was not accepted.
    #[error("the queue is full ({messages} messages, {bytes} bytes waiting); the message was not accepted")]
    QueueFull {
        /// Messages waiting.
        messages: usize,
        /// Bytes waiting.
        bytes: usize,
    },
    /// The session was ended by `disconnect` and takes no more commands until `connect`.
    #[error("the client has been ended; call connect to start again")]
    Ended,
    /// A command after `disconnect_when_done`, while the session waits for acknowledgements
    /// before its DISCONNECT.
    #[error("the client is ending: it waits for the messages in flight and takes no new commands")]
    Ending,
    /// A command that needs a live connection (re-authentication).
    #[error("not connected")]
    NotConnected,
    /// Re-authentication without an authentication method in the connect options.
    #[error("re-authentication needs an authentication method")]
    NoAuthenticationMethod,
    /// Options that cannot work together.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CloseReason {
    /// The server refused the connection in CONNACK (3.1.1 return codes mapped to reason codes).
    #[error("connection refused: {reason}{}", detail(.reason_string))]
    Refused {
        /// The refusal.
        reason: ReasonCode,
        /// The server's reason string.
        reason_string: Option<String>,
        /// Another server to use (0x9C, 0x9D).
        server_reference: Option<String>,
    },
    /// The server sent DISCONNECT.
    #[error("disconnected by the server: {reason}{}", detail(.reason_string))]
    ServerDisconnected {
        /// Its reason code.
        reason: ReasonCode,
        /// Its reason string.
        reason_string: Option<String>,
        /// Another server to use.
        server_reference: Option<String>,
    },
    /// The server broke the protocol; the client closed the connection, after DISCONNECT with
    /// `reason` under MQTT 5.
    #[error("protocol violation by the server ({reason}): {detail}")]
    ProtocolViolation {
        /// The reason code sent.
        reason: ReasonCode,
        /// What happened.
        detail: String,
    },
    /// Bytes from the server that are not MQTT.
    #[error("invalid packet from the server: {0}")]
    Decode(DecodeError),
    /// No PINGRESP in time.
    #[error("keep alive timeout: no answer from the server in {0} ms")]
    KeepAliveTimeout(u64),
    /// No CONNACK in time.
    #[error("connect timeout: no CONNACK in {0} ms")]
    ConnectTimeout(u64),
    /// The transport closed without DISCONNECT (WebSocket close code and reason when known).
    #[error("connection closed{}{}", code.map(|c| format!(" with code {c}")).unwrap_or_default(), detail(.reason))]
    TransportClosed {
        /// The WebSocket close code.
        code: Option<u16>,
        /// The close reason.
        reason: Option<String>,
    },
    /// Enhanced authentication failed on the client side (server signature wrong, ...).
    #[error("authentication failed: {0}")]
    AuthenticationFailed(String),
    /// The client disconnected, as asked.
    #[error("disconnected by the client")]
    ClientDisconnected,
}

fn detail(text: &Option<String>) -> String {
    text.as_ref().map(|t| format!(": {t}")).unwrap_or_default()
}

impl CloseReason {
    /// Whether reconnecting cannot help: refusals for credentials, authorization, bans and
    /// protocol versions (unless the policy retries them anyway).
    pub fn is_permanent_refusal(&self) -> bool {
        matches!(
            self,
            Self::Refused {
                reason: ReasonCode::BadUserNameOrPassword
                    | ReasonCode::NotAuthorized
                    | ReasonCode::Banned
                    | ReasonCode::UnsupportedProtocolVersion
                    | ReasonCode::BadAuthenticationMethod
                    | ReasonCode::ClientIdentifierNotValid,
                ..
            } | Self::AuthenticationFailed(_)
        )
    }
}

/// Why a publish failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The server answered PUBACK / PUBREC with a failure reason code.
    #[error("the server rejected the message: {reason}{}", detail(.reason_string))]
    Rejected {
        /// The reason code.
        reason: ReasonCode,
        /// The reason string.
        reason_string: Option<String>,
    },
    /// Its Message Expiry Interval passed before it could be sent.
    #[error("the message expired before it could be sent")]
    Expired,
    /// Larger than the Maximum Packet Size the server announced after it was queued.
    #[error("the message is {size} bytes, above the server's maximum packet size of {maximum}")]
    PacketTooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        maximum: u64,
    },
    /// A QoS or retain flag the server announced it does not support, after it was queued.
    #[error("{0}")]
    NotSupported(UsageError),
    /// The session ended (client disconnected, reconnects exhausted) before it was delivered.
    #[error("the session ended before the message was delivered")]
    SessionEnded,
}
