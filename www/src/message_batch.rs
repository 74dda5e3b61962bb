//! The stored form of a frame's messages: one byte string per batch, so that a frame of
//! arrivals costs one IndexedDB write of one buffer instead of one structured object per
//! message (at 5,000 messages a second the per-object writes took a tenth of the page's time).
//!
//! Each record, little-endian: seq (u64), flags (u8: bit 0 received, bit 1 retain, bits 2–3
//! QoS), time in milliseconds (f64), then topic, payload and the property count (u32 lengths)
//! followed by each property's label and value. Reading checks every length: bytes that do not
//! read back (another version's, or damaged) give `None`, never a panic.

use wasmqtt::codec::QoS;

use crate::model::{Direction, MessageRecord};

/// The records as one byte string.
pub fn encode(records: &[MessageRecord]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(records.iter().map(|m| 40 + m.topic.len() + m.payload.len()).sum());
    for m in records {
        out.extend_from_slice(&m.seq.to_le_bytes());
        let received = u8::from(m.direction == Direction::Received);
        out.push(received | u8::from(m.retain) << 1 | (m.qos as u8) << 2);
        out.extend_from_slice(&m.time_ms.to_le_bytes());
        put(&mut out, m.topic.as_bytes());
        put(&mut out, &m.payload);
        out.extend_from_slice(&(m.properties.len() as u32).to_le_bytes());
        for (label, value) in &m.properties {
            put(&mut out, label.as_bytes());
            put(&mut out, value.as_bytes());
        }
    }
    out
}

/// The records of a byte string from [`encode`], or `None` if it does not read back whole.
pub fn decode(bytes: &[u8]) -> Option<Vec<MessageRecord>> {
    let mut reader = Reader(bytes);
    let mut records = Vec::new();
    while !reader.0.is_empty() {
        records.push(reader.record()?);
    }
    Some(records)
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// What is left to read.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_le_bytes(self.array()?) as usize;
        self.take(len)
    }

    fn text(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn record(&mut self) -> Option<MessageRecord> {
        let seq = u64::from_le_bytes(self.array()?);
        let [flags] = self.array()?;
        let time_ms = f64::from_le_bytes(self.array()?);
        let topic = self.text()?;
        let payload = self.bytes()?.to_vec();
        let count = u32::from_le_bytes(self.array()?);
        let mut properties = Vec::new();
        for _ in 0..count {
            properties.push((self.text()?, self.text()?));
        }
        Some(MessageRecord {
            seq,
            direction: if flags & 1 == 1 { Direction::Received } else { Direction::Published },
            topic,
            payload,
            qos: QoS::try_from(flags >> 2 & 3).ok()?,
            retain: flags & 2 == 2,
            time_ms,
            properties,
        })
    }
}
