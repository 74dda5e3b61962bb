//! The Rust way in: a [`Session`] driven over a browser WebSocket, for Rust and Leptos apps
//! that use the crate directly instead of the JS class. Commands go to the session through
//! [`Connection::command`] (or the shorthands); every session [`Event`] reaches the callback
//! given to [`Connection::open`]. The same socket and timers as the JS client: binary frames,
//! subprotocol `mqtt` (`mqttv3.1` for 3.1), deadlines from the timer Worker.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::host::{self, Timer};
use super::socket::{SocketEvent, WsSocket};
use crate::codec::{ProtocolVersion, ReasonCode, Subscription};
use crate::session::{
    Authenticator, Event, Instant, Options, PublishRequest, RequestId, Session, Transmit,
    UsageError,
};
use crate::topic::TopicFilter;

/// The callback that receives the session's events.
type Sink = Box<dyn FnMut(Event)>;

/// A session over a browser WebSocket. Dropping it closes the socket and stops its timers.
///
/// ```no_run
/// use std::{cell::RefCell, rc::Rc};
/// use wasmqtt::codec::{QoS, Subscription, SubscriptionOptions};
/// use wasmqtt::session::{Event, Options, PublishRequest};
/// use wasmqtt::topic::{TopicFilter, TopicName};
/// use wasmqtt::wasm::Connection;
///
/// let received = Rc::new(RefCell::new(Vec::new()));
/// let sink = Rc::clone(&received);
/// let connection = Connection::open("ws://127.0.0.1:8083/mqtt", Options::default(), false, move |event| {
///     if let Event::Message(m) = event {
///         sink.borrow_mut().push((m.topic.as_str().to_owned(), m.payload));
///     }
/// })?;
/// // Queued until CONNACK; made again after a reconnect that lost the session.
/// let filter = TopicFilter::new("sensors/#")?;
/// let options = SubscriptionOptions { qos: QoS::AtLeastOnce, ..Default::default() };
/// connection.subscribe(vec![Subscription { filter, options }])?;
/// let topic = TopicName::new("sensors/1")?;
/// connection.publish(PublishRequest { topic, payload: b"21.5".to_vec(), ..Default::default() })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Connection {
    inner: Rc<Inner>,
}

struct Inner {
    session: RefCell<Session>,
    socket: RefCell<Option<WsSocket>>,
    timer: RefCell<Option<Timer>>,
    url: String,
    subprotocol: &'static str,
    /// Taken out while it runs, so that it may call back into the connection.
    sink: RefCell<Option<Sink>>,
    /// A pump is running: a nested one (from the callback) leaves the work to it.
    pumping: Cell<bool>,
}

impl Connection {
    /// Starts connecting to `url` (`ws://` or `wss://`) with `options`; reconnects as the
    /// options say. `on_event` receives every [`Event`], including packet events when
    /// `packet_events` is on.
    pub fn open(
        url: &str,
        options: Options,
        packet_events: bool,
        on_event: impl FnMut(Event) + 'static,
    ) -> Result<Self, UsageError> {
        Self::start(url, Session::new(options, host::random_seed())?, packet_events, on_event)
    }

    /// [`Connection::open`] with enhanced authentication (MQTT 5): `authenticator` runs the
    /// AUTH exchange of every connection, e.g. [`crate::scram::ScramSha256`] seeded with
    /// [`super::random_bytes`].
    pub fn open_with_authenticator(
        url: &str,
        options: Options,
        packet_events: bool,
        authenticator: Box<dyn Authenticator>,
        on_event: impl FnMut(Event) + 'static,
    ) -> Result<Self, UsageError> {
        let mut session = Session::new(options, host::random_seed())?;
        session.set_authenticator(authenticator)?;
        Self::start(url, session, packet_events, on_event)
    }

    fn start(
        url: &str,
        mut session: Session,
        packet_events: bool,
        on_event: impl FnMut(Event) + 'static,
    ) -> Result<Self, UsageError> {
        session.set_packet_events(packet_events);
        let subprotocol =
            if session.version() == ProtocolVersion::V3_1 { "mqttv3.1" } else { "mqtt" };
        let inner = Rc::new(Inner {
            session: RefCell::new(session),
            socket: RefCell::new(None),
            timer: RefCell::new(None),
            url: url.to_owned(),
            subprotocol,
            sink: RefCell::new(Some(Box::new(on_event))),
            pumping: Cell::new(false),
        });
        let connection = Self { inner };
        connection.command(|session, now| session.connect(now));
        Ok(connection)
    }

    /// Runs `f` on the session with the current time, then sends what it produced and
    /// delivers its events. The session must not be borrowed again inside `f`.
    ///
    /// ```no_run
    /// # use wasmqtt::session::Options;
    /// # use wasmqtt::wasm::Connection;
    /// # let connection = Connection::open("ws://127.0.0.1:8083/mqtt", Options::default(), false, |_| {})?;
    /// // Anything the session offers, here a re-authentication (MQTT 5 enhanced auth).
    /// connection.command(|session, now| session.reauthenticate(now))?;
    /// let client_id = connection.with_session(|session| session.client_id().to_owned());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn command<R>(&self, f: impl FnOnce(&mut Session, Instant) -> R) -> R {
        let result = f(&mut self.inner.session.borrow_mut(), host::now());
        pump(&self.inner);
        result
    }

    /// Publishes; the outcome arrives as [`Event::Published`] with the returned id.
    pub fn publish(&self, request: PublishRequest) -> Result<RequestId, UsageError> {
        self.command(|s, now| s.publish(now, request))
    }

    /// Subscribes; the outcome arrives as [`Event::Subscribed`] with the returned id.
    pub fn subscribe(&self, subscriptions: Vec<Subscription>) -> Result<RequestId, UsageError> {
        self.command(|s, now| s.subscribe(now, subscriptions, Default::default()))
    }

    /// Unsubscribes; the outcome arrives as [`Event::Unsubscribed`] with the returned id.
    pub fn unsubscribe(&self, filters: Vec<TopicFilter>) -> Result<RequestId, UsageError> {
        self.command(|s, now| s.unsubscribe(now, filters, Default::default()))
    }

    /// Disconnects normally (no will) and stops reconnecting.
    pub fn disconnect(&self) -> Result<(), UsageError> {
        self.command(|s, now| s.disconnect(now, ReasonCode::Success, Default::default()))
    }

    /// Reads the session: connection state, client id, server limits, queue lengths.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.inner.session.borrow())
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("url", &self.inner.url).finish_non_exhaustive()
    }
}

/// Sends and delivers until the session has nothing more to say, then arms its deadline.
fn pump(inner: &Rc<Inner>) {
    if inner.pumping.replace(true) {
        return;
    }
    loop {
        let (transmits, events) = {
            let mut session = inner.session.borrow_mut();
            let transmits: Vec<Transmit> = std::iter::from_fn(|| session.poll_transmit()).collect();
            let events: Vec<Event> = std::iter::from_fn(|| session.poll_event()).collect();
            (transmits, events)
        };
        if transmits.is_empty() && events.is_empty() {
            break;
        }
        for transmit in transmits {
            perform(inner, transmit);
        }
        let sink = inner.sink.borrow_mut().take();
        if let Some(mut sink) = sink {
            for event in events {
                sink(event);
            }
            *inner.sink.borrow_mut() = Some(sink);
        }
    }
    inner.pumping.set(false);
    arm_timer(inner);
}

fn perform(inner: &Rc<Inner>, transmit: Transmit) {
    match transmit {
        Transmit::Open => {
            let weak = Rc::downgrade(inner);
            match WsSocket::open(&inner.url, inner.subprotocol, move |e| on_socket(&weak, e)) {
                Ok(socket) => {
                    let old = inner.socket.borrow_mut().replace(socket);
                    drop(old);
                }
                Err(e) => {
                    let reason = js_sys::Error::from(e).message().as_string();
                    inner.session.borrow_mut().handle_transport_closed(host::now(), None, reason);
                }
            }
        }
        Transmit::Bytes(bytes) => {
            let ws = inner.socket.borrow().as_ref().map(WsSocket::handle);
            if let Some(Err(e)) = ws.map(|ws| ws.send_with_u8_array(&bytes)) {
                let reason = js_sys::Error::from(e).message().as_string();
                inner.session.borrow_mut().handle_transport_closed(host::now(), None, reason);
            }
        }
        Transmit::Close => {
            let old = inner.socket.borrow_mut().take();
            drop(old);
        }
    }
}

fn on_socket(weak: &Weak<Inner>, event: SocketEvent) {
    let Some(inner) = weak.upgrade() else { return };
    {
        let mut session = inner.session.borrow_mut();
        let now = host::now();
        match event {
            SocketEvent::Open => session.handle_transport_open(now),
            SocketEvent::Bytes(bytes) => session.handle_bytes(now, &bytes),
            SocketEvent::Closed { code, reason } => {
                session.handle_transport_closed(now, code, reason);
            }
        }
    }
    pump(&inner);
}

fn arm_timer(inner: &Rc<Inner>) {
    let deadline = inner.session.borrow().poll_timeout();
    let current = inner.timer.borrow().as_ref().map(|t| t.deadline);
    if host::keep_timer(current, deadline) {
        return;
    }
    let timer = deadline.map(|at| {
        let weak = Rc::downgrade(inner);
        Timer::at(at, move || {
            let Some(inner) = weak.upgrade() else { return };
            inner.timer.borrow_mut().take();
            inner.session.borrow_mut().handle_timeout(host::now());
            pump(&inner);
        })
    });
    let old = std::mem::replace(&mut *inner.timer.borrow_mut(), timer);
    drop(old);
}
