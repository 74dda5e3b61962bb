//! The session's state as bytes, so a page can keep it across a reload (the browser layer puts
//! them in IndexedDB): unacknowledged outgoing QoS 1/2 messages and the queue, QoS 2 receive
//! state, the subscriptions the server acknowledged, and the client identifier. Restored into
//! a fresh session before `connect`, with Clean Start false the exchanges complete where they
//! stopped.
//!
//! Format: `WQS1`, then length-prefixed fields; messages and subscriptions are stored as the
//! MQTT 5 packets that carry them, so restoring runs them through the codec's checks.

use std::time::Duration;

use thiserror::Error;

use crate::codec::primitives::{put_binary, put_u16, put_u32, Reader};
use crate::codec::{
    decode, Decoded, Packet, PacketId, PacketType, ProtocolVersion, Subscribe, MAX_PACKET_SIZE,
};

use super::outgoing::StoredMessage;
use super::packet_ids::PacketIds;
use super::time::Instant;
use super::{Session, State, SubscriptionRecord};

const MAGIC: &[u8; 4] = b"WQS1";

/// Stored state that cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StateError {
    /// The bytes are not a stored session (or from an incompatible version).
    #[error("not a stored wasmqtt session: {0}")]
    Invalid(String),
    /// Restoring needs a session that never connected: nothing in flight, no QoS 2 received.
    #[error("state can only be restored into a fresh session, before connect")]
    NotFresh,
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    put_u32(out, (v >> 32) as u32);
    put_u32(out, v as u32);
}

fn put_packet(out: &mut Vec<u8>, packet: &Packet) {
    let mut bytes = Vec::new();
    let _ = packet.encode(ProtocolVersion::V5, &mut bytes);
    put_u32(out, u32::try_from(bytes.len()).unwrap_or(0));
    out.extend_from_slice(&bytes);
}

fn invalid(e: impl std::fmt::Display) -> StateError {
    StateError::Invalid(e.to_string())
}

fn read_u64(r: &mut Reader<'_>) -> Result<u64, StateError> {
    let hi = r.u32("u64").map_err(invalid)?;
    let lo = r.u32("u64").map_err(invalid)?;
    Ok(u64::from(hi) << 32 | u64::from(lo))
}

fn read_packet(r: &mut Reader<'_>) -> Result<Packet, StateError> {
    let len = r.u32("packet length").map_err(invalid)?;
    let bytes = r.take(len as usize, "packet").map_err(invalid)?;
    match decode(bytes, ProtocolVersion::V5, MAX_PACKET_SIZE).map_err(invalid)? {
        Decoded::Packet(p, used) if used == bytes.len() => Ok(p),
        _ => Err(StateError::Invalid("a stored packet is cut or padded".into())),
    }
}

impl Session {
    /// The state to keep across a page reload, as of `now` (expiry intervals are stored as
    /// the time left).
    pub fn save_state(&self, now: Instant) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        put_binary(&mut out, self.client_id.as_bytes());
        let messages = self.outgoing.export();
        put_u32(&mut out, u32::try_from(messages.len()).unwrap_or(u32::MAX));
        for m in &messages {
            out.push(m.state);
            put_u64(&mut out, m.seq);
            put_u64(&mut out, m.order);
            // 0: no expiry; otherwise 1 + milliseconds left.
            let left = m
                .expires_at
                .map_or(0, |at| 1 + at.since(now).as_millis().min(u128::from(u32::MAX - 1)) as u32);
            put_u32(&mut out, left);
            put_packet(&mut out, &Packet::Publish(m.publish.clone()));
        }
        let qos2 = self.incoming_qos2_ids();
        put_u32(&mut out, qos2.len() as u32);
        for id in qos2 {
            put_u16(&mut out, id);
        }
        let confirmed: Vec<&SubscriptionRecord> =
            self.subscriptions.values().filter(|r| r.confirmed).collect();
        put_u32(&mut out, confirmed.len() as u32);
        for record in confirmed {
            let subscribe = Subscribe {
                packet_id: PacketId::MIN,
                subscriptions: vec![record.subscription.clone()],
                properties: record.properties.clone(),
            };
            put_packet(&mut out, &Packet::Subscribe(subscribe));
        }
        out
    }

    /// Restores what [`Session::save_state`] saved, into a fresh session before `connect`.
    /// Connect with Clean Start false (and a Session Expiry Interval under MQTT 5) for the
    /// server to resume the exchanges; if it has no session, in-flight messages are sent again
    /// as new ones, as after any lost session. Messages published before the restore (an
    /// application that publishes while the stored state is still being read) stay queued,
    /// after the restored ones: they are newer.
    pub fn restore_state(&mut self, now: Instant, bytes: &[u8]) -> Result<(), StateError> {
        let fresh = self.state == State::Idle
            && self.outgoing.inflight_len() == 0
            && self.incoming_qos2.len() == 0;
        if !fresh {
            return Err(StateError::NotFresh);
        }
        let Some(rest) = bytes.strip_prefix(MAGIC) else {
            return Err(StateError::Invalid("missing the WQS1 header".into()));
        };
        let mut r = Reader::new(rest, PacketType::Publish);
        let client_id = r.str("client id").map_err(invalid)?.to_owned();
        let count = r.u32("message count").map_err(invalid)?;
        let mut messages = Vec::new();
        for _ in 0..count {
            let state = r.u8("state").map_err(invalid)?;
            let seq = read_u64(&mut r)?;
            let order = read_u64(&mut r)?;
            let left = r.u32("expiry").map_err(invalid)?;
            let expires_at =
                (left > 0).then(|| now.after(Duration::from_millis(u64::from(left - 1))));
            let Packet::Publish(publish) = read_packet(&mut r)? else {
                return Err(StateError::Invalid("a stored message is not a PUBLISH".into()));
            };
            if state > 3 || (state > 0 && publish.delivery.packet_id().is_none()) {
                return Err(StateError::Invalid(format!(
                    "message state {state} does not fit its QoS"
                )));
            }
            messages.push(StoredMessage { seq, order, state, publish, expires_at });
        }
        let mut qos2 = Vec::new();
        for _ in 0..r.u32("QoS 2 count").map_err(invalid)? {
            qos2.push(
                PacketId::new(r.u16("QoS 2 id").map_err(invalid)?)
                    .ok_or_else(|| invalid("QoS 2 id 0"))?,
            );
        }
        let mut subscriptions = Vec::new();
        for _ in 0..r.u32("subscription count").map_err(invalid)? {
            let Packet::Subscribe(s) = read_packet(&mut r)? else {
                return Err(StateError::Invalid("a stored subscription is not a SUBSCRIBE".into()));
            };
            subscriptions.push(s);
        }
        r.finish().map_err(invalid)?;
        // Checked whole: now apply.
        self.client_id = client_id;
        let mut next = self.next_request;
        self.outgoing.import(messages, || {
            next += 1;
            super::RequestId(next - 1)
        });
        self.next_request = next;
        for id in qos2 {
            self.incoming_qos2.mark(id);
        }
        for s in subscriptions {
            for subscription in s.subscriptions {
                let filter = subscription.filter.as_str().to_owned();
                let record = SubscriptionRecord {
                    subscription,
                    properties: s.properties.clone(),
                    confirmed: true,
                };
                self.subscriptions.insert(filter, record);
            }
        }
        Ok(())
    }

    /// The packet identifiers of the QoS 2 messages received and not yet released by PUBREL,
    /// ascending. This part of [`Session::save_state`] may also be kept apart, by a host that
    /// can store it in the same step as it delivers the messages (the browser's synchronous
    /// `localStorage`), so that a message is never both delivered and forgotten.
    pub fn incoming_qos2_ids(&self) -> Vec<u16> {
        self.incoming_qos2.ids().collect()
    }

    /// Replaces the QoS 2 receive state with `ids` (from [`Session::incoming_qos2_ids`] kept
    /// apart, newer than what [`Session::restore_state`] read), before `connect`.
    pub fn restore_incoming_qos2(&mut self, ids: &[u16]) -> Result<(), StateError> {
        if self.state != State::Idle {
            return Err(StateError::NotFresh);
        }
        let mut restored = PacketIds::default();
        for &id in ids {
            restored.mark(PacketId::new(id).ok_or_else(|| invalid("QoS 2 id 0"))?);
        }
        self.incoming_qos2 = restored;
        Ok(())
    }
}
