//! The data representations of MQTT 5.0 section 1.5: integers, variable byte integers, UTF-8
//! strings, binary data and string pairs, read from a bounded cursor and written to a `Vec`.

use super::error::DecodeError;
use super::values::{BinaryData, MqttString, MAX_VARIABLE_BYTE_INTEGER};
use super::PacketType;

/// Reads one packet's body. Every read is bounds-checked: running out is
/// [`DecodeError::UnexpectedEnd`] naming the field, never a panic.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    packet: PacketType,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], packet: PacketType) -> Self {
        Self { bytes, packet }
    }

    pub(crate) fn packet(&self) -> PacketType {
        self.packet
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn end(&self, field: &'static str) -> DecodeError {
        DecodeError::UnexpectedEnd { packet: self.packet, field }
    }

    /// Takes the next `n` bytes.
    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if n > self.bytes.len() {
            return Err(self.end(field));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    /// Takes everything that is left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }

    /// A reader over the next `n` bytes, which this one skips.
    pub(crate) fn sub(&mut self, n: usize, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        Ok(Reader::new(self.take(n, field)?, self.packet))
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, field)?;
        bytes.try_into().map_err(|_| self.end(field))
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        let (&first, tail) = self.bytes.split_first().ok_or_else(|| self.end(field))?;
        self.bytes = tail;
        Ok(first)
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn variable_byte_integer(
        &mut self,
        field: &'static str,
    ) -> Result<u32, DecodeError> {
        match read_variable_byte_integer(self.bytes)? {
            Some((value, len)) => {
                self.bytes = self.bytes.get(len..).unwrap_or_default();
                Ok(value)
            }
            None => Err(self.end(field)),
        }
    }

    pub(crate) fn binary(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u16(field)?;
        self.take(usize::from(len), field)
    }

    pub(crate) fn str(&mut self, field: &'static str) -> Result<&'a str, DecodeError> {
        let bytes = self.binary(field)?;
        let s = std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 { field })?;
        if s.contains('\0') {
            return Err(DecodeError::NullCharacter { field });
        }
        Ok(s)
    }

    pub(crate) fn string(&mut self, field: &'static str) -> Result<MqttString, DecodeError> {
        let s = self.str(field)?;
        // The length came from a u16 and NUL was just rejected, so the checks cannot fail.
        MqttString::new(s).map_err(|_| DecodeError::NullCharacter { field })
    }

    pub(crate) fn binary_data(&mut self, field: &'static str) -> Result<BinaryData, DecodeError> {
        let bytes = self.binary(field)?;
        BinaryData::new(bytes).map_err(|_| self.end(field))
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes { packet: self.packet, extra: self.bytes.len() })
        }
    }
}

/// Reads a variable byte integer from the front of `bytes`: `Ok(None)` when `bytes` ends before
/// it does, otherwise the value and how many bytes it took. Rejects a fifth byte and encodings
/// longer than the value needs [MQTT-1.5.5-1].
pub(crate) fn read_variable_byte_integer(
    bytes: &[u8],
) -> Result<Option<(u32, usize)>, DecodeError> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(4) {
        value |= u32::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            let len = i + 1;
            if len > 1 && byte == 0 {
                return Err(DecodeError::NonMinimalVariableByteInteger { value });
            }
            return Ok(Some((value, len)));
        }
    }
    if bytes.len() >= 4 {
        Err(DecodeError::VariableByteIntegerTooLong)
    } else {
        Ok(None)
    }
}

/// Bytes the variable byte integer encoding of `value` takes.
pub(crate) const fn variable_byte_integer_len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Writes `value` as a variable byte integer. Values above 268,435,455 never reach here:
/// callers bound them first (lengths are checked against the Remaining Length ceiling).
pub(crate) fn put_variable_byte_integer(out: &mut Vec<u8>, value: u32) {
    let mut value = value.min(MAX_VARIABLE_BYTE_INTEGER);
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

pub(crate) fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Writes two-byte-length-prefixed bytes; `bytes` is at most 65,535 long by construction of
/// every type that reaches here ([`MqttString`], [`BinaryData`], topics).
pub(crate) fn put_binary(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    put_u16(out, len);
    out.extend_from_slice(bytes.get(..usize::from(len)).unwrap_or(bytes));
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_binary(out, s.as_bytes());
}

/// Bytes a length-prefixed string or binary field of `len` bytes takes.
pub(crate) const fn field_len(len: usize) -> usize {
    2 + len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_byte_integer_boundaries_round_trip_in_the_fewest_bytes() {
        let cases: &[(u32, &[u8])] = &[
            (0, &[0x00]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ];
        for &(value, bytes) in cases {
            let mut out = Vec::new();
            put_variable_byte_integer(&mut out, value);
            assert_eq!(out, bytes, "encoding {value}");
            assert_eq!(variable_byte_integer_len(value), bytes.len());
            assert_eq!(read_variable_byte_integer(bytes), Ok(Some((value, bytes.len()))));
        }
    }

    #[test]
    fn variable_byte_integer_rejects_five_bytes_and_padding() {
        // [MQTT-1.5.5-1]: at most four bytes, and the fewest that can hold the value.
        assert_eq!(
            read_variable_byte_integer(&[0x80, 0x80, 0x80, 0x80, 0x01]),
            Err(DecodeError::VariableByteIntegerTooLong)
        );
        assert_eq!(
            read_variable_byte_integer(&[0x80, 0x00]),
            Err(DecodeError::NonMinimalVariableByteInteger { value: 0 })
        );
        assert_eq!(
            read_variable_byte_integer(&[0xFF, 0x80, 0x00]),
            Err(DecodeError::NonMinimalVariableByteInteger { value: 127 })
        );
    }

    #[test]
    fn variable_byte_integer_cut_short_needs_more_bytes() {
        assert_eq!(read_variable_byte_integer(&[]), Ok(None));
        assert_eq!(read_variable_byte_integer(&[0x80, 0x80, 0x80]), Ok(None));
    }

    #[test]
    fn strings_reject_nul_invalid_utf8_and_encoded_surrogates() {
        let read = |bytes: &[u8]| Reader::new(bytes, PacketType::Publish).string("topic");
        assert_eq!(read(&[0, 2, b'a', 0]), Err(DecodeError::NullCharacter { field: "topic" }));
        assert_eq!(read(&[0, 1, 0xFF]), Err(DecodeError::InvalidUtf8 { field: "topic" }));
        // U+D800 encoded as UTF-8 (ED A0 80) is not well-formed [MQTT-1.5.4-1].
        assert_eq!(
            read(&[0, 3, 0xED, 0xA0, 0x80]),
            Err(DecodeError::InvalidUtf8 { field: "topic" })
        );
        // U+FEFF is kept, not skipped as a byte order mark [MQTT-1.5.4-3].
        assert_eq!(read(&[0, 3, 0xEF, 0xBB, 0xBF]).unwrap().as_str(), "\u{FEFF}");
        assert_eq!(
            read(&[0, 3, b'a']),
            Err(DecodeError::UnexpectedEnd { packet: PacketType::Publish, field: "topic" })
        );
    }
}
