//! DISCONNECT and AUTH (MQTT 5.0 sections 3.14 and 3.15): a reason code and properties, both
//! of which may be left out when they say nothing.

use super::error::DecodeError;
use super::primitives::Reader;
use super::properties::{
    check_authentication, decode_properties, encode_properties, properties_len, AuthProperties,
    DisconnectProperties, PropertyContext, PropertySet,
};
use super::values::ProtocolVersion;
use super::{read_reason_code, ReasonCode};

/// DISCONNECT: the last packet before a clean close. Under 3.x it carries nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect {
    /// Why (MQTT 5); 0x00 is Normal disconnection.
    pub reason_code: ReasonCode,
    /// MQTT 5 properties.
    pub properties: DisconnectProperties,
}

/// AUTH: one step of enhanced authentication (MQTT 5 only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth {
    /// Success, Continue authentication or Re-authenticate.
    pub reason_code: ReasonCode,
    /// Authentication method and data.
    pub properties: AuthProperties,
}

/// Body length when a reason code of Success and empty properties may both be left out
/// (MQTT 5.0 sections 3.14.2.1 and 3.15.2.1).
fn short_body_len(reason_code: ReasonCode, properties: &dyn PropertySet, empty: bool) -> usize {
    match (reason_code, empty) {
        (ReasonCode::Success, true) => 0,
        (_, true) => 1,
        (_, false) => 1 + properties_len(properties),
    }
}

fn encode_short_body(
    reason_code: ReasonCode,
    properties: &dyn PropertySet,
    len: usize,
    out: &mut Vec<u8>,
) {
    if len > 0 {
        out.push(reason_code as u8);
    }
    if len > 1 {
        encode_properties(properties, out);
    }
}

fn decode_short_body<S: PropertySet + Default>(
    r: &mut Reader<'_>,
    context: PropertyContext,
) -> Result<(ReasonCode, S), DecodeError> {
    let mut reason_code = ReasonCode::Success;
    let mut properties = S::default();
    if !r.is_empty() {
        reason_code = read_reason_code(r)?;
        if !r.is_empty() {
            properties = decode_properties(r, context)?;
        }
    }
    Ok((reason_code, properties))
}

impl Disconnect {
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        if !version.is_v5() {
            return 0;
        }
        short_body_len(self.reason_code, &self.properties, self.properties.is_empty())
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        let len = self.body_len(version);
        encode_short_body(self.reason_code, &self.properties, len, out);
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        if !version.is_v5() {
            return Ok(Self::default());
        }
        let (reason_code, properties) = decode_short_body(r, PropertyContext::Disconnect)?;
        Ok(Self { reason_code, properties })
    }
}

impl Auth {
    pub(crate) fn body_len(&self, _version: ProtocolVersion) -> usize {
        short_body_len(self.reason_code, &self.properties, self.properties.is_empty())
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        let len = self.body_len(version);
        encode_short_body(self.reason_code, &self.properties, len, out);
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        _version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let (reason_code, properties) =
            decode_short_body::<AuthProperties>(r, PropertyContext::Auth)?;
        check_authentication(
            properties.authentication_method.as_ref(),
            properties.authentication_data.as_ref(),
            super::PacketType::Auth,
        )?;
        Ok(Self { reason_code, properties })
    }
}
