//! MQTT 5 reason codes, their names and meanings, and the MQTT 3.1.1 codes mapped onto them.

use std::fmt;

use super::PacketType;

macro_rules! reason_codes {
    ($( $variant:ident = $value:literal, $name:literal, $meaning:literal; )*) => {
        /// An MQTT 5 reason code (MQTT 5.0 section 2.4).
        ///
        /// Values below 0x80 mean success, from 0x80 up failure. 0x00 is named after the packet
        /// that carries it (Success, Normal disconnection, Granted QoS 0): see
        /// [`ReasonCode::name_in`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ReasonCode {
            $(
                #[doc = concat!($name, ": ", $meaning)]
                $variant = $value,
            )*
        }

        impl ReasonCode {
            /// Every reason code, in ascending order.
            pub const ALL: &'static [ReasonCode] = &[$(Self::$variant),*];

            /// The reason code with this value, if MQTT 5 defines one.
            pub const fn from_u8(value: u8) -> Option<Self> {
                match value {
                    $($value => Some(Self::$variant),)*
                    _ => None,
                }
            }

            /// The spec's name of the code.
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// What the code means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self { $(Self::$variant => $meaning,)* }
            }
        }
    };
}

reason_codes! {
    Success = 0x00, "Success", "The operation succeeded.";
    GrantedQoS1 = 0x01, "Granted QoS 1", "The subscription is accepted with maximum QoS 1.";
    GrantedQoS2 = 0x02, "Granted QoS 2", "The subscription is accepted with maximum QoS 2.";
    DisconnectWithWillMessage = 0x04, "Disconnect with Will Message", "The client disconnects but wants its Will Message published.";
    NoMatchingSubscribers = 0x10, "No matching subscribers", "The message is accepted but nobody is subscribed to it.";
    NoSubscriptionExisted = 0x11, "No subscription existed", "There was no subscription matching this topic filter.";
    ContinueAuthentication = 0x18, "Continue authentication", "Continue the authentication with another step.";
    ReAuthenticate = 0x19, "Re-authenticate", "Start a re-authentication.";
    UnspecifiedError = 0x80, "Unspecified error", "The receiver does not want to say why it failed, or no other code applies.";
    MalformedPacket = 0x81, "Malformed Packet", "The received packet does not conform to this specification.";
    ProtocolError = 0x82, "Protocol Error", "An unexpected or out of order packet was received.";
    ImplementationSpecificError = 0x83, "Implementation specific error", "The packet is valid but the receiver's implementation does not accept it.";
    UnsupportedProtocolVersion = 0x84, "Unsupported Protocol Version", "The server does not support the requested MQTT protocol version.";
    ClientIdentifierNotValid = 0x85, "Client Identifier not valid", "The client identifier is a valid string but the server does not allow it.";
    BadUserNameOrPassword = 0x86, "Bad User Name or Password", "The server does not accept the user name or password.";
    NotAuthorized = 0x87, "Not authorized", "The client is not authorized to do this.";
    ServerUnavailable = 0x88, "Server unavailable", "The MQTT server is not available.";
    ServerBusy = 0x89, "Server busy", "The server is busy; try again later.";
    Banned = 0x8A, "Banned", "This client has been banned by administrative action.";
    ServerShuttingDown = 0x8B, "Server shutting down", "The server is shutting down.";
    BadAuthenticationMethod = 0x8C, "Bad authentication method", "The authentication method is not supported or does not match the one in use.";
    KeepAliveTimeout = 0x8D, "Keep Alive timeout", "No packet arrived within 1.5 times the Keep Alive time.";
    SessionTakenOver = 0x8E, "Session taken over", "Another connection using the same client identifier has connected.";
    TopicFilterInvalid = 0x8F, "Topic Filter invalid", "The topic filter is correctly formed but not accepted.";
    TopicNameInvalid = 0x90, "Topic Name invalid", "The topic name is correctly formed but not accepted.";
    PacketIdentifierInUse = 0x91, "Packet Identifier in use", "The packet identifier is already in use.";
    PacketIdentifierNotFound = 0x92, "Packet Identifier not found", "The packet identifier is not known.";
    ReceiveMaximumExceeded = 0x93, "Receive Maximum exceeded", "More QoS 1 and 2 publishes are unacknowledged than the Receive Maximum allows.";
    TopicAliasInvalid = 0x94, "Topic Alias invalid", "The topic alias is 0, above the maximum, or unknown.";
    PacketTooLarge = 0x95, "Packet too large", "The packet is larger than the Maximum Packet Size.";
    MessageRateTooHigh = 0x96, "Message rate too high", "The received data rate is too high.";
    QuotaExceeded = 0x97, "Quota exceeded", "An implementation or administrative limit has been exceeded.";
    AdministrativeAction = 0x98, "Administrative action", "The connection is closed by administrative action.";
    PayloadFormatInvalid = 0x99, "Payload format invalid", "The payload does not match the Payload Format Indicator.";
    RetainNotSupported = 0x9A, "Retain not supported", "The server does not support retained messages.";
    QoSNotSupported = 0x9B, "QoS not supported", "The QoS is higher than the server's Maximum QoS.";
    UseAnotherServer = 0x9C, "Use another server", "The client should temporarily use another server.";
    ServerMoved = 0x9D, "Server moved", "The client should permanently use another server.";
    SharedSubscriptionsNotSupported = 0x9E, "Shared Subscriptions not supported", "The server does not support shared subscriptions.";
    ConnectionRateExceeded = 0x9F, "Connection rate exceeded", "The connection rate limit has been exceeded.";
    MaximumConnectTime = 0xA0, "Maximum connect time", "The maximum connection time authorized for this connection has been exceeded.";
    SubscriptionIdentifiersNotSupported = 0xA1, "Subscription Identifiers not supported", "The server does not support subscription identifiers.";
    WildcardSubscriptionsNotSupported = 0xA2, "Wildcard Subscriptions not supported", "The server does not support wildcard subscriptions.";
}

use ReasonCode as R;

/// Codes a CONNACK may carry [MQTT-3.2.2-6].
const CONNACK: &[ReasonCode] = &[
    R::Success,
    R::UnspecifiedError,
    R::MalformedPacket,
    R::ProtocolError,
    R::ImplementationSpecificError,
    R::UnsupportedProtocolVersion,
    R::ClientIdentifierNotValid,
    R::BadUserNameOrPassword,
    R::NotAuthorized,
    R::ServerUnavailable,
    R::ServerBusy,
    R::Banned,
    R::BadAuthenticationMethod,
    R::TopicNameInvalid,
    R::PacketTooLarge,
    R::QuotaExceeded,
    R::PayloadFormatInvalid,
    R::RetainNotSupported,
    R::QoSNotSupported,
    R::UseAnotherServer,
    R::ServerMoved,
    R::ConnectionRateExceeded,
];
/// Codes a PUBACK or PUBREC may carry [MQTT-3.4.2-1], [MQTT-3.5.2-1].
const PUBACK_PUBREC: &[ReasonCode] = &[
    R::Success,
    R::NoMatchingSubscribers,
    R::UnspecifiedError,
    R::ImplementationSpecificError,
    R::NotAuthorized,
    R::TopicNameInvalid,
    R::PacketIdentifierInUse,
    R::QuotaExceeded,
    R::PayloadFormatInvalid,
];
/// Codes a PUBREL or PUBCOMP may carry [MQTT-3.6.2-1], [MQTT-3.7.2-1].
const PUBREL_PUBCOMP: &[ReasonCode] = &[R::Success, R::PacketIdentifierNotFound];
/// Codes a SUBACK may carry [MQTT-3.9.3-2].
const SUBACK: &[ReasonCode] = &[
    R::Success,
    R::GrantedQoS1,
    R::GrantedQoS2,
    R::UnspecifiedError,
    R::ImplementationSpecificError,
    R::NotAuthorized,
    R::TopicFilterInvalid,
    R::PacketIdentifierInUse,
    R::QuotaExceeded,
    R::SharedSubscriptionsNotSupported,
    R::SubscriptionIdentifiersNotSupported,
    R::WildcardSubscriptionsNotSupported,
];
/// Codes an UNSUBACK may carry [MQTT-3.11.3-2].
const UNSUBACK: &[ReasonCode] = &[
    R::Success,
    R::NoSubscriptionExisted,
    R::UnspecifiedError,
    R::ImplementationSpecificError,
    R::NotAuthorized,
    R::TopicFilterInvalid,
    R::PacketIdentifierInUse,
];
/// Codes a DISCONNECT may carry [MQTT-3.14.2-1].
const DISCONNECT: &[ReasonCode] = &[
    R::Success,
    R::DisconnectWithWillMessage,
    R::UnspecifiedError,
    R::MalformedPacket,
    R::ProtocolError,
    R::ImplementationSpecificError,
    R::NotAuthorized,
    R::ServerBusy,
    R::ServerShuttingDown,
    R::KeepAliveTimeout,
    R::SessionTakenOver,
    R::TopicFilterInvalid,
    R::TopicNameInvalid,
    R::ReceiveMaximumExceeded,
    R::TopicAliasInvalid,
    R::PacketTooLarge,
    R::MessageRateTooHigh,
    R::QuotaExceeded,
    R::AdministrativeAction,
    R::PayloadFormatInvalid,
    R::RetainNotSupported,
    R::QoSNotSupported,
    R::UseAnotherServer,
    R::ServerMoved,
    R::SharedSubscriptionsNotSupported,
    R::ConnectionRateExceeded,
    R::MaximumConnectTime,
    R::SubscriptionIdentifiersNotSupported,
    R::WildcardSubscriptionsNotSupported,
];
/// Codes an AUTH may carry [MQTT-3.15.2-1].
const AUTH: &[ReasonCode] = &[R::Success, R::ContinueAuthentication, R::ReAuthenticate];

impl ReasonCode {
    /// Whether the code reports a failure (0x80 and above).
    pub const fn is_failure(self) -> bool {
        self as u8 >= 0x80
    }

    /// The name the spec gives this code in `packet`: 0x00 is "Normal disconnection" in
    /// DISCONNECT and "Granted QoS 0" in SUBACK.
    pub const fn name_in(self, packet: PacketType) -> &'static str {
        match (self, packet) {
            (Self::Success, PacketType::Disconnect) => "Normal disconnection",
            (Self::Success, PacketType::SubAck) => "Granted QoS 0",
            _ => self.name(),
        }
    }

    /// Whether MQTT 5 lets `packet` carry this code.
    pub fn is_valid_in(self, packet: PacketType) -> bool {
        let allowed: &[ReasonCode] = match packet {
            PacketType::ConnAck => CONNACK,
            PacketType::PubAck | PacketType::PubRec => PUBACK_PUBREC,
            PacketType::PubRel | PacketType::PubComp => PUBREL_PUBCOMP,
            PacketType::SubAck => SUBACK,
            PacketType::UnsubAck => UNSUBACK,
            PacketType::Disconnect => DISCONNECT,
            PacketType::Auth => AUTH,
            _ => &[],
        };
        allowed.contains(&self)
    }

    /// The reason code an MQTT 3.1 / 3.1.1 CONNACK return code stands for.
    pub const fn from_v3_connack(return_code: u8) -> Option<Self> {
        Some(match return_code {
            0 => Self::Success,
            1 => Self::UnsupportedProtocolVersion,
            2 => Self::ClientIdentifierNotValid,
            3 => Self::ServerUnavailable,
            4 => Self::BadUserNameOrPassword,
            5 => Self::NotAuthorized,
            _ => return None,
        })
    }

    /// The MQTT 3.1.1 CONNACK return code closest to this reason code. 3.1.1 has only five
    /// refusals: a refusal it cannot name becomes 3, "Server unavailable".
    pub const fn to_v3_connack(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::UnsupportedProtocolVersion => 1,
            Self::ClientIdentifierNotValid => 2,
            Self::BadUserNameOrPassword | Self::BadAuthenticationMethod => 4,
            Self::NotAuthorized | Self::Banned => 5,
            _ => 3,
        }
    }

    /// The reason code an MQTT 3.1.1 SUBACK return code stands for (0x80 is "Failure").
    pub const fn from_v3_suback(return_code: u8) -> Option<Self> {
        match return_code {
            0 => Some(Self::Success),
            1 => Some(Self::GrantedQoS1),
            2 => Some(Self::GrantedQoS2),
            0x80 => Some(Self::UnspecifiedError),
            _ => None,
        }
    }

    /// The MQTT 3.1.1 SUBACK return code: the granted QoS, or 0x80 for any failure.
    pub const fn to_v3_suback(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::GrantedQoS1 => 1,
            Self::GrantedQoS2 => 2,
            _ => 0x80,
        }
    }
}

/// Success: what an acknowledgement without a reason code means.
impl Default for ReasonCode {
    fn default() -> Self {
        Self::Success
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} {}", *self as u8, self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_byte_and_has_a_name() {
        assert_eq!(ReasonCode::ALL.len(), 43);
        for &code in ReasonCode::ALL {
            assert_eq!(ReasonCode::from_u8(code as u8), Some(code));
            assert!(!code.name().is_empty() && code.meaning().ends_with('.'));
        }
        assert_eq!(ReasonCode::from_u8(0x03), None);
        assert_eq!(ReasonCode::from_u8(0xA3), None);
    }

    #[test]
    fn zero_is_named_after_its_packet() {
        assert_eq!(ReasonCode::Success.name_in(PacketType::Disconnect), "Normal disconnection");
        assert_eq!(ReasonCode::Success.name_in(PacketType::SubAck), "Granted QoS 0");
        assert_eq!(ReasonCode::Success.name_in(PacketType::PubAck), "Success");
        assert_eq!(ReasonCode::PacketTooLarge.to_string(), "0x95 Packet too large");
    }

    #[test]
    fn v3_connack_return_codes_map_both_ways() {
        for rc in 0..=5u8 {
            let code = ReasonCode::from_v3_connack(rc).unwrap();
            assert_eq!(code.to_v3_connack(), rc);
        }
        assert_eq!(ReasonCode::from_v3_connack(6), None);
        assert_eq!(ReasonCode::Banned.to_v3_connack(), 5);
        assert_eq!(ReasonCode::ServerBusy.to_v3_connack(), 3);
    }

    #[test]
    fn v3_suback_failure_is_unspecified_error() {
        assert_eq!(ReasonCode::from_v3_suback(0x80), Some(ReasonCode::UnspecifiedError));
        assert_eq!(ReasonCode::from_v3_suback(3), None);
        assert_eq!(ReasonCode::QuotaExceeded.to_v3_suback(), 0x80);
        assert_eq!(ReasonCode::GrantedQoS2.to_v3_suback(), 2);
    }

    #[test]
    fn packets_accept_only_their_codes() {
        assert!(ReasonCode::NoMatchingSubscribers.is_valid_in(PacketType::PubAck));
        assert!(!ReasonCode::NoMatchingSubscribers.is_valid_in(PacketType::PubComp));
        assert!(ReasonCode::KeepAliveTimeout.is_valid_in(PacketType::Disconnect));
        assert!(!ReasonCode::KeepAliveTimeout.is_valid_in(PacketType::ConnAck));
        assert!(ReasonCode::ReAuthenticate.is_valid_in(PacketType::Auth));
        assert!(!ReasonCode::GrantedQoS1.is_valid_in(PacketType::UnsubAck));
    }
}
