//! The typed set of properties of each packet (MQTT 5.0 sections 3.x.2.2), declared field by
//! property: the decode and encode loops of the parent module fill and walk them.

use std::num::{NonZeroU16, NonZeroU32};

use super::{PropertyId, PropertySet, PropertySlot, PropertyValue};
use crate::codec::error::DecodeError;
use crate::codec::values::{BinaryData, MqttString, QoS, SubscriptionId, UserProperty};
use crate::topic::TopicName;

/// Declares a packet's property struct: each field with the property it holds.
macro_rules! property_set {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $id:ident, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl PropertySet for $name {
            fn apply(&mut self, id: PropertyId, value: PropertyValue<'_>) -> Result<(), DecodeError> {
                match id {
                    $( PropertyId::$id => PropertySlot::put(&mut self.$field, id, value), )*
                    #[allow(unreachable_patterns)]
                    _ => Err(DecodeError::PropertyNotAllowed {
                        property: id,
                        context: stringify!($name),
                    }),
                }
            }

            fn visit<'s>(&'s self, f: &mut dyn FnMut(PropertyId, PropertyValue<'s>)) {
                $( PropertySlot::each(&self.$field, PropertyId::$id, f); )*
            }
        }

        impl $name {
            /// Whether no property is set.
            pub fn is_empty(&self) -> bool {
                *self == Self::default()
            }

            /// Each property present, in wire order, as its name ([`PropertyId::name`]) and its value as text
            /// (binary data in hex, a user property as `key=value`): for packet inspectors and
            /// logs.
            pub fn entries(&self) -> Vec<(&'static str, String)> {
                let mut out = Vec::new();
                self.visit(&mut |id, value| out.push((id.name(), value.to_text())));
                out
            }
        }
    };
}

property_set! {
    /// Properties of CONNECT (MQTT 5.0 section 3.1.2.11).
    pub struct ConnectProperties {
        /// Seconds the session outlives the connection; absent means 0.
        session_expiry_interval: Option<u32> = SessionExpiryInterval,
        /// How many QoS 1/2 publishes the client accepts unacknowledged; absent means 65,535.
        receive_maximum: Option<NonZeroU16> = ReceiveMaximum,
        /// The largest packet the client accepts.
        maximum_packet_size: Option<NonZeroU32> = MaximumPacketSize,
        /// The highest topic alias the client accepts from the server; absent means 0.
        topic_alias_maximum: Option<u16> = TopicAliasMaximum,
        /// Asks the server for Response Information in CONNACK.
        request_response_information: Option<bool> = RequestResponseInformation,
        /// Whether the server may send reason strings and user properties on failures.
        request_problem_information: Option<bool> = RequestProblemInformation,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
        /// The enhanced authentication method.
        authentication_method: Option<MqttString> = AuthenticationMethod,
        /// The enhanced authentication data.
        authentication_data: Option<BinaryData> = AuthenticationData,
    }
}

property_set! {
    /// Will Properties in CONNECT's payload (MQTT 5.0 section 3.1.3.2).
    pub struct WillProperties {
        /// Seconds the server waits before publishing the will.
        will_delay_interval: Option<u32> = WillDelayInterval,
        /// Whether the payload is UTF-8 text.
        payload_format_indicator: Option<bool> = PayloadFormatIndicator,
        /// Lifetime of the will message in seconds.
        message_expiry_interval: Option<u32> = MessageExpiryInterval,
        /// MIME type of the payload.
        content_type: Option<MqttString> = ContentType,
        /// Topic for a response.
        response_topic: Option<TopicName> = ResponseTopic,
        /// Data to correlate a response with this request.
        correlation_data: Option<BinaryData> = CorrelationData,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
    }
}

property_set! {
    /// Properties of CONNACK (MQTT 5.0 section 3.2.2.3).
    pub struct ConnAckProperties {
        /// The session expiry the server will use instead of the client's.
        session_expiry_interval: Option<u32> = SessionExpiryInterval,
        /// How many QoS 1/2 publishes the server accepts unacknowledged; absent means 65,535.
        receive_maximum: Option<NonZeroU16> = ReceiveMaximum,
        /// The highest QoS the server supports (0 or 1); absent means 2.
        maximum_qos: Option<QoS> = MaximumQoS,
        /// Whether the server supports retained messages; absent means yes.
        retain_available: Option<bool> = RetainAvailable,
        /// The largest packet the server accepts.
        maximum_packet_size: Option<NonZeroU32> = MaximumPacketSize,
        /// The client identifier the server assigned, when the client sent an empty one.
        assigned_client_identifier: Option<MqttString> = AssignedClientIdentifier,
        /// The highest topic alias the server accepts; absent means 0.
        topic_alias_maximum: Option<u16> = TopicAliasMaximum,
        /// Human-readable diagnostics.
        reason_string: Option<MqttString> = ReasonString,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
        /// Whether wildcard subscriptions are supported; absent means yes.
        wildcard_subscription_available: Option<bool> = WildcardSubscriptionAvailable,
        /// Whether subscription identifiers are supported; absent means yes.
        subscription_identifiers_available: Option<bool> = SubscriptionIdentifierAvailable,
        /// Whether shared subscriptions are supported; absent means yes.
        shared_subscription_available: Option<bool> = SharedSubscriptionAvailable,
        /// The keep alive the client must use instead of its own.
        server_keep_alive: Option<u16> = ServerKeepAlive,
        /// The basis for a response topic.
        response_information: Option<MqttString> = ResponseInformation,
        /// Another server the client may use.
        server_reference: Option<MqttString> = ServerReference,
        /// The enhanced authentication method.
        authentication_method: Option<MqttString> = AuthenticationMethod,
        /// The enhanced authentication data.
        authentication_data: Option<BinaryData> = AuthenticationData,
    }
}

property_set! {
    /// Properties of PUBLISH (MQTT 5.0 section 3.3.2.3).
    pub struct PublishProperties {
        /// Whether the payload is UTF-8 text.
        payload_format_indicator: Option<bool> = PayloadFormatIndicator,
        /// Lifetime of the message in seconds.
        message_expiry_interval: Option<u32> = MessageExpiryInterval,
        /// A topic alias standing for the topic name; 0 is not allowed [MQTT-3.3.2-8].
        topic_alias: Option<NonZeroU16> = TopicAlias,
        /// Topic for a response.
        response_topic: Option<TopicName> = ResponseTopic,
        /// Data to correlate a response with this request.
        correlation_data: Option<BinaryData> = CorrelationData,
        /// User properties, in order [MQTT-3.3.2-18].
        user_properties: Vec<UserProperty> = UserProperty,
        /// The identifiers of the subscriptions that matched, server to client only.
        subscription_identifiers: Vec<SubscriptionId> = SubscriptionIdentifier,
        /// MIME type of the payload.
        content_type: Option<MqttString> = ContentType,
    }
}

property_set! {
    /// Properties of PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK.
    pub struct AckProperties {
        /// Human-readable diagnostics.
        reason_string: Option<MqttString> = ReasonString,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
    }
}

property_set! {
    /// Properties of SUBSCRIBE (MQTT 5.0 section 3.8.2.1).
    pub struct SubscribeProperties {
        /// Identifier the server attaches to messages matching these subscriptions.
        subscription_identifier: Option<SubscriptionId> = SubscriptionIdentifier,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
    }
}

property_set! {
    /// Properties of UNSUBSCRIBE (MQTT 5.0 section 3.10.2.1).
    pub struct UnsubscribeProperties {
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
    }
}

property_set! {
    /// Properties of DISCONNECT (MQTT 5.0 section 3.14.2.2).
    pub struct DisconnectProperties {
        /// A new session expiry, client to server only.
        session_expiry_interval: Option<u32> = SessionExpiryInterval,
        /// Human-readable diagnostics.
        reason_string: Option<MqttString> = ReasonString,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
        /// Another server the client may use.
        server_reference: Option<MqttString> = ServerReference,
    }
}

property_set! {
    /// Properties of AUTH (MQTT 5.0 section 3.15.2.2).
    pub struct AuthProperties {
        /// The enhanced authentication method.
        authentication_method: Option<MqttString> = AuthenticationMethod,
        /// The enhanced authentication data.
        authentication_data: Option<BinaryData> = AuthenticationData,
        /// Human-readable diagnostics.
        reason_string: Option<MqttString> = ReasonString,
        /// User properties, in order.
        user_properties: Vec<UserProperty> = UserProperty,
    }
}
