//! MQTT 5 properties (MQTT 5.0 section 2.2.2): one table of every identifier with its wire
//! type and the packets that may carry it, one decode loop that enforces that table, and a
//! typed struct of properties per packet.
//!
//! Under MQTT 3.x every property struct is empty: nothing is read or written.

use std::num::{NonZeroU16, NonZeroU32};

use super::error::DecodeError;
use super::primitives::{
    field_len, put_binary, put_str, put_u16, put_u32, put_variable_byte_integer,
    variable_byte_integer_len, Reader,
};
use super::values::{BinaryData, MqttString, QoS, SubscriptionId, UserProperty};
use crate::topic::TopicName;

mod sets;

pub use sets::{
    AckProperties, AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties,
    PublishProperties, SubscribeProperties, UnsubscribeProperties, WillProperties,
};

/// How a property's value is written on the wire (MQTT 5.0 section 1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireType {
    /// One byte.
    Byte,
    /// Two-byte big-endian integer.
    TwoByteInteger,
    /// Four-byte big-endian integer.
    FourByteInteger,
    /// Variable byte integer.
    VariableByteInteger,
    /// Length-prefixed UTF-8 string.
    Utf8String,
    /// Length-prefixed binary data.
    BinaryData,
    /// Two UTF-8 strings.
    Utf8StringPair,
}

/// Where a set of properties appears: a packet type, or the will properties of CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyContext {
    /// CONNECT.
    Connect,
    /// The Will Properties in CONNECT's payload.
    Will,
    /// CONNACK.
    ConnAck,
    /// PUBLISH.
    Publish,
    /// PUBACK.
    PubAck,
    /// PUBREC.
    PubRec,
    /// PUBREL.
    PubRel,
    /// PUBCOMP.
    PubComp,
    /// SUBSCRIBE.
    Subscribe,
    /// SUBACK.
    SubAck,
    /// UNSUBSCRIBE.
    Unsubscribe,
    /// UNSUBACK.
    UnsubAck,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

impl PropertyContext {
    const fn bit(self) -> u16 {
        1 << self as u16
    }

    /// The name used in error messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::Will => "will properties",
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        }
    }
}

macro_rules! property_table {
    ($( $id:ident = $value:literal, $wire:ident, [$($ctx:ident),*]; )*) => {
        /// A property identifier (MQTT 5.0 section 2.2.2.2).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum PropertyId {
            $(
                #[doc = concat!("Property ", stringify!($value), ".")]
                $id = $value,
            )*
        }

        impl PropertyId {
            /// Every property identifier.
            pub const ALL: &'static [PropertyId] = &[$(Self::$id),*];

            /// The property with this identifier, if MQTT 5 defines one.
            pub const fn from_u32(value: u32) -> Option<Self> {
                match value {
                    $($value => Some(Self::$id),)*
                    _ => None,
                }
            }

            /// Its name as the spec writes it, without spaces (`PayloadFormatIndicator`).
            pub const fn name(self) -> &'static str {
                match self { $(Self::$id => stringify!($id),)* }
            }

            /// How its value is written.
            pub const fn wire_type(self) -> WireType {
                match self { $(Self::$id => WireType::$wire,)* }
            }

            /// Whether `context` may carry it.
            pub const fn is_allowed_in(self, context: PropertyContext) -> bool {
                let allowed: u16 = match self {
                    $(Self::$id => 0 $(| PropertyContext::$ctx.bit())*,)*
                };
                allowed & context.bit() != 0
            }
        }
    };
}

property_table! {
    PayloadFormatIndicator = 0x01, Byte, [Publish, Will];
    MessageExpiryInterval = 0x02, FourByteInteger, [Publish, Will];
    ContentType = 0x03, Utf8String, [Publish, Will];
    ResponseTopic = 0x08, Utf8String, [Publish, Will];
    CorrelationData = 0x09, BinaryData, [Publish, Will];
    SubscriptionIdentifier = 0x0B, VariableByteInteger, [Publish, Subscribe];
    SessionExpiryInterval = 0x11, FourByteInteger, [Connect, ConnAck, Disconnect];
    AssignedClientIdentifier = 0x12, Utf8String, [ConnAck];
    ServerKeepAlive = 0x13, TwoByteInteger, [ConnAck];
    AuthenticationMethod = 0x15, Utf8String, [Connect, ConnAck, Auth];
    AuthenticationData = 0x16, BinaryData, [Connect, ConnAck, Auth];
    RequestProblemInformation = 0x17, Byte, [Connect];
    WillDelayInterval = 0x18, FourByteInteger, [Will];
    RequestResponseInformation = 0x19, Byte, [Connect];
    ResponseInformation = 0x1A, Utf8String, [ConnAck];
    ServerReference = 0x1C, Utf8String, [ConnAck, Disconnect];
    ReasonString = 0x1F, Utf8String,
        [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    ReceiveMaximum = 0x21, TwoByteInteger, [Connect, ConnAck];
    TopicAliasMaximum = 0x22, TwoByteInteger, [Connect, ConnAck];
    TopicAlias = 0x23, TwoByteInteger, [Publish];
    MaximumQoS = 0x24, Byte, [ConnAck];
    RetainAvailable = 0x25, Byte, [ConnAck];
    UserProperty = 0x26, Utf8StringPair,
        [Connect, Will, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck,
         Unsubscribe, UnsubAck, Disconnect, Auth];
    MaximumPacketSize = 0x27, FourByteInteger, [Connect, ConnAck];
    WildcardSubscriptionAvailable = 0x28, Byte, [ConnAck];
    SubscriptionIdentifierAvailable = 0x29, Byte, [ConnAck];
    SharedSubscriptionAvailable = 0x2A, Byte, [ConnAck];
}

impl PropertyId {
    /// Whether it may appear more than once in `context`: User Property anywhere, and
    /// Subscription Identifier in PUBLISH (one per matching subscription).
    pub const fn is_repeatable_in(self, context: PropertyContext) -> bool {
        matches!(
            (self, context),
            (Self::UserProperty, _) | (Self::SubscriptionIdentifier, PropertyContext::Publish)
        )
    }
}

/// A property's value as read from or written to the wire.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PropertyValue<'a> {
    Byte(u8),
    TwoByte(u16),
    FourByte(u32),
    Variable(u32),
    Str(&'a str),
    Binary(&'a [u8]),
    Pair(&'a str, &'a str),
}

impl PropertyValue<'_> {
    /// The value as text, for display.
    fn to_text(self) -> String {
        match self {
            Self::Byte(v) => v.to_string(),
            Self::TwoByte(v) => v.to_string(),
            Self::FourByte(v) | Self::Variable(v) => v.to_string(),
            Self::Str(s) => s.to_owned(),
            Self::Binary(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
            Self::Pair(k, v) => format!("{k}={v}"),
        }
    }

    fn encoded_len(self) -> usize {
        match self {
            Self::Byte(_) => 1,
            Self::TwoByte(_) => 2,
            Self::FourByte(_) => 4,
            Self::Variable(v) => variable_byte_integer_len(v),
            Self::Str(s) => field_len(s.len()),
            Self::Binary(b) => field_len(b.len()),
            Self::Pair(k, v) => field_len(k.len()) + field_len(v.len()),
        }
    }

    fn encode(self, out: &mut Vec<u8>) {
        match self {
            Self::Byte(v) => out.push(v),
            Self::TwoByte(v) => put_u16(out, v),
            Self::FourByte(v) => put_u32(out, v),
            Self::Variable(v) => put_variable_byte_integer(out, v),
            Self::Str(s) => put_str(out, s),
            Self::Binary(b) => put_binary(out, b),
            Self::Pair(k, v) => {
                put_str(out, k);
                put_str(out, v);
            }
        }
    }

    /// The integer inside, for error messages.
    fn as_u32(self) -> u32 {
        match self {
            Self::Byte(v) => u32::from(v),
            Self::TwoByte(v) => u32::from(v),
            Self::FourByte(v) | Self::Variable(v) => v,
            Self::Str(_) | Self::Binary(_) | Self::Pair(..) => 0,
        }
    }
}

fn read_value<'a>(r: &mut Reader<'a>, id: PropertyId) -> Result<PropertyValue<'a>, DecodeError> {
    const FIELD: &str = "property value";
    Ok(match id.wire_type() {
        WireType::Byte => PropertyValue::Byte(r.u8(FIELD)?),
        WireType::TwoByteInteger => PropertyValue::TwoByte(r.u16(FIELD)?),
        WireType::FourByteInteger => PropertyValue::FourByte(r.u32(FIELD)?),
        WireType::VariableByteInteger => PropertyValue::Variable(r.variable_byte_integer(FIELD)?),
        WireType::Utf8String => PropertyValue::Str(r.str(FIELD)?),
        WireType::BinaryData => PropertyValue::Binary(r.binary(FIELD)?),
        WireType::Utf8StringPair => {
            PropertyValue::Pair(r.str("user property name")?, r.str("user property value")?)
        }
    })
}

/// A Rust type that holds one property's value.
pub(crate) trait PropertyField: Sized {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError>;
    fn to_value(&self) -> PropertyValue<'_>;
}

fn invalid(id: PropertyId, value: PropertyValue<'_>) -> DecodeError {
    DecodeError::InvalidPropertyValue { property: id, value: value.as_u32() }
}

impl PropertyField for u32 {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::FourByte(v) => Ok(v),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::FourByte(*self)
    }
}

impl PropertyField for u16 {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::TwoByte(v) => Ok(v),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::TwoByte(*self)
    }
}

/// Receive Maximum and Topic Alias: 0 is a protocol error.
impl PropertyField for NonZeroU16 {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        NonZeroU16::new(u16::from_value(id, value)?).ok_or_else(|| invalid(id, value))
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::TwoByte(self.get())
    }
}

/// Maximum Packet Size: 0 is a protocol error.
impl PropertyField for NonZeroU32 {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        NonZeroU32::new(u32::from_value(id, value)?).ok_or_else(|| invalid(id, value))
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::FourByte(self.get())
    }
}

/// The byte-sized flags: any value but 0 or 1 is a protocol error.
impl PropertyField for bool {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Byte(0) => Ok(false),
            PropertyValue::Byte(1) => Ok(true),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Byte(u8::from(*self))
    }
}

/// Maximum QoS: only 0 or 1 may be sent; its absence means 2.
impl PropertyField for QoS {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Byte(0) => Ok(QoS::AtMostOnce),
            PropertyValue::Byte(1) => Ok(QoS::AtLeastOnce),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Byte(*self as u8)
    }
}

impl PropertyField for MqttString {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Str(s) => MqttString::new(s).map_err(|_| invalid(id, value)),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Str(self.as_str())
    }
}

/// Response Topic: a topic name, never a filter [MQTT-3.3.2-14].
impl PropertyField for TopicName {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Str(s) => TopicName::new(s).map_err(|source| {
                DecodeError::InvalidTopicName { field: "response topic", source }
            }),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Str(self.as_str())
    }
}

impl PropertyField for BinaryData {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Binary(b) => BinaryData::new(b).map_err(|_| invalid(id, value)),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Binary(self.as_slice())
    }
}

impl PropertyField for UserProperty {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Pair(k, v) => UserProperty::new(k, v).map_err(|_| invalid(id, value)),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Pair(self.key.as_str(), self.value.as_str())
    }
}

/// Subscription Identifier: 0 is a protocol error.
impl PropertyField for SubscriptionId {
    fn from_value(id: PropertyId, value: PropertyValue<'_>) -> Result<Self, DecodeError> {
        match value {
            PropertyValue::Variable(v) => SubscriptionId::new(v).map_err(|_| invalid(id, value)),
            other => Err(invalid(id, other)),
        }
    }
    fn to_value(&self) -> PropertyValue<'_> {
        PropertyValue::Variable(self.get())
    }
}

/// Where a struct keeps a property: `Option` for single ones, `Vec` for repeatable ones.
pub(crate) trait PropertySlot {
    fn put(&mut self, id: PropertyId, value: PropertyValue<'_>) -> Result<(), DecodeError>;
    fn each<'s>(&'s self, id: PropertyId, f: &mut dyn FnMut(PropertyId, PropertyValue<'s>));
}

impl<T: PropertyField> PropertySlot for Option<T> {
    fn put(&mut self, id: PropertyId, value: PropertyValue<'_>) -> Result<(), DecodeError> {
        *self = Some(T::from_value(id, value)?);
        Ok(())
    }
    fn each<'s>(&'s self, id: PropertyId, f: &mut dyn FnMut(PropertyId, PropertyValue<'s>)) {
        if let Some(v) = self {
            f(id, v.to_value());
        }
    }
}

impl<T: PropertyField> PropertySlot for Vec<T> {
    fn put(&mut self, id: PropertyId, value: PropertyValue<'_>) -> Result<(), DecodeError> {
        self.push(T::from_value(id, value)?);
        Ok(())
    }
    fn each<'s>(&'s self, id: PropertyId, f: &mut dyn FnMut(PropertyId, PropertyValue<'s>)) {
        for v in self {
            f(id, v.to_value());
        }
    }
}

/// A packet's typed set of properties. Used as `dyn PropertySet` by the decode and encode
/// loops, so that one copy of each serves every packet's set (a copy per set cost 6 KiB of
/// wasm).
pub(crate) trait PropertySet {
    /// Stores one decoded property; the decode loop has checked that `context` allows it.
    fn apply(&mut self, id: PropertyId, value: PropertyValue<'_>) -> Result<(), DecodeError>;
    /// Calls `f` for every property present, in a fixed order; repeats keep their order.
    fn visit<'s>(&'s self, f: &mut dyn FnMut(PropertyId, PropertyValue<'s>));
}

/// Bytes of the properties after the Property Length.
fn properties_body_len(set: &dyn PropertySet) -> usize {
    let mut len = 0;
    set.visit(&mut |_, value| len += 1 + value.encoded_len());
    len
}

/// Bytes the Property Length and the properties take.
pub(crate) fn properties_len(set: &dyn PropertySet) -> usize {
    let body = properties_body_len(set);
    variable_byte_integer_len(u32::try_from(body).unwrap_or(u32::MAX)) + body
}

/// Writes the Property Length and the properties.
pub(crate) fn encode_properties(set: &dyn PropertySet, out: &mut Vec<u8>) {
    let body = properties_body_len(set);
    put_variable_byte_integer(out, u32::try_from(body).unwrap_or(u32::MAX));
    set.visit(&mut |id, value| {
        // Every identifier is below 0x80: its variable byte integer is the byte itself.
        out.push(id as u8);
        value.encode(out);
    });
}

/// Reads the Property Length and the properties, enforcing the table: an identifier not
/// allowed in `context` is malformed, a repeat of a single property a protocol error.
pub(crate) fn decode_properties<S: PropertySet + Default>(
    r: &mut Reader<'_>,
    context: PropertyContext,
) -> Result<S, DecodeError> {
    let mut set = S::default();
    decode_properties_into(r, context, &mut set)?;
    Ok(set)
}

fn decode_properties_into(
    r: &mut Reader<'_>,
    context: PropertyContext,
    set: &mut dyn PropertySet,
) -> Result<(), DecodeError> {
    let len = r.variable_byte_integer("property length")?;
    let mut props = r.sub(usize::try_from(len).unwrap_or(usize::MAX), "properties")?;
    let mut seen: u64 = 0;
    while !props.is_empty() {
        let raw = props.variable_byte_integer("property identifier")?;
        let id = PropertyId::from_u32(raw).ok_or(DecodeError::UnknownProperty(raw))?;
        if !id.is_allowed_in(context) {
            return Err(DecodeError::PropertyNotAllowed { property: id, context: context.name() });
        }
        let bit = 1u64 << (id as u8 & 63);
        if seen & bit != 0 && !id.is_repeatable_in(context) {
            return Err(DecodeError::DuplicateProperty { property: id, context: context.name() });
        }
        seen |= bit;
        let value = read_value(&mut props, id)?;
        set.apply(id, value)?;
    }
    Ok(())
}

/// Properties in their wire form (Property Length, then the properties; nothing at all for
/// none), read as `context` allows them: the browser layer's JS hands over the properties it
/// has type-checked this way, and this decode enforces the table as for a received packet.
#[cfg_attr(not(all(target_arch = "wasm32", feature = "js-api")), allow(dead_code))]
pub(crate) fn properties_from_wire<S: PropertySet + Default>(
    bytes: &[u8],
    packet: super::PacketType,
    context: PropertyContext,
) -> Result<S, DecodeError> {
    if bytes.is_empty() {
        return Ok(S::default());
    }
    let mut r = Reader::new(bytes, packet);
    let set = decode_properties(&mut r, context)?;
    r.finish()?;
    Ok(set)
}

/// The wire form of `set` (Property Length, then the properties), for the browser layer's JS.
#[cfg_attr(not(all(target_arch = "wasm32", feature = "js-api")), allow(dead_code))]
pub(crate) fn properties_to_wire(set: &dyn PropertySet) -> Vec<u8> {
    let mut out = Vec::new();
    encode_properties(set, &mut out);
    out
}

/// Fails if authentication data came without a method: a protocol error.
pub(crate) fn check_authentication(
    method: Option<&MqttString>,
    data: Option<&BinaryData>,
    packet: crate::codec::PacketType,
) -> Result<(), DecodeError> {
    crate::codec::check_authentication_pair(method, data)
        .map_err(|_| DecodeError::AuthenticationDataWithoutMethod { packet })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::PacketType;

    fn decode<S: PropertySet + Default>(
        bytes: &[u8],
        context: PropertyContext,
    ) -> Result<S, DecodeError> {
        let mut r = Reader::new(bytes, PacketType::Publish);
        let set = decode_properties(&mut r, context)?;
        r.finish()?;
        Ok(set)
    }

    #[test]
    fn table_has_every_identifier_once_and_all_fit_one_byte() {
        assert_eq!(PropertyId::ALL.len(), 27);
        for &id in PropertyId::ALL {
            assert_eq!(PropertyId::from_u32(id as u32), Some(id));
            // One byte as a variable byte integer, and a bit of the decoder's u64 "seen" mask.
            assert!((id as u8) < 64);
        }
    }

    #[test]
    fn user_properties_keep_order_and_repeats() {
        // length 14: two pairs ("a","1") and ("a","2"), each 1 + 3 + 3 bytes.
        let bytes = [14, 0x26, 0, 1, b'a', 0, 1, b'1', 0x26, 0, 1, b'a', 0, 1, b'2'];
        let set: AckProperties = decode(&bytes, PropertyContext::PubAck).unwrap();
        let values: Vec<_> = set.user_properties.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(values, ["1", "2"]);
    }

    #[test]
    fn subscription_identifier_repeats_only_in_publish() {
        let bytes = [4, 0x0B, 1, 0x0B, 2];
        let set: PublishProperties = decode(&bytes, PropertyContext::Publish).unwrap();
        assert_eq!(set.subscription_identifiers.len(), 2);
        assert_eq!(
            decode::<SubscribeProperties>(&bytes, PropertyContext::Subscribe),
            Err(DecodeError::DuplicateProperty {
                property: PropertyId::SubscriptionIdentifier,
                context: "SUBSCRIBE"
            })
        );
    }

    #[test]
    fn property_in_the_wrong_packet_is_malformed() {
        // Session Expiry Interval is not a PUBLISH property.
        let err = decode::<PublishProperties>(&[5, 0x11, 0, 0, 0, 1], PropertyContext::Publish)
            .unwrap_err();
        assert_eq!(err.reason_code(), crate::codec::ReasonCode::MalformedPacket);
    }

    #[test]
    fn wire_form_for_the_browser_layer_round_trips_and_is_checked() {
        let set = PublishProperties {
            message_expiry_interval: Some(60),
            user_properties: vec![UserProperty::new("k", "v").unwrap()],
            ..Default::default()
        };
        let wire = properties_to_wire(&set);
        let back: PublishProperties =
            properties_from_wire(&wire, PacketType::Publish, PropertyContext::Publish).unwrap();
        assert_eq!(back, set);
        // No bytes at all is no properties; trailing bytes and a property the context does
        // not allow are refused as for a received packet.
        let none: PublishProperties =
            properties_from_wire(&[], PacketType::Publish, PropertyContext::Publish).unwrap();
        assert_eq!(none, PublishProperties::default());
        let mut trailing = wire.clone();
        trailing.push(0);
        assert!(properties_from_wire::<PublishProperties>(
            &trailing,
            PacketType::Publish,
            PropertyContext::Publish
        )
        .is_err());
        assert!(properties_from_wire::<SubscribeProperties>(
            &wire,
            PacketType::Subscribe,
            PropertyContext::Subscribe
        )
        .is_err());
    }

    #[test]
    fn encode_then_decode_gives_the_same_set() {
        let set = ConnAckProperties {
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            server_keep_alive: Some(30),
            user_properties: vec![UserProperty::new("k", "v").unwrap()],
            ..Default::default()
        };
        let mut out = Vec::new();
        encode_properties(&set, &mut out);
        assert_eq!(out.len(), properties_len(&set));
        assert_eq!(decode::<ConnAckProperties>(&out, PropertyContext::ConnAck), Ok(set));
    }
}
