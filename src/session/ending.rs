//! Ending a session on the user's word: at once with DISCONNECT, once what is in flight is
//! acknowledged (MQTT.js's `end()`), or without DISCONNECT, so that the server publishes the
//! will (MQTT.js's `end(true)`).

use crate::codec::{Disconnect, DisconnectProperties, Packet, ReasonCode};

use super::error::{CloseReason, UsageError};
use super::event::Event;
use super::time::Instant;
use super::{handshake, Session, State, Transmit};

/// The DISCONNECT that [`Session::disconnect_when_done`] holds back, and until when.
#[derive(Debug)]
pub(crate) struct Ending {
    reason: ReasonCode,
    properties: DisconnectProperties,
    /// A server that never acknowledges does not keep the session open for ever.
    pub(crate) deadline: Instant,
}

impl Session {
    /// Ends the session: DISCONNECT with `reason` and `properties` (MQTT 5), close, no
    /// reconnect. Under 3.x only Normal disconnection without properties can be sent.
    pub fn disconnect(
        &mut self,
        now: Instant,
        reason: ReasonCode,
        properties: DisconnectProperties,
    ) -> Result<(), UsageError> {
        handshake::validate_disconnect(&self.options, reason, &properties)?;
        self.ending = None;
        let properties_expiry = properties.session_expiry_interval;
        if self.ended && self.state == State::Idle {
            return Ok(());
        }
        if self.state == State::Connected {
            let packet = Packet::Disconnect(Disconnect { reason_code: reason, properties });
            // A DISCONNECT too large for the server is sent without its properties.
            if self.send(now, &packet).is_err() {
                let _ = self.send(
                    now,
                    &Packet::Disconnect(Disconnect { reason_code: reason, ..Default::default() }),
                );
            }
        }
        if let Some(expiry) = properties_expiry {
            self.session_expiry = expiry;
        }
        self.close_by_client();
        Ok(())
    }

    /// Ends the session once what is in flight is acknowledged, as MQTT.js's `end()` does:
    /// QoS 1 and 2 publishes, SUBSCRIBE and UNSUBSCRIBE, sent or held back by the server's
    /// Receive Maximum, get their acknowledgements first; then DISCONNECT with `reason` and
    /// `properties`. Meanwhile new commands are refused ([`UsageError::Ending`]). If the
    /// connection is lost first, the session ends then, without reconnecting. It waits at most
    /// the connect timeout (the time a server is given to answer): what is still in flight
    /// then is reported as the end of the session reports it. When nothing is in flight, or
    /// no connection is up, it is [`disconnect`](Self::disconnect).
    pub fn disconnect_when_done(
        &mut self,
        now: Instant,
        reason: ReasonCode,
        properties: DisconnectProperties,
    ) -> Result<(), UsageError> {
        handshake::validate_disconnect(&self.options, reason, &properties)?;
        if self.state == State::Connected && !self.nothing_in_flight() {
            // Asked again: the new DISCONNECT, the first deadline (repeated calls must not
            // put the end off).
            let deadline = match &self.ending {
                Some(ending) => ending.deadline,
                None => now.after(self.options.connect_timeout),
            };
            self.ending = Some(Box::new(Ending { reason, properties, deadline }));
            return Ok(());
        }
        self.disconnect(now, reason, properties)
    }

    /// Ends the session without DISCONNECT: the transport is closed, so the server publishes
    /// the will message [MQTT-3.1.2-8], as after MQTT.js's `end(true)`. No reconnect.
    pub fn abort(&mut self) {
        self.ending = None;
        if self.ended && self.state == State::Idle {
            return;
        }
        self.close_by_client();
    }

    /// Whether the session waits for acknowledgements before its DISCONNECT.
    pub fn is_ending(&self) -> bool {
        self.ending.is_some()
    }

    /// Refuses commands once the session is ended or ending.
    pub(crate) fn check_open(&self) -> Result<(), UsageError> {
        if self.ended {
            Err(UsageError::Ended)
        } else if self.ending.is_some() {
            Err(UsageError::Ending)
        } else {
            Ok(())
        }
    }

    /// Sends the DISCONNECT that [`Session::disconnect_when_done`] held back, once the last
    /// acknowledgement is in (or the last held-back message expired), or its deadline passed.
    pub(crate) fn finish_ending(&mut self, now: Instant) {
        let Some(ending) = &self.ending else { return };
        let due = now >= ending.deadline || self.nothing_in_flight();
        if self.state != State::Connected || !due {
            return;
        }
        if let Some(ending) = self.ending.take() {
            // Checked when it was asked for; the options have not changed since.
            let _ = self.disconnect(now, ending.reason, ending.properties);
        }
    }

    fn nothing_in_flight(&self) -> bool {
        self.outgoing.inflight_len() == 0
            && self.outgoing.queued_len() == 0
            && self.control_inflight.is_empty()
            && self.control_queue.is_empty()
    }

    /// Closes what connection there is, reports it, and ends the session.
    fn close_by_client(&mut self) {
        if self.conn.take().is_some() || matches!(self.state, State::Opening { .. }) {
            self.push_transmit(Transmit::Close);
        }
        // A connection (or an attempt at one) ends here; waiting to reconnect is not one.
        let was_active = matches!(
            self.state,
            State::Opening { .. } | State::Handshake { .. } | State::Connected
        );
        self.state = State::Idle;
        if was_active {
            self.events.push_back(Event::Closed {
                reason: CloseReason::ClientDisconnected,
                reconnect_at: None,
            });
        }
        if !self.ended {
            self.end_session();
        }
    }
}
