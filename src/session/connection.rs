//! State that lives and dies with one transport: the decoder, negotiated limits, topic alias
//! tables and keep alive. Nothing here survives a reconnect.

use std::time::Duration;

use crate::codec::{ProtocolVersion, StreamDecoder, MAX_PACKET_SIZE};

use super::alias::{IncomingAliases, OutgoingAliases};
use super::event::ServerLimits;
use super::time::Instant;

#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) decoder: StreamDecoder,
    pub(crate) limits: ServerLimits,
    /// When we last wrote a packet: keep alive counts from here [MQTT-3.1.2-20].
    pub(crate) last_sent: Instant,
    /// Keep alive in force; zero turns it off.
    pub(crate) keep_alive: Duration,
    /// How long a PINGREQ may wait for its PINGRESP.
    pub(crate) ping_timeout: Duration,
    /// Set while a PINGREQ waits for its PINGRESP.
    pub(crate) ping_deadline: Option<Instant>,
    pub(crate) aliases_out: OutgoingAliases,
    pub(crate) aliases_in: IncomingAliases,
    /// When CONNACK accepted the connection.
    pub(crate) connected_at: Option<Instant>,
    /// A re-authentication is in progress.
    pub(crate) reauthenticating: bool,
}

impl Connection {
    /// A new transport: nothing negotiated yet.
    pub(crate) fn new(
        now: Instant,
        version: ProtocolVersion,
        our_maximum_packet_size: Option<u32>,
        our_topic_alias_maximum: u16,
    ) -> Self {
        Self {
            decoder: StreamDecoder::new(
                version,
                our_maximum_packet_size.unwrap_or(MAX_PACKET_SIZE),
            ),
            limits: ServerLimits::default(),
            last_sent: now,
            keep_alive: Duration::ZERO,
            ping_timeout: Duration::ZERO,
            ping_deadline: None,
            aliases_out: OutgoingAliases::new(0),
            aliases_in: IncomingAliases::new(our_topic_alias_maximum),
            connected_at: None,
            reauthenticating: false,
        }
    }

    /// When the next keep alive action is due: a PINGREQ, or giving up on a PINGRESP.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        if self.connected_at.is_none() || self.keep_alive.is_zero() {
            return None;
        }
        Some(self.ping_deadline.unwrap_or_else(|| self.last_sent.after(self.keep_alive)))
    }

    /// Whether a PINGREQ is due at `now`.
    pub(crate) fn ping_due(&self, now: Instant) -> bool {
        self.connected_at.is_some()
            && !self.keep_alive.is_zero()
            && self.ping_deadline.is_none()
            && now >= self.last_sent.after(self.keep_alive)
    }

    /// Whether the PINGRESP is overdue at `now`.
    pub(crate) fn ping_overdue(&self, now: Instant) -> bool {
        self.ping_deadline.is_some_and(|d| now >= d)
    }
}
