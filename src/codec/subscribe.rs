//! SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (MQTT 5.0 sections 3.8 to 3.11).

use super::error::DecodeError;
use super::primitives::{field_len, put_str, put_u16, Reader};
use super::properties::{
    decode_properties, encode_properties, properties_len, AckProperties, PropertyContext,
    SubscribeProperties, UnsubscribeProperties,
};
use super::values::{PacketId, ProtocolVersion, QoS, RetainHandling};
use super::{read_packet_id, read_reason_code, PacketType, ReasonCode};
use crate::topic::TopicFilter;

/// The options of one subscription (MQTT 5.0 section 3.8.3.1). Under 3.x only `qos` is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    /// The highest QoS the client wants messages delivered with.
    pub qos: QoS,
    /// Do not send the client its own publishes back (not allowed on shared subscriptions).
    pub no_local: bool,
    /// Keep the retain flag of forwarded messages as it was published.
    pub retain_as_published: bool,
    /// When to send retained messages.
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    pub(crate) fn to_byte(self, version: ProtocolVersion) -> u8 {
        let qos = self.qos as u8;
        if !version.is_v5() {
            return qos;
        }
        qos | u8::from(self.no_local) << 2
            | u8::from(self.retain_as_published) << 3
            | (self.retain_handling as u8) << 4
    }

    fn from_byte(byte: u8, version: ProtocolVersion) -> Result<Self, DecodeError> {
        let reserved = if version.is_v5() { 0b1100_0000 } else { 0b1111_1100 };
        if byte & reserved != 0 {
            // [MQTT-3.8.3-5]
            return Err(DecodeError::InvalidSubscriptionOptions(byte));
        }
        let qos = QoS::try_from(byte & 0b11)
            .map_err(|_| DecodeError::InvalidQoS { field: "subscription options" })?;
        let retain_handling =
            RetainHandling::try_from(byte >> 4).map_err(|_| DecodeError::InvalidRetainHandling)?;
        Ok(Self {
            qos,
            no_local: byte & 0b0100 != 0,
            retain_as_published: byte & 0b1000 != 0,
            retain_handling,
        })
    }
}

/// One topic filter of a SUBSCRIBE with its options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subscription {
    /// The filter.
    pub filter: TopicFilter,
    /// Its options.
    pub options: SubscriptionOptions,
}

/// SUBSCRIBE: one or more subscriptions under one packet identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    /// Its packet identifier.
    pub packet_id: PacketId,
    /// The subscriptions; the spec requires at least one [MQTT-3.8.3-2].
    pub subscriptions: Vec<Subscription>,
    /// MQTT 5 properties.
    pub properties: SubscribeProperties,
}

fn version_properties_len(
    set: &dyn super::properties::PropertySet,
    version: ProtocolVersion,
) -> usize {
    if version.is_v5() {
        properties_len(set)
    } else {
        0
    }
}

fn decode_filter(r: &mut Reader<'_>) -> Result<TopicFilter, DecodeError> {
    TopicFilter::new(r.str("topic filter")?).map_err(DecodeError::InvalidTopicFilter)
}

impl Subscribe {
    pub(crate) fn check(&self, version: ProtocolVersion) -> Result<(), &'static str> {
        if self.subscriptions.is_empty() {
            return Err("it has no topic filter [MQTT-3.8.3-2]");
        }
        let no_local_shared = |s: &Subscription| s.options.no_local && s.filter.shared().is_some();
        if version.is_v5() && self.subscriptions.iter().any(no_local_shared) {
            return Err("No Local is set on a shared subscription [MQTT-3.8.3-4]");
        }
        Ok(())
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        let filters: usize = self.subscriptions.iter().map(|s| field_len(s.filter.len()) + 1).sum();
        2 + version_properties_len(&self.properties, version) + filters
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id.get());
        if version.is_v5() {
            encode_properties(&self.properties, out);
        }
        for s in &self.subscriptions {
            put_str(out, s.filter.as_str());
            out.push(s.options.to_byte(version));
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let properties = if version.is_v5() {
            decode_properties(r, PropertyContext::Subscribe)?
        } else {
            SubscribeProperties::default()
        };
        let mut subscriptions = Vec::new();
        while !r.is_empty() {
            let filter = decode_filter(r)?;
            let options = SubscriptionOptions::from_byte(r.u8("subscription options")?, version)?;
            if options.no_local && filter.shared().is_some() {
                // [MQTT-3.8.3-4]
                return Err(DecodeError::NoLocalOnSharedSubscription(filter.as_str().to_owned()));
            }
            subscriptions.push(Subscription { filter, options });
        }
        if subscriptions.is_empty() {
            return Err(DecodeError::NoTopicFilters { packet: PacketType::Subscribe });
        }
        Ok(Self { packet_id, subscriptions, properties })
    }
}

/// SUBACK: one reason code per subscription, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    /// The packet identifier of the SUBSCRIBE.
    pub packet_id: PacketId,
    /// Granted QoS or failure per subscription; 3.x's 0x80 becomes Unspecified error.
    pub reason_codes: Vec<ReasonCode>,
    /// MQTT 5 properties.
    pub properties: AckProperties,
}

impl SubAck {
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + version_properties_len(&self.properties, version) + self.reason_codes.len()
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id.get());
        if version.is_v5() {
            encode_properties(&self.properties, out);
            out.extend(self.reason_codes.iter().map(|&c| c as u8));
        } else {
            out.extend(self.reason_codes.iter().map(|c| c.to_v3_suback()));
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let mut ack =
            Self { packet_id, reason_codes: Vec::new(), properties: AckProperties::default() };
        if version.is_v5() {
            ack.properties = decode_properties(r, PropertyContext::SubAck)?;
            while !r.is_empty() {
                ack.reason_codes.push(read_reason_code(r)?);
            }
        } else {
            for &code in r.rest() {
                let reason = ReasonCode::from_v3_suback(code)
                    .ok_or(DecodeError::InvalidReasonCode { packet: PacketType::SubAck, code })?;
                ack.reason_codes.push(reason);
            }
        }
        Ok(ack)
    }
}

/// UNSUBSCRIBE: one or more topic filters under one packet identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// Its packet identifier.
    pub packet_id: PacketId,
    /// The filters; the spec requires at least one [MQTT-3.10.3-2].
    pub filters: Vec<TopicFilter>,
    /// MQTT 5 properties.
    pub properties: UnsubscribeProperties,
}

impl Unsubscribe {
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        let filters: usize = self.filters.iter().map(|f| field_len(f.len())).sum();
        2 + version_properties_len(&self.properties, version) + filters
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id.get());
        if version.is_v5() {
            encode_properties(&self.properties, out);
        }
        for f in &self.filters {
            put_str(out, f.as_str());
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let properties = if version.is_v5() {
            decode_properties(r, PropertyContext::Unsubscribe)?
        } else {
            UnsubscribeProperties::default()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            filters.push(decode_filter(r)?);
        }
        if filters.is_empty() {
            return Err(DecodeError::NoTopicFilters { packet: PacketType::Unsubscribe });
        }
        Ok(Self { packet_id, filters, properties })
    }
}

/// UNSUBACK: under MQTT 5 one reason code per filter; under 3.x none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck {
    /// The packet identifier of the UNSUBSCRIBE.
    pub packet_id: PacketId,
    /// Outcome per filter (MQTT 5 only; empty under 3.x).
    pub reason_codes: Vec<ReasonCode>,
    /// MQTT 5 properties.
    pub properties: AckProperties,
}

impl UnsubAck {
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        if !version.is_v5() {
            return 2;
        }
        2 + properties_len(&self.properties) + self.reason_codes.len()
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id.get());
        if version.is_v5() {
            encode_properties(&self.properties, out);
            out.extend(self.reason_codes.iter().map(|&c| c as u8));
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let mut ack =
            Self { packet_id, reason_codes: Vec::new(), properties: AckProperties::default() };
        if version.is_v5() {
            ack.properties = decode_properties(r, PropertyContext::UnsubAck)?;
            while !r.is_empty() {
                ack.reason_codes.push(read_reason_code(r)?);
            }
        }
        Ok(ack)
    }
}
