//! What can go wrong when reading or writing packets.
//!
//! A [`DecodeError`] is always the peer's fault: the bytes on the wire broke the spec. Each
//! variant names the reason code a session must close the connection with
//! ([`DecodeError::reason_code`]).

use thiserror::Error;

use super::properties::PropertyId;
use super::reason::ReasonCode;
use super::PacketType;
use crate::topic::TopicError;

/// Bytes from the network that are not a valid MQTT packet.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The first byte names packet type 0, or 15 (AUTH) outside MQTT 5.
    #[error("packet type {0} does not exist in this protocol version")]
    UnknownPacketType(u8),
    /// The low four bits of the first byte differ from what the packet type requires.
    #[error("{packet:?} has fixed header flags {flags:#06b}, which the spec forbids")]
    InvalidFixedHeaderFlags {
        /// The packet.
        packet: PacketType,
        /// The flags it had.
        flags: u8,
    },
    /// A variable byte integer runs past four bytes [MQTT-1.5.5-1].
    #[error("variable byte integer longer than four bytes")]
    VariableByteIntegerTooLong,
    /// A variable byte integer uses more bytes than its value needs [MQTT-1.5.5-1].
    #[error("variable byte integer {value} is not encoded in the fewest bytes")]
    NonMinimalVariableByteInteger {
        /// The value it encodes.
        value: u32,
    },
    /// The packet is larger than the receiver's Maximum Packet Size.
    #[error("packet of {size} bytes exceeds the maximum packet size of {maximum} bytes")]
    PacketTooLarge {
        /// Its size in bytes: fixed header and remaining length.
        size: u64,
        /// The limit.
        maximum: u32,
    },
    /// The packet ends before a field it must contain.
    #[error("{packet:?} ends inside its {field}")]
    UnexpectedEnd {
        /// The packet.
        packet: PacketType,
        /// The field that was cut.
        field: &'static str,
    },
    /// The packet has bytes left over after its last field.
    #[error("{packet:?} has {extra} bytes after its last field")]
    TrailingBytes {
        /// The packet.
        packet: PacketType,
        /// How many bytes are left.
        extra: usize,
    },
    /// A UTF-8 string field holds bytes that are not UTF-8 (or encode surrogates) [MQTT-1.5.4-1].
    #[error("{field} is not well-formed UTF-8")]
    InvalidUtf8 {
        /// The field.
        field: &'static str,
    },
    /// A UTF-8 string field contains U+0000 [MQTT-1.5.4-2].
    #[error("{field} contains the null character U+0000")]
    NullCharacter {
        /// The field.
        field: &'static str,
    },
    /// A QoS field holds 3 [MQTT-3.3.1-4].
    #[error("{field} has QoS 3, which does not exist")]
    InvalidQoS {
        /// The field.
        field: &'static str,
    },
    /// A QoS 0 PUBLISH has the DUP flag set [MQTT-3.3.1-2].
    #[error("QoS 0 PUBLISH has the DUP flag set")]
    DupOnQoS0,
    /// A packet identifier is 0 [MQTT-2.2.1-3].
    #[error("{packet:?} has packet identifier 0")]
    ZeroPacketId {
        /// The packet.
        packet: PacketType,
    },
    /// CONNECT names a protocol other than `MQTT` (or `MQIsdp` for 3.1) [MQTT-3.1.2-1].
    #[error("CONNECT names protocol {}, not MQTT", super::Quoted(name))]
    InvalidProtocolName {
        /// The name it gave.
        name: String,
    },
    /// CONNECT asks for a protocol level other than the one this decoder reads [MQTT-3.1.2-2].
    #[error("CONNECT asks for protocol level {level}, which is not the expected {expected}")]
    UnsupportedProtocolVersion {
        /// The level it asked for.
        level: u8,
        /// The level this decoder was given.
        expected: u8,
    },
    /// CONNECT's reserved flag is set, or its will flags contradict each other
    /// [MQTT-3.1.2-3], [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15].
    #[error("CONNECT flags {flags:#010b} are invalid: {why}")]
    InvalidConnectFlags {
        /// The flags byte.
        flags: u8,
        /// Which rule they break.
        why: &'static str,
    },
    /// CONNACK's acknowledge flags use reserved bits [MQTT-3.2.2-1].
    #[error("CONNACK acknowledge flags {0:#010b} use reserved bits")]
    InvalidConnAckFlags(u8),
    /// A reason code this packet may not carry, or a 3.1.1 return code that does not exist.
    #[error("{packet:?} carries reason code {code:#04x}, which it may not")]
    InvalidReasonCode {
        /// The packet.
        packet: PacketType,
        /// The code.
        code: u8,
    },
    /// A property identifier MQTT 5 does not define.
    #[error("unknown property identifier {0:#04x}")]
    UnknownProperty(u32),
    /// A property this packet may not carry.
    #[error("{property:?} is not allowed in {context}")]
    PropertyNotAllowed {
        /// The property.
        property: PropertyId,
        /// Where it was found.
        context: &'static str,
    },
    /// A property that may appear once appears twice.
    #[error("{property:?} appears more than once in {context}")]
    DuplicateProperty {
        /// The property.
        property: PropertyId,
        /// Where it was found.
        context: &'static str,
    },
    /// A property value the spec forbids (a flag other than 0 or 1, a zero maximum, ...).
    #[error("{property:?} has the invalid value {value}")]
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// The value.
        value: u32,
    },
    /// Authentication Data without an Authentication Method (MQTT 5.0 sections 3.1.2.11.10,
    /// 3.2.2.3.18, 3.15.2.2.3).
    #[error("{packet:?} carries authentication data but no authentication method")]
    AuthenticationDataWithoutMethod {
        /// The packet.
        packet: PacketType,
    },
    /// A topic name in PUBLISH or a property is not valid.
    #[error("{field}: {source}")]
    InvalidTopicName {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        source: TopicError,
    },
    /// A PUBLISH has neither a topic name nor a topic alias [MQTT-3.3.2-1].
    #[error("PUBLISH has an empty topic name and no topic alias")]
    MissingTopic,
    /// A topic filter in SUBSCRIBE or UNSUBSCRIBE is not valid.
    #[error("topic filter: {0}")]
    InvalidTopicFilter(TopicError),
    /// SUBSCRIBE or UNSUBSCRIBE carries no topic filter [MQTT-3.8.3-2], [MQTT-3.10.3-2].
    #[error("{packet:?} carries no topic filter")]
    NoTopicFilters {
        /// The packet.
        packet: PacketType,
    },
    /// Subscription options use reserved bits [MQTT-3.8.3-5].
    #[error("subscription options {0:#010b} use reserved bits")]
    InvalidSubscriptionOptions(u8),
    /// Subscription options ask for Retain Handling 3.
    #[error("subscription options ask for retain handling 3, which does not exist")]
    InvalidRetainHandling,
    /// No Local on a shared subscription [MQTT-3.8.3-4].
    #[error("No Local is set on the shared subscription {}", super::Quoted(.0))]
    NoLocalOnSharedSubscription(String),
}

impl DecodeError {
    /// The reason code to close the connection with (CONNACK or DISCONNECT under MQTT 5).
    pub fn reason_code(&self) -> ReasonCode {
        use DecodeError as E;
        match self {
            E::PacketTooLarge { .. } => ReasonCode::PacketTooLarge,
            E::UnsupportedProtocolVersion { .. } | E::InvalidProtocolName { .. } => {
                ReasonCode::UnsupportedProtocolVersion
            }
            E::InvalidPropertyValue { property: PropertyId::TopicAlias, .. } => {
                ReasonCode::TopicAliasInvalid
            }
            E::DupOnQoS0
            | E::ZeroPacketId { .. }
            | E::DuplicateProperty { .. }
            | E::InvalidPropertyValue { .. }
            | E::MissingTopic
            | E::NoTopicFilters { .. }
            | E::InvalidRetainHandling
            | E::AuthenticationDataWithoutMethod { .. }
            | E::NoLocalOnSharedSubscription(_) => ReasonCode::ProtocolError,
            E::UnknownPacketType(_)
            | E::InvalidFixedHeaderFlags { .. }
            | E::VariableByteIntegerTooLong
            | E::NonMinimalVariableByteInteger { .. }
            | E::UnexpectedEnd { .. }
            | E::TrailingBytes { .. }
            | E::InvalidUtf8 { .. }
            | E::NullCharacter { .. }
            | E::InvalidQoS { .. }
            | E::InvalidConnectFlags { .. }
            | E::InvalidConnAckFlags(_)
            | E::InvalidReasonCode { .. }
            | E::UnknownProperty(_)
            | E::PropertyNotAllowed { .. }
            | E::InvalidTopicName { .. }
            | E::InvalidTopicFilter(_)
            | E::InvalidSubscriptionOptions(_) => ReasonCode::MalformedPacket,
        }
    }
}

/// A packet that cannot be written in the requested form.
///
/// Every field value is valid by construction; what remains is size and version.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The packet would be larger than the limit (the peer's Maximum Packet Size, or the
    /// 268,435,455-byte ceiling of the Remaining Length).
    #[error("{packet:?} of {size} bytes exceeds the maximum packet size of {maximum} bytes")]
    PacketTooLarge {
        /// The packet.
        packet: PacketType,
        /// Its encoded size.
        size: u64,
        /// The limit.
        maximum: u64,
    },
    /// The fields contradict a rule that spans several of them, so the bytes would be refused
    /// by any receiver (a PUBLISH with neither topic nor alias, a SUBSCRIBE without filters,
    /// ...). Encoding never writes bytes that [`decode`](super::decode) would refuse.
    #[error("{packet:?} cannot be sent: {why}")]
    Invalid {
        /// The packet.
        packet: PacketType,
        /// The rule it breaks.
        why: &'static str,
    },
    /// The packet type does not exist in this protocol version (AUTH before MQTT 5).
    #[error("{packet:?} does not exist in {version}")]
    NotInVersion {
        /// The packet.
        packet: PacketType,
        /// The version.
        version: super::ProtocolVersion,
    },
}
