//! Value types of the MQTT wire format that are valid by construction.
//!
//! Each type checks the spec's rules when it is built, so that encoding a packet made of them
//! cannot fail on a bad value: a string never holds U+0000 or more than 65,535 bytes, a QoS is
//! never 3, a subscription identifier is never 0.

use std::fmt;
use std::num::NonZeroU32;

use thiserror::Error;

/// Longest UTF-8 string or binary data field: its length is a two-byte integer.
pub const MAX_FIELD_LEN: usize = u16::MAX as usize;

/// Largest value a variable byte integer can carry (four bytes of seven bits).
pub const MAX_VARIABLE_BYTE_INTEGER: u32 = 268_435_455;

/// A packet identifier: never 0 [MQTT-2.2.1-3].
pub type PacketId = std::num::NonZeroU16;

/// A value handed to the library that the MQTT wire format cannot carry.
///
/// This is the caller's fault (API misuse), never the peer's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A UTF-8 string field is longer than 65,535 bytes.
    #[error(
        "string of {len} bytes is longer than the 65535 bytes MQTT allows: {}",
        Quoted(preview)
    )]
    StringTooLong {
        /// Its length in bytes.
        len: usize,
        /// Its first characters, to recognise it by.
        preview: String,
    },
    /// A UTF-8 string field contains U+0000, which MQTT forbids [MQTT-1.5.4-2].
    #[error("string {} contains the null character U+0000, which MQTT forbids", Quoted(preview))]
    StringContainsNul {
        /// Its first characters, to recognise it by.
        preview: String,
    },
    /// A binary data field is longer than 65,535 bytes.
    #[error("binary data of {len} bytes is longer than the 65535 bytes MQTT allows")]
    BinaryTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A QoS other than 0, 1 or 2.
    #[error("QoS {0} is not 0, 1 or 2")]
    QoSOutOfRange(u8),
    /// A subscription identifier outside 1..=268,435,455.
    #[error("subscription identifier {0} is not in 1..=268435455")]
    SubscriptionIdOutOfRange(u32),
    /// A retain handling option other than 0, 1 or 2.
    #[error("retain handling {0} is not 0, 1 or 2")]
    RetainHandlingOutOfRange(u8),
    /// A protocol level other than 3 (3.1), 4 (3.1.1) or 5 (5.0).
    #[error("protocol version {0} is not 3 (MQTT 3.1), 4 (MQTT 3.1.1) or 5 (MQTT 5.0)")]
    ProtocolVersionOutOfRange(u8),
}

/// A string in double quotes, escaped as Rust's `Debug` escapes the characters a message
/// should not carry raw (quotes, backslashes, control characters), without `Debug`'s Unicode
/// tables: error messages name the bad value this way.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' => write!(f, "\\{c}")?,
                '\0' => f.write_str("\\0")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                // Control characters, and the invisible ones that can make a value read as
                // another (zero-width, line and paragraph separators, bidirectional controls).
                c if c.is_control()
                    || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}')
                    || matches!(c, '\u{2060}'..='\u{2069}' | '\u{feff}') =>
                {
                    write!(f, "\\u{{{:x}}}", u32::from(c))?
                }
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// Up to 40 characters of `s`, for error messages about values that may be huge.
pub(crate) fn preview(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", s.get(..end).unwrap_or_default()),
        None => s.to_owned(),
    }
}

/// The MQTT protocol version of a connection, chosen at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// MQTT 3.1: protocol name `MQIsdp`, level 3.
    V3_1,
    /// MQTT 3.1.1: protocol name `MQTT`, level 4.
    V3_1_1,
    /// MQTT 5.0: protocol name `MQTT`, level 5.
    V5,
}

impl ProtocolVersion {
    /// The protocol level byte of CONNECT (3, 4 or 5), also MQTT.js's `protocolVersion`.
    pub const fn level(self) -> u8 {
        match self {
            Self::V3_1 => 3,
            Self::V3_1_1 => 4,
            Self::V5 => 5,
        }
    }

    /// The protocol name CONNECT carries: `MQIsdp` for 3.1, `MQTT` after.
    pub const fn protocol_name(self) -> &'static str {
        match self {
            Self::V3_1 => "MQIsdp",
            Self::V3_1_1 | Self::V5 => "MQTT",
        }
    }

    /// Whether packets carry MQTT 5 properties and reason codes.
    pub const fn is_v5(self) -> bool {
        matches!(self, Self::V5)
    }
}

impl TryFrom<u8> for ProtocolVersion {
    type Error = ValueError;

    fn try_from(level: u8) -> Result<Self, ValueError> {
        match level {
            3 => Ok(Self::V3_1),
            4 => Ok(Self::V3_1_1),
            5 => Ok(Self::V5),
            other => Err(ValueError::ProtocolVersionOutOfRange(other)),
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V3_1 => "MQTT 3.1",
            Self::V3_1_1 => "MQTT 3.1.1",
            Self::V5 => "MQTT 5.0",
        })
    }
}

/// Quality of service of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum QoS {
    /// QoS 0: delivered at most once, no acknowledgement.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: delivered at least once, acknowledged by PUBACK.
    AtLeastOnce = 1,
    /// QoS 2: delivered exactly once, PUBREC / PUBREL / PUBCOMP.
    ExactlyOnce = 2,
}

impl TryFrom<u8> for QoS {
    type Error = ValueError;

    fn try_from(value: u8) -> Result<Self, ValueError> {
        match value {
            0 => Ok(Self::AtMostOnce),
            1 => Ok(Self::AtLeastOnce),
            2 => Ok(Self::ExactlyOnce),
            other => Err(ValueError::QoSOutOfRange(other)),
        }
    }
}

/// A UTF-8 string as MQTT allows it: at most 65,535 bytes, no U+0000 [MQTT-1.5.4-2].
///
/// Rust strings cannot hold surrogates, so [MQTT-1.5.4-1] holds by construction.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct MqttString(String);

impl MqttString {
    /// Checks `s` against the rules of an MQTT UTF-8 string.
    pub fn new(s: impl Into<String>) -> Result<Self, ValueError> {
        let s = s.into();
        if s.len() > MAX_FIELD_LEN {
            return Err(ValueError::StringTooLong { len: s.len(), preview: preview(&s) });
        }
        if s.contains('\0') {
            return Err(ValueError::StringContainsNul { preview: preview(&s) });
        }
        Ok(Self(s))
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The string, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for MqttString {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MqttString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for MqttString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for MqttString {
    type Error = ValueError;

    fn try_from(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}

impl TryFrom<String> for MqttString {
    type Error = ValueError;

    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}

/// Binary data as MQTT allows it: at most 65,535 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BinaryData(Vec<u8>);

impl BinaryData {
    /// Checks the length of `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, ValueError> {
        let bytes = bytes.into();
        if bytes.len() > MAX_FIELD_LEN {
            return Err(ValueError::BinaryTooLong { len: bytes.len() });
        }
        Ok(Self(bytes))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl std::ops::Deref for BinaryData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// One MQTT 5 User Property: a name/value string pair. Lists of them keep order and repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserProperty {
    /// The name.
    pub key: MqttString,
    /// The value.
    pub value: MqttString,
}

impl UserProperty {
    /// Checks both strings.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Result<Self, ValueError> {
        Ok(Self { key: MqttString::new(key)?, value: MqttString::new(value)? })
    }
}

/// A subscription identifier: 1 to 268,435,455.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriptionId(NonZeroU32);

impl SubscriptionId {
    /// Checks the range.
    pub fn new(id: u32) -> Result<Self, ValueError> {
        match NonZeroU32::new(id) {
            Some(nz) if id <= MAX_VARIABLE_BYTE_INTEGER => Ok(Self(nz)),
            _ => Err(ValueError::SubscriptionIdOutOfRange(id)),
        }
    }

    /// The identifier.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// Whether the server sends retained messages when a subscription is made (MQTT 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// 0: send retained messages at the time of the subscribe.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription does not already exist.
    SendAtNewSubscribe = 1,
    /// 2: do not send them.
    DoNotSend = 2,
}

impl TryFrom<u8> for RetainHandling {
    type Error = ValueError;

    fn try_from(value: u8) -> Result<Self, ValueError> {
        match value {
            0 => Ok(Self::SendAtSubscribe),
            1 => Ok(Self::SendAtNewSubscribe),
            2 => Ok(Self::DoNotSend),
            other => Err(ValueError::RetainHandlingOutOfRange(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Quoted;

    #[test]
    fn quoted_escapes_as_debug_does_for_what_messages_meet() {
        // Other characters Debug escapes (combining marks, unassigned code points) stay raw.
        let invisible = "a\u{200b}b\u{202e}c\u{2066}d\u{2028}e\u{feff}";
        for s in [
            "a\0b",
            "say \"hi\" \\ bye",
            "tab\there\r\n",
            "\u{1}\u{7f}",
            "héllo/+/#",
            "",
            invisible,
        ] {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"), "{s:?}");
        }
    }
}
