//! The Last Will of the connection form: what the broker publishes for this client when its
//! connection ends without a DISCONNECT, with its MQTT 5.0 properties.

use serde::{Deserialize, Serialize};
use wasmqtt::codec::{BinaryData, MqttString, ProtocolVersion, QoS, Will, WillProperties};
use wasmqtt::topic::TopicName;

use crate::model::{binary, non_empty, optional, parse_user_properties};

/// The will as the form edits it; no topic means no will.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WillSettings {
    /// Will Topic; empty for no will.
    pub topic: String,
    /// Will Payload, as text.
    pub payload: String,
    /// Will QoS: 0, 1 or 2.
    pub qos: u8,
    /// Will Retain.
    pub retain: bool,
    /// 5.0: Will Delay Interval, seconds.
    pub delay: u32,
    /// 5.0: Message Expiry Interval, seconds; 0 for none.
    pub message_expiry: u32,
    /// 5.0: Content Type; empty for none.
    pub content_type: String,
    /// 5.0: Payload Format Indicator (the payload is UTF-8 text).
    pub utf8: bool,
    /// 5.0: Response Topic; empty for none.
    pub response_topic: String,
    /// 5.0: Correlation Data, as text; empty for none.
    pub correlation_data: String,
    /// 5.0: User Properties, one `key=value` per line.
    pub user_properties: String,
}

impl WillSettings {
    /// The will for CONNECT under `version` (its properties under 5.0 only), `None` without a
    /// topic, or the first bad value named with its field.
    pub fn to_will(&self, version: ProtocolVersion) -> Result<Option<Will>, String> {
        let Some(topic) = non_empty(&self.topic) else { return Ok(None) };
        let topic = TopicName::new(topic).map_err(|e| format!("Will Topic: {e}"))?;
        let payload = BinaryData::new(self.payload.as_bytes().to_vec())
            .map_err(|e| format!("Will Payload: {e}"))?;
        let qos = QoS::try_from(self.qos)
            .map_err(|_| format!("Will QoS {} is not 0, 1 or 2", self.qos))?;
        let properties =
            if version == ProtocolVersion::V5 { self.properties()? } else { Default::default() };
        Ok(Some(Will { topic, payload, qos, retain: self.retain, properties }))
    }

    fn properties(&self) -> Result<WillProperties, String> {
        let mut p = WillProperties {
            will_delay_interval: (self.delay > 0).then_some(self.delay),
            message_expiry_interval: (self.message_expiry > 0).then_some(self.message_expiry),
            payload_format_indicator: self.utf8.then_some(true),
            user_properties: parse_user_properties(&self.user_properties)
                .map_err(|e| format!("Will {e}"))?,
            ..Default::default()
        };
        p.content_type = optional(&self.content_type, "Will Content Type", MqttString::new)?;
        p.response_topic = optional(&self.response_topic, "Will Response Topic", TopicName::new)?;
        p.correlation_data = optional(&self.correlation_data, "Will Correlation Data", binary)?;
        Ok(p)
    }
}
