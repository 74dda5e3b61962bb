//! Decoding a byte stream that arrives in arbitrary pieces (WebSocket frames, TCP reads).

use super::error::DecodeError;
use super::{decode, decode_fixed_header, Decoded, Packet, ProtocolVersion};

/// Buffers bytes as they arrive and yields whole packets.
///
/// A chunk may hold several packets and end inside one; the tail is kept for the next chunk.
/// A packet larger than the maximum packet size is refused as soon as its fixed header has
/// arrived, so a header announcing 256 MB under a 1 KB limit costs no more memory than the
/// bytes actually received. Errors are sticky: a stream that broke the protocol stays broken
/// until [`StreamDecoder::reset`] (a new connection).
#[derive(Debug)]
pub struct StreamDecoder {
    version: ProtocolVersion,
    max_packet_size: u32,
    buf: Vec<u8>,
    start: usize,
    error: Option<DecodeError>,
}

impl StreamDecoder {
    /// A decoder for `version` that refuses packets above `max_packet_size` bytes.
    pub fn new(version: ProtocolVersion, max_packet_size: u32) -> Self {
        Self { version, max_packet_size, buf: Vec::new(), start: 0, error: None }
    }

    /// Forgets buffered bytes and any error, for a new connection.
    pub fn reset(&mut self, version: ProtocolVersion, max_packet_size: u32) {
        *self = Self { buf: std::mem::take(&mut self.buf), ..Self::new(version, max_packet_size) };
        self.buf.clear();
    }

    /// Bytes received but not yet decoded.
    pub fn buffered_len(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Adds received bytes. Fails at once if the packet they start or continue is too large
    /// or has an invalid fixed header.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.buf.extend_from_slice(bytes);
        let pending = self.buf.get(self.start..).unwrap_or_default();
        match decode_fixed_header(pending, self.version, self.max_packet_size) {
            Ok(_) => Ok(()),
            Err(error) => Err(self.fail(error)),
        }
    }

    /// The next whole packet, or `None` until more bytes are fed.
    pub fn next_packet(&mut self) -> Result<Option<Packet>, DecodeError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let pending = self.buf.get(self.start..).unwrap_or_default();
        match decode(pending, self.version, self.max_packet_size) {
            Ok(Decoded::Packet(packet, len)) => {
                self.start += len;
                if self.start == self.buf.len() {
                    self.buf.clear();
                    self.start = 0;
                }
                Ok(Some(packet))
            }
            Ok(Decoded::Partial) => {
                // Keep only the tail, so the buffer never holds more than one partial packet.
                self.buf.drain(..self.start);
                self.start = 0;
                Ok(None)
            }
            Err(error) => Err(self.fail(error)),
        }
    }

    fn fail(&mut self, error: DecodeError) -> DecodeError {
        self.buf = Vec::new();
        self.start = 0;
        self.error = Some(error.clone());
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_with_two_packets_and_a_tail_yields_two_and_keeps_the_tail() {
        let mut d = StreamDecoder::new(ProtocolVersion::V3_1_1, 1024);
        // PINGREQ, PINGRESP, then the first byte of a PINGREQ.
        d.feed(&[0xC0, 0x00, 0xD0, 0x00, 0xC0]).unwrap();
        assert_eq!(d.next_packet(), Ok(Some(Packet::PingReq)));
        assert_eq!(d.next_packet(), Ok(Some(Packet::PingResp)));
        assert_eq!(d.next_packet(), Ok(None));
        assert_eq!(d.buffered_len(), 1);
        d.feed(&[0x00]).unwrap();
        assert_eq!(d.next_packet(), Ok(Some(Packet::PingReq)));
        assert_eq!(d.buffered_len(), 0);
    }

    #[test]
    fn a_huge_announced_packet_is_refused_from_its_header_without_buffering() {
        let mut d = StreamDecoder::new(ProtocolVersion::V5, 1024);
        // PUBLISH announcing 268,435,455 bytes.
        let err = d.feed(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F, b'x']).unwrap_err();
        assert_eq!(err, DecodeError::PacketTooLarge { size: 268_435_460, maximum: 1024 });
        assert_eq!(err.reason_code(), crate::codec::ReasonCode::PacketTooLarge);
        assert_eq!(d.buffered_len(), 0);
        assert!(d.buf.capacity() < 64);
        // Sticky: later bytes are refused too.
        assert_eq!(d.feed(&[0xC0, 0x00]), Err(err));
    }
}
