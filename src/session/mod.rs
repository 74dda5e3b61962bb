//! The sans-IO MQTT client session: every protocol rule of the client side, with no socket,
//! timer or clock inside.
//!
//! Inputs carry `now`: [`Session::handle_transport_open`], [`Session::handle_bytes`],
//! [`Session::handle_transport_closed`], [`Session::handle_timeout`]. Commands:
//! [`Session::connect`], [`Session::publish`], [`Session::subscribe`],
//! [`Session::unsubscribe`], [`Session::disconnect`] (also [`Session::disconnect_when_done`],
//! [`Session::abort`]). Outputs are polled:
//! [`Session::poll_transmit`] (open, bytes, close), [`Session::poll_timeout`] (the one deadline
//! the driver arms) and [`Session::poll_event`].
//!
//! ```text
//!            connect()                transport open           CONNACK ok
//!   Idle ─────────────────▶ Opening ─────────────────▶ Handshake ─────────────▶ Connected
//!    ▲                        ▲  │ timeout / closed        │ refused / timeout     │ lost
//!    │ disconnect()           │  ▼                         ▼                       ▼
//!  Ended ◀─── permanent ─── Backoff ◀──────────────────────────────────────────────┘
//! ```
//!
//! State that survives a reconnect (unacknowledged QoS 1/2 messages, QoS 2 receive state,
//! packet identifiers, subscriptions) lives in [`Session`]; state that dies with the socket
//! (negotiated limits, topic aliases, keep alive) lives in `Connection`, so "aliases do not
//! survive a connection" holds by construction.

mod alias;
mod auth;
mod connection;
mod ending;
mod error;
mod event;
mod handshake;
mod incoming;
mod options;
mod outgoing;
mod packet_ids;
mod persist;
mod subscriptions;
mod time;

use std::collections::VecDeque;

pub use auth::{AuthError, Authenticator};
pub use error::{CloseReason, PublishError, UsageError};
pub use event::{Connected, Event, Message, RequestId, ServerLimits, SubscribeResult};
pub use options::{ClientId, Options, QueueLimits, Reconnect};
pub use outgoing::PublishRequest;
pub use persist::StateError;
pub use time::Instant;

use crate::codec::{
    Packet, PacketId, ProtocolVersion, SubscribeProperties, Subscription, UnsubscribeProperties,
};
use crate::topic::TopicFilter;
use connection::Connection;
use outgoing::Outgoing;
use packet_ids::PacketIds;

/// What the driver must do with the transport, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transmit {
    /// Open a new transport (WebSocket, TCP) and report it with `handle_transport_open`.
    Open,
    /// Write these bytes: one or more whole packets, coalesced.
    Bytes(Vec<u8>),
    /// Close the transport. Report nothing more from it afterwards.
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not started, or ended.
    Idle,
    /// Asked the driver to open a transport.
    Opening { deadline: Instant },
    /// CONNECT sent, waiting for CONNACK (and AUTH steps).
    Handshake { deadline: Instant },
    /// CONNACK accepted.
    Connected,
    /// Waiting to reconnect.
    Backoff { until: Instant },
}

/// A SUBSCRIBE or UNSUBSCRIBE the user asked for, until its acknowledgement.
#[derive(Debug, Clone)]
enum ControlRequest {
    Subscribe {
        id: RequestId,
        subscriptions: Vec<Subscription>,
        properties: SubscribeProperties,
    },
    Unsubscribe {
        id: RequestId,
        filters: Vec<TopicFilter>,
        properties: UnsubscribeProperties,
    },
    /// A resubscribe the session made itself after a session was lost.
    Resubscribe {
        subscriptions: Vec<Subscription>,
        properties: SubscribeProperties,
    },
}

/// A subscription as remembered for resubscribing and local dispatch.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SubscriptionRecord {
    subscription: Subscription,
    properties: SubscribeProperties,
    /// The server acknowledged it: it is resubscribed after a lost session. Until then its
    /// own SUBSCRIBE (queued or in flight) is what makes it.
    confirmed: bool,
}

/// Subscriptions made, by filter, in the order first made. A list: there are few, and a
/// tree map would cost more wasm than it saves time.
#[derive(Debug, Default)]
struct Subscriptions(Vec<(String, SubscriptionRecord)>);

impl Subscriptions {
    fn insert(&mut self, filter: String, record: SubscriptionRecord) {
        match self.0.iter_mut().find(|(f, _)| *f == filter) {
            Some((_, existing)) => *existing = record,
            None => self.0.push((filter, record)),
        }
    }

    fn remove(&mut self, filter: &str) {
        self.0.retain(|(f, _)| f != filter);
    }

    fn get_mut(&mut self, filter: &str) -> Option<&mut SubscriptionRecord> {
        self.0.iter_mut().find(|(f, _)| f == filter).map(|(_, r)| r)
    }

    fn values(&self) -> impl Iterator<Item = &SubscriptionRecord> {
        self.0.iter().map(|(_, r)| r)
    }
}

/// A small deterministic generator (xorshift64*) seeded by the driver: client identifiers and
/// backoff jitter.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in 0..1.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An MQTT client session. See the [module documentation](self).
#[derive(Debug)]
pub struct Session {
    options: Options,
    client_id: String,
    rng: Rng,
    state: State,
    /// Per-connection state; `Some` from transport open until the connection ends.
    conn: Option<Connection>,
    outgoing: Outgoing,
    /// QoS 2 packet ids received, PUBREC sent, PUBREL not yet received.
    incoming_qos2: PacketIds,
    /// SUBSCRIBE / UNSUBSCRIBE sent, by packet id, until acknowledged.
    control_inflight: Vec<(PacketId, ControlRequest)>,
    /// SUBSCRIBE / UNSUBSCRIBE waiting for a connection.
    control_queue: VecDeque<ControlRequest>,
    /// Subscriptions made, by filter.
    subscriptions: Subscriptions,
    transmits: VecDeque<Transmit>,
    send_buf: Vec<u8>,
    events: VecDeque<Event>,
    next_request: u64,
    /// Connection attempts since `connect` (1 is the first; more are reconnects).
    attempt: u32,
    /// Attempts since the last connection that stayed up: drives the backoff.
    failures: u32,
    /// Whether the user has ended the session.
    ended: bool,
    /// The DISCONNECT that [`Session::disconnect_when_done`] holds back until nothing is in
    /// flight. Boxed: it is rare, and the properties are large.
    ending: Option<Box<ending::Ending>>,
    /// The enhanced authentication method, if any.
    authenticator: Option<Box<dyn Authenticator>>,
    /// Session Expiry Interval in force: ours, as the server's CONNACK or our DISCONNECT
    /// last changed it.
    session_expiry: u32,
}

impl Session {
    /// A session with `options`; `seed` feeds the client identifier and backoff jitter
    /// (the browser driver draws it from `crypto.getRandomValues`).
    pub fn new(options: Options, seed: u64) -> Result<Self, UsageError> {
        handshake::validate_options(&options)?;
        let mut rng = Rng::new(seed);
        let client_id = handshake::initial_client_id(&options.client_id, &mut rng);
        let session_expiry = options.properties.session_expiry_interval.unwrap_or(0);
        Ok(Self {
            outgoing: Outgoing::new(options.queue_limits),
            options,
            client_id,
            rng,
            state: State::Idle,
            conn: None,
            incoming_qos2: PacketIds::default(),
            control_inflight: Vec::new(),
            control_queue: VecDeque::new(),
            subscriptions: Subscriptions::default(),
            transmits: VecDeque::new(),
            send_buf: Vec::new(),
            events: VecDeque::new(),
            next_request: 1,
            attempt: 0,
            failures: 0,
            ended: false,
            ending: None,
            authenticator: None,
            session_expiry,
        })
    }

    /// Uses `authenticator` for enhanced authentication (MQTT 5 only): its method goes into
    /// CONNECT, and the session drives it through the AUTH exchange of every connection.
    pub fn set_authenticator(
        &mut self,
        authenticator: Box<dyn Authenticator>,
    ) -> Result<(), UsageError> {
        let version = self.version();
        if !version.is_v5() {
            return Err(UsageError::NotInVersion { option: "enhanced authentication", version });
        }
        self.authenticator = Some(authenticator);
        Ok(())
    }

    /// Turns `PacketSent` / `PacketReceived` events on or off.
    pub fn set_packet_events(&mut self, on: bool) {
        self.options.packet_events = on;
    }

    /// The options in use.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The protocol version.
    pub fn version(&self) -> ProtocolVersion {
        self.options.protocol_version
    }

    /// The client identifier in use (assigned by the server, once it has).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Whether CONNACK accepted the current connection.
    pub fn is_connected(&self) -> bool {
        self.state == State::Connected
    }

    /// Whether the session waits to reconnect or is reconnecting.
    pub fn is_reconnecting(&self) -> bool {
        match self.state {
            State::Backoff { .. } => true,
            State::Opening { .. } | State::Handshake { .. } => self.attempt > 1,
            State::Connected | State::Idle => false,
        }
    }

    /// The topic `alias` stands for on the current connection, as an earlier PUBLISH of ours
    /// mapped it. An MQTT.js program may publish to an empty topic with the alias alone; the
    /// driver finds the topic here and the session sends the alias alone again.
    pub fn topic_for_alias(&self, alias: std::num::NonZeroU16) -> Option<&str> {
        let conn = self.conn.as_ref().filter(|_| self.is_connected())?;
        conn.aliases_out.topic_of(alias)
    }

    /// The limits of the current connection, once connected.
    pub fn server_limits(&self) -> Option<&ServerLimits> {
        self.conn.as_ref().filter(|_| self.is_connected()).map(|c| &c.limits)
    }

    /// Messages accepted but not yet sent, and QoS 1/2 messages sent but not yet acknowledged.
    pub fn queued_messages(&self) -> (usize, usize) {
        (self.outgoing.queued_len(), self.outgoing.inflight_len())
    }

    /// The filters of the subscriptions that match `topic`, for dispatching a message when the
    /// server has no subscription identifiers (shared prefixes are stripped for matching).
    pub fn matching_subscriptions<'a>(
        &'a self,
        topic: &'a crate::topic::TopicName,
    ) -> impl Iterator<Item = &'a TopicFilter> + 'a {
        self.subscriptions
            .values()
            .map(|r| &r.subscription.filter)
            .filter(move |f| f.matches(topic))
    }

    /// Starts connecting (and reconnecting as the policy says). Does nothing while already
    /// connecting or connected.
    pub fn connect(&mut self, now: Instant) {
        self.ended = false;
        self.ending = None;
        if matches!(self.state, State::Idle | State::Backoff { .. }) {
            self.attempt = 0;
            self.failures = 0;
            self.start_attempt(now);
        }
    }

    /// Whether the server keeps our session after the connection closes: Clean Start false
    /// with a non-zero Session Expiry Interval (5.0), or Clean Session false (3.x).
    pub(crate) fn session_outlives_connection(&self) -> bool {
        if self.version().is_v5() {
            self.session_expiry > 0
        } else {
            !self.options.clean_start
        }
    }

    fn next_request_id(&mut self) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        id
    }

    /// The next thing to do with the transport.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        if let Some(t) = self.transmits.pop_front() {
            return Some(t);
        }
        if self.send_buf.is_empty() {
            None
        } else {
            Some(Transmit::Bytes(std::mem::take(&mut self.send_buf)))
        }
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call [`Session::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let state_deadline = match self.state {
            State::Opening { deadline } | State::Handshake { deadline } => Some(deadline),
            State::Backoff { until } => Some(until),
            State::Connected | State::Idle => None,
        };
        let conn_deadline = self.conn.as_ref().and_then(|c| c.next_deadline());
        let expiry = self.outgoing.next_expiry();
        let ending = self.ending.as_ref().map(|e| e.deadline);
        let earliest = time::earliest(time::earliest(state_deadline, conn_deadline), expiry);
        time::earliest(earliest, ending)
    }

    /// Queues a transmit, after any bytes already waiting so that order is kept.
    fn push_transmit(&mut self, t: Transmit) {
        if !self.send_buf.is_empty() {
            self.transmits.push_back(Transmit::Bytes(std::mem::take(&mut self.send_buf)));
        }
        self.transmits.push_back(t);
    }

    /// Encodes `packet` into the send buffer under the connection's limits.
    fn send(&mut self, now: Instant, packet: &Packet) -> Result<(), UsageError> {
        let version = self.version();
        let max = self
            .conn
            .as_ref()
            .and_then(|c| c.limits.maximum_packet_size)
            .map_or(u64::from(crate::codec::MAX_PACKET_SIZE), |m| u64::from(m.get()));
        let size = packet.encoded_len(version).map_err(handshake::encode_to_usage)?;
        if size as u64 > max {
            return Err(UsageError::PacketTooLarge { size: size as u64, maximum: max });
        }
        packet.encode(version, &mut self.send_buf).map_err(handshake::encode_to_usage)?;
        if let Some(conn) = &mut self.conn {
            conn.last_sent = now;
        }
        if self.options.packet_events {
            self.events.push_back(Event::PacketSent(Box::new(packet.clone())));
        }
        Ok(())
    }
}

/// Whether a payload is what its Payload Format Indicator says: with indicator 1 it must be
/// UTF-8 (MQTT 5.0 section 3.3.2.3.2). One rule for what we send, our will and what we receive.
pub(crate) fn payload_matches_format(indicator: Option<bool>, payload: &[u8]) -> bool {
    indicator != Some(true) || std::str::from_utf8(payload).is_ok()
}
