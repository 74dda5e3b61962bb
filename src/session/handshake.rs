//! Connecting, closing and reconnecting: CONNECT built from the options, CONNACK applied,
//! timeouts, keep alive, and the backoff between attempts.

use std::time::Duration;

use crate::codec::{
    ConnAck, Connect, DisconnectProperties, EncodeError, MqttString, Packet, QoS, ReasonCode,
};

use super::alias::OutgoingAliases;
use super::connection::Connection;
use super::error::{CloseReason, UsageError};
use super::event::{backoff_delay, Connected, Event, ServerLimits};
use super::options::{ClientId, Options};
use super::packet_ids::PacketIds;
use super::time::Instant;
use super::{auth, Rng, Session, State, Transmit};

/// Checks options that cannot work, before anything is sent.
pub(crate) fn validate_options(options: &Options) -> Result<(), UsageError> {
    let version = options.protocol_version;
    if !version.is_v5() {
        if !options.properties.is_empty() {
            return Err(UsageError::NotInVersion { option: "connect properties", version });
        }
        if options.will.as_ref().is_some_and(|w| !w.properties.is_empty()) {
            return Err(UsageError::NotInVersion { option: "will properties", version });
        }
        if options.password.is_some() && options.username.is_none() {
            return Err(UsageError::InvalidOptions(
                "MQTT 3.x does not allow a password without a username".into(),
            ));
        }
        if options.client_id == ClientId::AssignedByServer && !options.clean_start {
            return Err(UsageError::InvalidOptions(
                "MQTT 3.x needs a client id to resume a session (clean: false)".into(),
            ));
        }
    }
    if options.properties.authentication_method.is_some() {
        return Err(UsageError::InvalidOptions(
            "enhanced authentication (authenticationMethod) is not available in this build yet"
                .into(),
        ));
    }
    // A server may refuse the CONNECT with Payload Format Invalid (MQTT 5.0 section 3.1.3.2.3,
    // a CONNACK that says little); the user learns it here, naming the will, instead.
    if options.will.as_ref().is_some_and(|w| {
        !super::payload_matches_format(w.properties.payload_format_indicator, &w.payload)
    }) {
        return Err(UsageError::WillPayloadNotUtf8);
    }
    if options.reconnect.min_delay > options.reconnect.max_delay {
        return Err(UsageError::InvalidOptions(format!(
            "reconnect min delay {} ms is above the max delay {} ms",
            options.reconnect.min_delay.as_millis() as u64,
            options.reconnect.max_delay.as_millis() as u64
        )));
    }
    Ok(())
}

/// The client identifier to start with.
pub(crate) fn initial_client_id(client_id: &ClientId, rng: &mut Rng) -> String {
    match client_id {
        ClientId::Generate => format!("wasmqtt_{:08x}", rng.next_u64() as u32),
        ClientId::AssignedByServer => String::new(),
        ClientId::Fixed(id) => id.to_string(),
    }
}

/// The DISCONNECT reason codes a client may send (MQTT 5.0 section 3.14.2.1, "Sent by").
const CLIENT_DISCONNECT_CODES: &[ReasonCode] = &[
    ReasonCode::Success,
    ReasonCode::DisconnectWithWillMessage,
    ReasonCode::UnspecifiedError,
    ReasonCode::MalformedPacket,
    ReasonCode::ProtocolError,
    ReasonCode::ImplementationSpecificError,
    ReasonCode::TopicNameInvalid,
    ReasonCode::ReceiveMaximumExceeded,
    ReasonCode::TopicAliasInvalid,
    ReasonCode::PacketTooLarge,
    ReasonCode::MessageRateTooHigh,
    ReasonCode::QuotaExceeded,
    ReasonCode::AdministrativeAction,
    ReasonCode::PayloadFormatInvalid,
];

/// Checks a client DISCONNECT.
pub(crate) fn validate_disconnect(
    options: &Options,
    reason: ReasonCode,
    properties: &DisconnectProperties,
) -> Result<(), UsageError> {
    let version = options.protocol_version;
    if !version.is_v5() && (reason != ReasonCode::Success || !properties.is_empty()) {
        return Err(UsageError::NotInVersion {
            option: "disconnect reason code and properties",
            version,
        });
    }
    if !CLIENT_DISCONNECT_CODES.contains(&reason) {
        return Err(UsageError::InvalidProperty {
            property: "reasonCode",
            why: format!("{reason} cannot be sent by a client in DISCONNECT"),
        });
    }
    let connect_expiry = options.properties.session_expiry_interval.unwrap_or(0);
    if connect_expiry == 0 && properties.session_expiry_interval.is_some_and(|e| e > 0) {
        // MQTT 5.0 section 3.14.2.2.2: a protocol error.
        return Err(UsageError::InvalidProperty {
            property: "sessionExpiryInterval",
            why: "cannot become non-zero in DISCONNECT when CONNECT set 0".into(),
        });
    }
    Ok(())
}

/// An encoding failure, as the caller's fault.
pub(crate) fn encode_to_usage(e: EncodeError) -> UsageError {
    match e {
        EncodeError::PacketTooLarge { size, maximum, .. } => {
            UsageError::PacketTooLarge { size, maximum }
        }
        EncodeError::NotInVersion { version, .. } => {
            UsageError::NotInVersion { option: "AUTH", version }
        }
        other => UsageError::InvalidOptions(other.to_string()),
    }
}

impl Session {
    /// Asks the driver for a transport.
    pub(crate) fn start_attempt(&mut self, now: Instant) {
        self.attempt += 1;
        self.failures += 1;
        self.state = State::Opening { deadline: now.after(self.options.connect_timeout) };
        self.push_transmit(Transmit::Open);
        self.events.push_back(Event::Connecting { attempt: self.attempt });
    }

    /// The transport asked for is open: send CONNECT.
    pub fn handle_transport_open(&mut self, now: Instant) {
        let State::Opening { deadline } = self.state else {
            return;
        };
        let props = &self.options.properties;
        self.conn = Some(Connection::new(
            now,
            self.version(),
            props.maximum_packet_size.map(|m| m.get()),
            props.topic_alias_maximum.unwrap_or(0),
        ));
        self.state = State::Handshake { deadline };
        let mut properties = self.options.properties.clone();
        if let Some(authenticator) = &mut self.authenticator {
            match auth::start_properties(authenticator.as_mut()) {
                Ok((method, data)) => {
                    properties.authentication_method = Some(method);
                    properties.authentication_data = data;
                }
                Err(e) => {
                    return self.close_connection(now, CloseReason::AuthenticationFailed(e.0), true)
                }
            }
        }
        let connect = Connect {
            client_id: MqttString::new(self.client_id.clone()).unwrap_or_default(),
            clean_start: self.options.clean_start,
            keep_alive: self.options.keep_alive,
            username: self.options.username.clone(),
            password: self.options.password.clone(),
            will: self.options.will.clone(),
            properties,
        };
        if let Err(e) = self.send(now, &Packet::Connect(Box::new(connect))) {
            self.close_connection(
                now,
                CloseReason::ProtocolViolation {
                    reason: ReasonCode::ImplementationSpecificError,
                    detail: format!("CONNECT cannot be sent: {e}"),
                },
                true,
            );
        }
    }

    /// The transport closed (or failed to open). `code` and `reason` are the WebSocket close
    /// code and reason when there are any.
    pub fn handle_transport_closed(
        &mut self,
        now: Instant,
        code: Option<u16>,
        reason: Option<String>,
    ) {
        if matches!(self.state, State::Opening { .. } | State::Handshake { .. } | State::Connected)
        {
            self.close_connection(now, CloseReason::TransportClosed { code, reason }, false);
        }
    }

    /// A deadline from [`Session::poll_timeout`] has passed: connect timeout, keep alive,
    /// reconnect backoff, message expiry.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.outgoing.drop_expired(now, &mut self.events);
        match self.state {
            State::Opening { deadline } | State::Handshake { deadline } if now >= deadline => {
                let waited = self.options.connect_timeout.as_millis() as u64;
                self.close_connection(now, CloseReason::ConnectTimeout(waited), true);
            }
            State::Backoff { until } if now >= until => self.start_attempt(now),
            State::Connected => self.keep_alive(now),
            _ => {}
        }
        self.finish_ending(now);
    }

    fn keep_alive(&mut self, now: Instant) {
        let Some(conn) = &self.conn else { return };
        if conn.ping_overdue(now) {
            let waited = conn.ping_timeout.as_millis() as u64;
            self.close_connection(now, CloseReason::KeepAliveTimeout(waited), true);
        } else if conn.ping_due(now) && self.send(now, &Packet::PingReq).is_ok() {
            if let Some(conn) = &mut self.conn {
                conn.ping_deadline = Some(now.after(conn.ping_timeout));
            }
        }
    }

    /// A packet while CONNACK is awaited.
    pub(crate) fn handle_handshake_packet(&mut self, now: Instant, packet: Packet) {
        if !matches!(self.state, State::Handshake { .. }) {
            return;
        }
        match packet {
            Packet::ConnAck(connack) => self.handle_connack(now, *connack),
            Packet::Auth(auth) => self.handle_auth(now, auth),
            other => self.protocol_violation(
                now,
                ReasonCode::ProtocolError,
                format!("expected CONNACK, got {:?} [MQTT-3.2.0-1]", other.packet_type()),
            ),
        }
    }

    fn handle_connack(&mut self, now: Instant, connack: ConnAck) {
        if connack.reason_code.is_failure() {
            let reason = CloseReason::Refused {
                reason: connack.reason_code,
                reason_string: connack.properties.reason_string.map(|s| s.into_string()),
                server_reference: connack.properties.server_reference.map(|s| s.into_string()),
            };
            return self.close_connection(now, reason, true);
        }
        if self.options.clean_start && connack.session_present {
            // [MQTT-3.2.2-4]: we asked for a clean start; the server claims a session.
            return self.protocol_violation(
                now,
                ReasonCode::ProtocolError,
                "Session Present is 1 after Clean Start [MQTT-3.2.2-4]".into(),
            );
        }
        if let Some(authenticator) = &mut self.authenticator {
            if let Err(e) = authenticator.finish(connack.properties.authentication_data.as_deref())
            {
                return self.close_connection(now, CloseReason::AuthenticationFailed(e.0), true);
            }
        }
        // The server may shorten or lengthen our session's lifetime.
        self.session_expiry = connack
            .properties
            .session_expiry_interval
            .unwrap_or(self.options.properties.session_expiry_interval.unwrap_or(0));
        if let Some(id) = &connack.properties.assigned_client_identifier {
            self.client_id = id.to_string();
        }
        let limits = self.limits_from(&connack);
        let ping_timeout =
            self.options.ping_timeout.unwrap_or(Duration::from_secs(u64::from(limits.keep_alive)));
        let Some(conn) = &mut self.conn else { return };
        conn.keep_alive = Duration::from_secs(u64::from(limits.keep_alive));
        conn.ping_timeout = ping_timeout;
        conn.aliases_out = OutgoingAliases::new(limits.topic_alias_maximum);
        conn.connected_at = Some(now);
        conn.limits = limits.clone();
        self.state = State::Connected;
        self.requeue_control_inflight(connack.session_present);
        if connack.session_present {
            self.resend_inflight(now);
        } else {
            self.incoming_qos2 = PacketIds::default();
            self.requeue_inflight();
            if self.options.resubscribe {
                self.queue_resubscribe();
            }
        }
        let client_id = self.client_id.clone();
        self.events.push_back(Event::Connected(Box::new(Connected { connack, client_id, limits })));
        self.flush_control(now);
        self.flush_queue(now);
    }

    fn limits_from(&self, connack: &ConnAck) -> ServerLimits {
        let p = &connack.properties;
        let defaults = ServerLimits::default();
        ServerLimits {
            keep_alive: p.server_keep_alive.unwrap_or(self.options.keep_alive),
            receive_maximum: p.receive_maximum.map_or(defaults.receive_maximum, |r| r.get()),
            maximum_qos: p.maximum_qos.unwrap_or(QoS::ExactlyOnce),
            retain_available: p.retain_available.unwrap_or(true),
            maximum_packet_size: p.maximum_packet_size,
            topic_alias_maximum: p.topic_alias_maximum.unwrap_or(0),
            wildcard_subscription_available: p.wildcard_subscription_available.unwrap_or(true),
            subscription_identifiers_available: p
                .subscription_identifiers_available
                .unwrap_or(true),
            shared_subscription_available: p.shared_subscription_available.unwrap_or(true),
        }
    }

    /// Closes after sending DISCONNECT with `code` where MQTT 5 allows it.
    pub(crate) fn close_with_disconnect(
        &mut self,
        now: Instant,
        code: ReasonCode,
        reason: CloseReason,
    ) {
        if self.version().is_v5() && self.state == State::Connected {
            let disconnect = crate::codec::Disconnect { reason_code: code, ..Default::default() };
            let _ = self.send(now, &Packet::Disconnect(disconnect));
        }
        self.close_connection(now, reason, true);
    }

    /// Ends the current connection: close the transport if asked, report, and schedule the
    /// next attempt as the reconnect policy says.
    pub(crate) fn close_connection(
        &mut self,
        now: Instant,
        reason: CloseReason,
        close_transport: bool,
    ) {
        let conn = self.conn.take();
        if close_transport && (conn.is_some() || matches!(self.state, State::Opening { .. })) {
            self.push_transmit(Transmit::Close);
        } else if !close_transport {
            // The transport is gone: what was written for it must not reach the next one,
            // whose first packet is CONNECT [MQTT-3.1.0-1].
            self.send_buf.clear();
            self.transmits.retain(|t| !matches!(t, Transmit::Bytes(_)));
        }
        let stable = conn
            .and_then(|c| c.connected_at)
            .is_some_and(|at| now.since(at) >= self.options.reconnect.stable_after);
        if stable {
            self.failures = 0;
        }
        // Lost while waiting to end: ended now, not reconnected to finish.
        let was_ending = self.ending.take().is_some();
        let policy = &self.options.reconnect;
        let gives_up = self.ended
            || was_ending
            || !policy.enabled
            || (reason.is_permanent_refusal() && !policy.retry_permanent_refusals)
            || policy.max_attempts.is_some_and(|max| self.failures >= max);
        let reconnect_at = if gives_up {
            None
        } else {
            let jitter = self.rng.next_f64();
            let delay =
                backoff_delay(policy.min_delay, policy.max_delay, self.failures.max(1), jitter);
            Some(now.after(delay))
        };
        self.state = reconnect_at.map_or(State::Idle, |until| State::Backoff { until });
        self.events.push_back(Event::Closed { reason, reconnect_at });
        if gives_up && !self.ended {
            self.end_session();
        }
    }

    /// No more reconnects: what can never be delivered is reported, and commands are refused
    /// until `connect` starts again. A session the server keeps (Session Expiry) keeps its
    /// messages for that next `connect`.
    pub(crate) fn end_session(&mut self) {
        self.ended = true;
        if !self.session_outlives_connection() {
            self.outgoing.fail_all(&mut self.events);
            self.incoming_qos2 = PacketIds::default();
        }
        self.events.push_back(Event::Ended);
    }
}
