//! PUBLISH and the four acknowledgements that share one type: PUBACK, PUBREC, PUBREL and
//! PUBCOMP (MQTT 5.0 sections 3.3 to 3.7).

use super::error::DecodeError;
use super::primitives::{field_len, put_str, put_u16, Reader};
use super::properties::{
    decode_properties, encode_properties, properties_len, AckProperties, PropertyContext,
    PublishProperties,
};
use super::values::{PacketId, ProtocolVersion, QoS};
use super::{read_packet_id, read_reason_code, PacketType, ReasonCode};
use crate::topic::TopicName;

/// How a PUBLISH is delivered. A packet identifier and the DUP flag exist only for QoS 1 and
/// 2, so a QoS 0 message with either cannot be built [MQTT-2.2.1-2], [MQTT-3.3.1-2].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Delivery {
    /// QoS 0.
    #[default]
    AtMostOnce,
    /// QoS 1.
    AtLeastOnce {
        /// Its packet identifier.
        packet_id: PacketId,
        /// Whether this is a re-delivery.
        dup: bool,
    },
    /// QoS 2.
    ExactlyOnce {
        /// Its packet identifier.
        packet_id: PacketId,
        /// Whether this is a re-delivery.
        dup: bool,
    },
}

impl Delivery {
    /// The delivery of a QoS: `packet_id` is ignored for QoS 0.
    pub fn new(qos: QoS, packet_id: PacketId, dup: bool) -> Self {
        match qos {
            QoS::AtMostOnce => Self::AtMostOnce,
            QoS::AtLeastOnce => Self::AtLeastOnce { packet_id, dup },
            QoS::ExactlyOnce => Self::ExactlyOnce { packet_id, dup },
        }
    }

    /// Its QoS.
    pub const fn qos(self) -> QoS {
        match self {
            Self::AtMostOnce => QoS::AtMostOnce,
            Self::AtLeastOnce { .. } => QoS::AtLeastOnce,
            Self::ExactlyOnce { .. } => QoS::ExactlyOnce,
        }
    }

    /// Its packet identifier, for QoS 1 and 2.
    pub const fn packet_id(self) -> Option<PacketId> {
        match self {
            Self::AtMostOnce => None,
            Self::AtLeastOnce { packet_id, .. } | Self::ExactlyOnce { packet_id, .. } => {
                Some(packet_id)
            }
        }
    }

    /// Whether the DUP flag is set.
    pub const fn dup(self) -> bool {
        match self {
            Self::AtMostOnce => false,
            Self::AtLeastOnce { dup, .. } | Self::ExactlyOnce { dup, .. } => dup,
        }
    }
}

/// PUBLISH: an application message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Publish {
    /// The topic; empty only when a topic alias stands for it (MQTT 5).
    pub topic: TopicName,
    /// QoS, packet identifier and DUP.
    pub delivery: Delivery,
    /// Whether the message is (to be) retained.
    pub retain: bool,
    /// The application message.
    pub payload: Vec<u8>,
    /// MQTT 5 properties.
    pub properties: PublishProperties,
}

impl Publish {
    pub(crate) fn fixed_header_flags(&self) -> u8 {
        u8::from(self.delivery.dup()) << 3
            | (self.delivery.qos() as u8) << 1
            | u8::from(self.retain)
    }

    pub(crate) fn check(&self, version: ProtocolVersion) -> Result<(), &'static str> {
        if self.topic.is_empty() && (!version.is_v5() || self.properties.topic_alias.is_none()) {
            return Err("it has an empty topic name and no topic alias [MQTT-3.3.2-1]");
        }
        Ok(())
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        field_len(self.topic.len())
            + if self.delivery.packet_id().is_some() { 2 } else { 0 }
            + if version.is_v5() { properties_len(&self.properties) } else { 0 }
            + self.payload.len()
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_str(out, self.topic.as_str());
        if let Some(id) = self.delivery.packet_id() {
            put_u16(out, id.get());
        }
        if version.is_v5() {
            encode_properties(&self.properties, out);
        }
        out.extend_from_slice(&self.payload);
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
        flags: u8,
    ) -> Result<Self, DecodeError> {
        let dup = flags & 0b1000 != 0;
        let retain = flags & 0b0001 != 0;
        let qos = QoS::try_from((flags >> 1) & 0b11)
            .map_err(|_| DecodeError::InvalidQoS { field: "PUBLISH fixed header" })?;
        if qos == QoS::AtMostOnce && dup {
            return Err(DecodeError::DupOnQoS0);
        }
        let topic = r.str("topic name")?;
        let delivery = match qos {
            QoS::AtMostOnce => Delivery::AtMostOnce,
            qos => Delivery::new(qos, read_packet_id(r)?, dup),
        };
        let properties: PublishProperties = if version.is_v5() {
            decode_properties(r, PropertyContext::Publish)?
        } else {
            PublishProperties::default()
        };
        let topic = if topic.is_empty() {
            // An empty topic name is allowed only with a topic alias [MQTT-3.3.2-1].
            if properties.topic_alias.is_none() {
                return Err(DecodeError::MissingTopic);
            }
            TopicName::default()
        } else {
            TopicName::new(topic)
                .map_err(|source| DecodeError::InvalidTopicName { field: "topic name", source })?
        };
        let payload = r.rest().to_vec();
        Ok(Self { topic, delivery, retain, payload, properties })
    }
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP: which one is said by the [`Packet`](super::Packet)
/// variant that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The packet identifier of the PUBLISH being acknowledged.
    pub packet_id: PacketId,
    /// The outcome (MQTT 5; always Success under 3.x).
    pub reason_code: ReasonCode,
    /// MQTT 5 properties.
    pub properties: AckProperties,
}

impl Ack {
    /// A successful acknowledgement without properties.
    pub fn new(packet_id: PacketId) -> Self {
        Self { packet_id, reason_code: ReasonCode::Success, properties: AckProperties::default() }
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        if !version.is_v5() {
            return 2;
        }
        // The reason code may be left out when it is Success and there are no properties;
        // the property length may be left out when there are none (MQTT 5.0 section 3.4.2.1).
        match (self.reason_code, self.properties.is_empty()) {
            (ReasonCode::Success, true) => 2,
            (_, true) => 3,
            (_, false) => 3 + properties_len(&self.properties),
        }
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.packet_id.get());
        let len = self.body_len(version);
        if len > 2 {
            out.push(self.reason_code as u8);
        }
        if len > 3 {
            encode_properties(&self.properties, out);
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let mut ack = Self::new(packet_id);
        if version.is_v5() && !r.is_empty() {
            ack.reason_code = read_reason_code(r)?;
            if !r.is_empty() {
                ack.properties = decode_properties(r, context_of(r.packet()))?;
            }
        }
        Ok(ack)
    }
}

fn context_of(packet: PacketType) -> PropertyContext {
    match packet {
        PacketType::PubRec => PropertyContext::PubRec,
        PacketType::PubRel => PropertyContext::PubRel,
        PacketType::PubComp => PropertyContext::PubComp,
        _ => PropertyContext::PubAck,
    }
}
