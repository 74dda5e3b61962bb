//! CONNECT and CONNACK (MQTT 5.0 sections 3.1 and 3.2; 3.1.1 sections 3.1 and 3.2).

use super::error::DecodeError;
use super::primitives::{field_len, put_binary, put_str, put_u16, Reader};
use super::properties::{
    check_authentication, decode_properties, encode_properties, properties_len, ConnAckProperties,
    ConnectProperties, PropertyContext, WillProperties,
};
use super::values::{BinaryData, MqttString, ProtocolVersion, QoS};
use super::{PacketType, ReasonCode};
use crate::topic::TopicName;

/// CONNECT: the first packet a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connect {
    /// The client identifier; empty asks the server to assign one (3.1.1 and 5.0).
    pub client_id: MqttString,
    /// Clean Start (5.0) / Clean Session (3.x).
    pub clean_start: bool,
    /// Keep Alive in seconds; 0 turns it off.
    pub keep_alive: u16,
    /// User name.
    pub username: Option<MqttString>,
    /// Password (binary data; 5.0 allows it without a user name).
    pub password: Option<BinaryData>,
    /// The Will Message.
    pub will: Option<Will>,
    /// MQTT 5 properties.
    pub properties: ConnectProperties,
}

/// The Will Message the server publishes if the connection ends without DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    /// Its topic.
    pub topic: TopicName,
    /// Its payload.
    pub payload: BinaryData,
    /// Its QoS.
    pub qos: QoS,
    /// Whether it is retained.
    pub retain: bool,
    /// MQTT 5 will properties.
    pub properties: WillProperties,
}

mod flag {
    pub(super) const USERNAME: u8 = 0x80;
    pub(super) const PASSWORD: u8 = 0x40;
    pub(super) const WILL_RETAIN: u8 = 0x20;
    pub(super) const WILL_QOS_SHIFT: u8 = 3;
    pub(super) const WILL_QOS: u8 = 0x18;
    pub(super) const WILL: u8 = 0x04;
    pub(super) const CLEAN_START: u8 = 0x02;
    pub(super) const RESERVED: u8 = 0x01;
}

impl Connect {
    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.username.is_some() {
            flags |= flag::USERNAME;
        }
        if self.password.is_some() {
            flags |= flag::PASSWORD;
        }
        if let Some(will) = &self.will {
            flags |= flag::WILL | (will.qos as u8) << flag::WILL_QOS_SHIFT;
            if will.retain {
                flags |= flag::WILL_RETAIN;
            }
        }
        if self.clean_start {
            flags |= flag::CLEAN_START;
        }
        flags
    }

    pub(crate) fn check(&self, version: ProtocolVersion) -> Result<(), &'static str> {
        if !version.is_v5() && self.password.is_some() && self.username.is_none() {
            return Err("MQTT 3.x does not allow a password without a user name [MQTT-3.1.2-22]");
        }
        if !version.is_v5() {
            return Ok(());
        }
        super::check_authentication_pair(
            self.properties.authentication_method.as_ref(),
            self.properties.authentication_data.as_ref(),
        )
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        let mut len = field_len(version.protocol_name().len()) + 1 + 1 + 2;
        if version.is_v5() {
            len += properties_len(&self.properties);
        }
        len += field_len(self.client_id.len());
        if let Some(will) = &self.will {
            if version.is_v5() {
                len += properties_len(&will.properties);
            }
            len += field_len(will.topic.len()) + field_len(will.payload.len());
        }
        len += self.username.as_ref().map_or(0, |u| field_len(u.len()));
        len += self.password.as_ref().map_or(0, |p| field_len(p.len()));
        len
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_str(out, version.protocol_name());
        out.push(version.level());
        out.push(self.flags());
        put_u16(out, self.keep_alive);
        if version.is_v5() {
            encode_properties(&self.properties, out);
        }
        put_str(out, &self.client_id);
        if let Some(will) = &self.will {
            if version.is_v5() {
                encode_properties(&will.properties, out);
            }
            put_str(out, will.topic.as_str());
            put_binary(out, &will.payload);
        }
        if let Some(username) = &self.username {
            put_str(out, username);
        }
        if let Some(password) = &self.password {
            put_binary(out, password);
        }
    }

    /// Reads CONNECT; its protocol name and level must be those of `version`.
    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let name = r.str("protocol name")?;
        if name != version.protocol_name() {
            return Err(DecodeError::InvalidProtocolName { name: name.to_owned() });
        }
        let level = r.u8("protocol level")?;
        if level != version.level() {
            return Err(DecodeError::UnsupportedProtocolVersion {
                level,
                expected: version.level(),
            });
        }
        let flags = r.u8("connect flags")?;
        check_connect_flags(flags, version)?;
        let keep_alive = r.u16("keep alive")?;
        let properties: ConnectProperties = if version.is_v5() {
            decode_properties(r, PropertyContext::Connect)?
        } else {
            ConnectProperties::default()
        };
        check_authentication(
            properties.authentication_method.as_ref(),
            properties.authentication_data.as_ref(),
            PacketType::Connect,
        )?;
        let client_id = r.string("client identifier")?;
        let will =
            if flags & flag::WILL != 0 { Some(decode_will(r, version, flags)?) } else { None };
        let username =
            if flags & flag::USERNAME != 0 { Some(r.string("user name")?) } else { None };
        let password =
            if flags & flag::PASSWORD != 0 { Some(r.binary_data("password")?) } else { None };
        Ok(Self {
            client_id,
            clean_start: flags & flag::CLEAN_START != 0,
            keep_alive,
            username,
            password,
            will,
            properties,
        })
    }
}

fn check_connect_flags(flags: u8, version: ProtocolVersion) -> Result<(), DecodeError> {
    let why = if flags & flag::RESERVED != 0 {
        // [MQTT-3.1.2-3]
        "the reserved bit 0 is set"
    } else if flags & flag::WILL == 0 && flags & (flag::WILL_QOS | flag::WILL_RETAIN) != 0 {
        // [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15]
        "will QoS or will retain is set without the will flag"
    } else if flags & flag::WILL_QOS == flag::WILL_QOS {
        // [MQTT-3.1.2-12]
        "will QoS is 3"
    } else if !version.is_v5() && flags & flag::PASSWORD != 0 && flags & flag::USERNAME == 0 {
        // [MQTT-3.1.2-22] in 3.1.1; MQTT 5 allows a password alone.
        "a password without a user name"
    } else {
        return Ok(());
    };
    Err(DecodeError::InvalidConnectFlags { flags, why })
}

fn decode_will(
    r: &mut Reader<'_>,
    version: ProtocolVersion,
    flags: u8,
) -> Result<Will, DecodeError> {
    let properties = if version.is_v5() {
        decode_properties(r, PropertyContext::Will)?
    } else {
        WillProperties::default()
    };
    let topic = TopicName::new(r.str("will topic")?)
        .map_err(|source| DecodeError::InvalidTopicName { field: "will topic", source })?;
    let payload = r.binary_data("will payload")?;
    let qos = QoS::try_from((flags & flag::WILL_QOS) >> flag::WILL_QOS_SHIFT)
        .map_err(|_| DecodeError::InvalidQoS { field: "will QoS" })?;
    Ok(Will { topic, payload, qos, retain: flags & flag::WILL_RETAIN != 0, properties })
}

/// CONNACK: the server's answer to CONNECT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAck {
    /// Whether the server resumed a session it had for this client.
    pub session_present: bool,
    /// The outcome. Under 3.x this is the return code mapped onto a reason code
    /// ([`ReasonCode::from_v3_connack`]).
    pub reason_code: ReasonCode,
    /// MQTT 5 properties.
    pub properties: ConnAckProperties,
}

impl ConnAck {
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + if version.is_v5() { properties_len(&self.properties) } else { 0 }
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        out.push(u8::from(self.session_present));
        if version.is_v5() {
            out.push(self.reason_code as u8);
            encode_properties(&self.properties, out);
        } else {
            out.push(self.reason_code.to_v3_connack());
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let flags = r.u8("acknowledge flags")?;
        if flags & !1 != 0 {
            return Err(DecodeError::InvalidConnAckFlags(flags));
        }
        let (reason_code, properties) = if version.is_v5() {
            let code = super::read_reason_code(r)?;
            let properties: ConnAckProperties = decode_properties(r, PropertyContext::ConnAck)?;
            check_authentication(
                properties.authentication_method.as_ref(),
                properties.authentication_data.as_ref(),
                PacketType::ConnAck,
            )?;
            (code, properties)
        } else {
            let code = r.u8("return code")?;
            let reason = ReasonCode::from_v3_connack(code)
                .ok_or(DecodeError::InvalidReasonCode { packet: PacketType::ConnAck, code })?;
            (reason, ConnAckProperties::default())
        };
        Ok(Self { session_present: flags & 1 != 0, reason_code, properties })
    }
}
