//! The driver: pumps bytes, deadlines and events between the session and the browser. It holds
//! no protocol logic. No `RefCell` borrow is held while calling into JS (listeners, callbacks),
//! so a listener may call back into the client.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{connack_packet, deliver_message, js_key, uint8, Obj};
use super::error;
use super::host::{self, Timer};
use super::socket::{SocketEvent, WsSocket};
use crate::codec::{Packet, ReasonCode, SubscriptionOptions};
use crate::session::{CloseReason, Event, Session, Transmit};

/// How a command completes in JS: a Node-style callback and/or a promise.
#[derive(Default)]
pub(crate) struct Completion {
    pub(crate) callback: Option<Function>,
    pub(crate) promise: Option<(Function, Function)>,
}

impl Completion {
    fn call(self, err: Option<JsValue>, value: JsValue) {
        if let Some(cb) = &self.callback {
            let _ = cb.call2(&JsValue::NULL, &err.clone().unwrap_or(JsValue::NULL), &value);
        }
        if let Some((resolve, reject)) = &self.promise {
            let _ = match err {
                Some(e) => reject.call1(&JsValue::NULL, &e),
                None => resolve.call1(&JsValue::NULL, &value),
            };
        }
    }
}

/// A command waiting for its acknowledgement.
pub(crate) enum Pending {
    Publish(Completion, crate::codec::QoS),
    Subscribe(Completion, Vec<(String, SubscriptionOptions)>),
    Unsubscribe(Completion),
}

/// A `request()` waiting for its response.
pub(crate) struct Waiting {
    pub(crate) resolve: Function,
    pub(crate) reject: Function,
    pub(crate) _timer: Timer,
}

/// A per-subscription `handler`: called for the messages this subscription caused, found by
/// its subscription identifier when the message carries identifiers, else by matching the
/// filter (shared-subscription prefix stripped).
pub(crate) struct Handler {
    pub(crate) filter: crate::topic::TopicFilter,
    pub(crate) subscription_id: Option<u32>,
    pub(crate) f: Function,
}

pub(crate) struct Listener {
    pub(crate) event: String,
    pub(crate) f: Function,
    pub(crate) once: bool,
}

/// The session and its bookkeeping; borrowed only for short, JS-free stretches.
pub(crate) struct Core {
    pub(crate) session: Session,
    pub(crate) pending: HashMap<u64, Pending>,
    pub(crate) end_callbacks: Vec<Completion>,
    pub(crate) connect_waiter: Option<(Function, Function, JsValue)>,
}

/// Everything a client is, shared by the JS handle and the socket and timer callbacks.
pub(crate) struct Shared {
    pub(crate) core: RefCell<Core>,
    socket: RefCell<Option<WsSocket>>,
    timer: RefCell<Option<Timer>>,
    /// Writes waiting for the browser's buffer to drain below the high-water mark.
    pub(crate) outbox: RefCell<std::collections::VecDeque<Vec<u8>>>,
    drain_timer: RefCell<Option<Timer>>,
    /// A drain of the outbox is queued for the end of the current task.
    drain_scheduled: std::cell::Cell<bool>,
    /// `offline` was emitted and no connection has succeeded since.
    offline: std::cell::Cell<bool>,
    /// The IndexedDB store's bookkeeping (the `store` option), with what waits for a write.
    pub(crate) store: super::store::Store,
    pub(crate) listeners: RefCell<Vec<Listener>>,
    /// The `message` listeners as one JS array, made when first needed after a change of
    /// listeners (`None` until then).
    pub(crate) message_listeners: RefCell<Option<Array>>,
    /// JS strings of recent topics: a topic arriving again costs no UTF-8 decode.
    topics: RefCell<HashMap<String, JsValue>>,
    pub(crate) handlers: RefCell<Vec<Handler>>,
    /// `request()`s waiting, by correlation data.
    pub(crate) requests: RefCell<Vec<(Vec<u8>, Waiting)>>,
    /// Response topics `request()` has subscribed to.
    pub(crate) reply_topics: RefCell<Vec<String>>,
    /// The Response Information of the last CONNACK: the base of response topics.
    pub(crate) response_information: RefCell<Option<String>>,
    /// The URLs to connect to, in rotation: `connect`'s, then `servers`.
    pub(crate) urls: Vec<String>,
    /// MQTT.js `transformWsUrl(url, options)`: a string or a promise of one.
    pub(crate) transform_url: Option<Function>,
    /// Counts transport attempts, so that a late `transformWsUrl` answer for an abandoned one
    /// is ignored.
    pub(crate) attempt: std::cell::Cell<u32>,
    pub(crate) options: JsValue,
    subprotocol: &'static str,
}

impl Shared {
    pub(crate) fn new(
        store_key: Option<String>,
        session: Session,
        urls: Vec<String>,
        transform_url: Option<Function>,
        options: JsValue,
    ) -> Rc<Self> {
        let subprotocol = if session.version() == crate::codec::ProtocolVersion::V3_1 {
            "mqttv3.1"
        } else {
            "mqtt"
        };
        Rc::new(Self {
            core: RefCell::new(Core {
                session,
                pending: HashMap::new(),
                end_callbacks: Vec::new(),
                connect_waiter: None,
            }),
            socket: RefCell::new(None),
            timer: RefCell::new(None),
            outbox: RefCell::new(std::collections::VecDeque::new()),
            drain_timer: RefCell::new(None),
            drain_scheduled: std::cell::Cell::new(false),
            offline: std::cell::Cell::new(false),
            store: super::store::Store::new(store_key),
            listeners: RefCell::new(Vec::new()),
            message_listeners: RefCell::new(None),
            topics: RefCell::new(HashMap::new()),
            handlers: RefCell::new(Vec::new()),
            requests: RefCell::new(Vec::new()),
            reply_topics: RefCell::new(Vec::new()),
            response_information: RefCell::new(None),
            urls,
            transform_url,
            attempt: std::cell::Cell::new(u32::MAX),
            options,
            subprotocol,
        })
    }
}

/// Runs the session's outputs until it has nothing more to say, then arms its deadline.
pub(crate) fn pump(shared: &Rc<Shared>) {
    loop {
        let (transmits, events) = {
            let mut core = shared.core.borrow_mut();
            let transmits: Vec<Transmit> =
                std::iter::from_fn(|| core.session.poll_transmit()).collect();
            let events: Vec<Event> = std::iter::from_fn(|| core.session.poll_event()).collect();
            (transmits, events)
        };
        if transmits.is_empty() && events.is_empty() {
            break;
        }
        for t in transmits {
            match t {
                Transmit::Bytes(bytes) if shared.store.writes_ahead() => {
                    super::store::hold(shared, bytes);
                }
                t => perform(shared, t),
            }
        }
        for e in events {
            dispatch(shared, e);
        }
    }
    // Every command ends in a pump, so a message queued while offline is stored at once.
    super::store::save(shared);
    arm_timer(shared);
}

fn perform(shared: &Rc<Shared>, transmit: Transmit) {
    match transmit {
        Transmit::Open => open(shared),
        Transmit::Bytes(bytes) => {
            let full = {
                let mut outbox = shared.outbox.borrow_mut();
                queue_bytes(&mut outbox, bytes);
                outbox.len() > 1
            };
            // A long burst (thousands of publishes in one loop) starts leaving as soon as a
            // message is full: the server works on it while the loop goes on.
            if full && shared.drain_timer.borrow().is_none() {
                drain(shared, Drain::FullMessages);
            }
            schedule_drain(shared);
        }
        Transmit::Close => {
            super::store::release_bytes_for_close(shared);
            // What was written before the close (a DISCONNECT) still goes out, past the mark.
            let held: Vec<Vec<u8>> = shared.outbox.borrow_mut().drain(..).collect();
            if let Some(ws) = shared.socket.borrow().as_ref().map(WsSocket::handle) {
                for bytes in held {
                    let _ = ws.send_with_u8_array(&bytes);
                }
            }
            shared.drain_timer.borrow_mut().take();
            // A transformWsUrl still pending for this attempt must not open a socket later.
            shared.attempt.set(shared.attempt.get().wrapping_add(1));
            let old = shared.socket.borrow_mut().take();
            drop(old);
        }
    }
}

/// Above this many bytes buffered by the browser, writes wait in the outbox.
const HIGH_WATER: u32 = 1 << 20;

/// How often a held-back write checks the browser's buffer again. The browser cannot send the
/// 1 MiB above the mark in less, so the socket never runs dry; polling at once instead kept
/// the timer Worker busy with two messages per check.
const DRAIN_POLL: std::time::Duration = std::time::Duration::from_millis(2);

/// Packets are joined into WebSocket messages of up to this many bytes. mosquitto pays per
/// frame: in the benchmark's QoS 0 self-loop, 16 KiB messages ran at 0.84 and 0.81 of the bare
/// reference (16 B and 1 KiB payloads), 64 KiB at 0.99 and 0.87, 128 KiB at 0.86 and 0.87.
const MESSAGE_BYTES: usize = 64 << 10;

/// Writes wait until the current task's synchronous work is done, so that a burst of publishes
/// leaves in a few WebSocket messages instead of one per packet: a `send` costs far more than
/// its bytes. A WebSocket message may carry several packets: the server must not assume
/// packets are aligned on message boundaries [MQTT-6.0.0-2].
pub(crate) fn schedule_drain(shared: &Rc<Shared>) {
    if shared.drain_scheduled.replace(true) {
        return;
    }
    let weak = Rc::downgrade(shared);
    host::after_this_task(move || {
        let Some(shared) = weak.upgrade() else { return };
        shared.drain_scheduled.set(false);
        if drain(&shared, Drain::All) {
            pump(&shared);
        }
    });
}

/// How much of the outbox a drain may send.
#[derive(Clone, Copy, PartialEq)]
enum Drain {
    /// Everything, at the end of a task.
    All,
    /// Only messages that are full: the last one may still grow within this task.
    FullMessages,
}

/// Hands queued bytes to the WebSocket while the browser's buffer is below the high-water
/// mark. When it is above, checks again on the next timer tick (no fixed wait, unlike
/// MQTT.js's one second past 512 KiB), so a fast producer cannot grow memory without bound.
fn drain(shared: &Rc<Shared>, how: Drain) -> bool {
    let Some(ws) = shared.socket.borrow().as_ref().map(WsSocket::handle) else {
        shared.outbox.borrow_mut().clear();
        return false;
    };
    loop {
        if ws.buffered_amount() > HIGH_WATER {
            let weak = Rc::downgrade(shared);
            let tick = Timer::at(host::now().after(DRAIN_POLL), move || {
                if let Some(shared) = weak.upgrade() {
                    shared.drain_timer.borrow_mut().take();
                    if drain(&shared, Drain::All) {
                        pump(&shared);
                    }
                }
            });
            *shared.drain_timer.borrow_mut() = Some(tick);
            return false;
        }
        // Each queued buffer is one WebSocket message: `queue_bytes` filled it up to its size.
        let message = {
            let mut outbox = shared.outbox.borrow_mut();
            if how == Drain::FullMessages && outbox.len() < 2 {
                return false;
            }
            outbox.pop_front()
        };
        let Some(message) = message else { return false };
        if let Err(e) = ws.send_with_u8_array(&message) {
            shared.outbox.borrow_mut().clear();
            let reason = js_sys::Error::from(e).message().as_string();
            shared.core.borrow_mut().session.handle_transport_closed(host::now(), None, reason);
            return true;
        }
    }
}

/// Appends to the last queued message while it has room: a burst of small packets then waits
/// in a few buffers of [`MESSAGE_BYTES`], not in an allocation per packet (100,000 QoS 0 publishes in one
/// loop held 7.7 MiB of wasm memory that way).
pub(crate) fn queue_bytes(outbox: &mut std::collections::VecDeque<Vec<u8>>, bytes: Vec<u8>) {
    match outbox.back_mut() {
        Some(last) if last.len() + bytes.len() <= MESSAGE_BYTES => last.extend_from_slice(&bytes),
        _ => outbox.push_back(bytes),
    }
}

/// Bytes written but not yet on the wire: the browser's buffer and the outbox.
pub(crate) fn buffered_amount(shared: &Shared) -> f64 {
    let browser = shared.socket.borrow().as_ref().map_or(0, |s| s.handle().buffered_amount());
    let outbox: usize = shared.outbox.borrow().iter().map(Vec::len).sum();
    f64::from(browser) + outbox as f64
}

/// Opens the transport for a new attempt: the next URL in rotation (`servers`), passed
/// through `transformWsUrl`, which may answer with a promise (a presigned URL fetched afresh
/// for every reconnect).
fn open(shared: &Rc<Shared>) {
    let attempt = shared.attempt.get().wrapping_add(1);
    shared.attempt.set(attempt);
    let url =
        shared.urls.get(attempt as usize % shared.urls.len().max(1)).cloned().unwrap_or_default();
    let Some(transform) = &shared.transform_url else { return open_socket(shared, attempt, url) };
    let transformed =
        match transform.call2(&JsValue::NULL, &JsValue::from_str(&url), &shared.options) {
            Ok(v) => v,
            Err(e) => {
                return transport_failed(
                    shared,
                    Some(format!("transformWsUrl threw: {}", error_text(&e))),
                )
            }
        };
    if let Some(url) = transformed.as_string() {
        return open_socket(shared, attempt, url);
    }
    let Ok(promise) = transformed.dyn_into::<js_sys::Promise>() else {
        return transport_failed(
            shared,
            Some("transformWsUrl must return a string or a Promise of one".into()),
        );
    };
    let on_url = {
        let weak = Rc::downgrade(shared);
        Closure::<dyn FnMut(JsValue)>::once_into_js(move |v: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            match v.as_string() {
                Some(url) => open_socket(&shared, attempt, url),
                None => transport_failed(
                    &shared,
                    Some("transformWsUrl resolved to something that is not a string".into()),
                ),
            }
            pump(&shared);
        })
    };
    let on_error = {
        let weak = Rc::downgrade(shared);
        Closure::<dyn FnMut(JsValue)>::once_into_js(move |e: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            if shared.attempt.get() == attempt {
                transport_failed(
                    &shared,
                    Some(format!("transformWsUrl failed: {}", error_text(&e))),
                );
                pump(&shared);
            }
        })
    };
    // `then` called by name: the callbacks are one-shot JS functions that free themselves.
    if let Ok(then) =
        js_sys::Reflect::get(&promise, &"then".into()).and_then(|t| t.dyn_into::<Function>())
    {
        let _ = then.call2(&promise, &on_url, &on_error);
    }
}

fn open_socket(shared: &Rc<Shared>, attempt: u32, url: String) {
    if shared.attempt.get() != attempt {
        return; // this attempt was abandoned (timeout, end) while the URL was on its way
    }
    let weak = Rc::downgrade(shared);
    match WsSocket::open(&url, shared.subprotocol, move |e| on_socket(&weak, e)) {
        Ok(socket) => {
            let old = shared.socket.borrow_mut().replace(socket);
            drop(old);
        }
        Err(e) => transport_failed(shared, Some(error_text(&e))),
    }
}

fn transport_failed(shared: &Shared, reason: Option<String>) {
    shared.core.borrow_mut().session.handle_transport_closed(host::now(), None, reason);
}

pub(crate) fn error_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().and_then(|e| e.message().as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

fn on_socket(weak: &Weak<Shared>, event: SocketEvent) {
    let Some(shared) = weak.upgrade() else { return };
    {
        let mut core = shared.core.borrow_mut();
        let now = host::now();
        match event {
            SocketEvent::Open => core.session.handle_transport_open(now),
            SocketEvent::Bytes(bytes) => core.session.handle_bytes(now, &bytes),
            SocketEvent::Closed { code, reason } => {
                core.session.handle_transport_closed(now, code, reason);
            }
        }
    }
    pump(&shared);
}

fn arm_timer(shared: &Rc<Shared>) {
    let deadline = shared.core.borrow().session.poll_timeout();
    let current = shared.timer.borrow().as_ref().map(|t| t.deadline);
    if host::keep_timer(current, deadline) {
        return;
    }
    let timer = deadline.map(|at| {
        let weak = Rc::downgrade(shared);
        Timer::at(at, move || {
            let Some(shared) = weak.upgrade() else { return };
            shared.timer.borrow_mut().take();
            shared.core.borrow_mut().session.handle_timeout(host::now());
            pump(&shared);
        })
    });
    let old = std::mem::replace(&mut *shared.timer.borrow_mut(), timer);
    drop(old);
}

/// Calls the listeners of `event` (once-listeners are removed first).
pub(crate) fn emit(shared: &Shared, event: &str, args: &[JsValue]) {
    let fs: Vec<Function> = {
        let mut listeners = shared.listeners.borrow_mut();
        let fs = listeners.iter().filter(|l| l.event == event).map(|l| l.f.clone()).collect();
        let before = listeners.len();
        listeners.retain(|l| !(l.once && l.event == event));
        if listeners.len() != before {
            shared.message_listeners.borrow_mut().take();
        }
        fs
    };
    let args: Array = args.iter().collect();
    for f in fs {
        if let Err(e) = f.apply(&JsValue::NULL, &args) {
            // A throwing listener must not break the client, nor vanish: it surfaces as an
            // unhandled rejection, visible in the console and to `unhandledrejection`.
            let _ = js_sys::Promise::reject(&e);
        }
    }
}

fn dispatch(shared: &Rc<Shared>, event: Event) {
    let v5 = shared.core.borrow().session.version().is_v5();
    match event {
        Event::Connecting { attempt } if attempt > 1 => emit(shared, "reconnect", &[]),
        Event::Connecting { .. } => {}
        Event::Connected(c) => {
            shared.offline.set(false);
            let info = c.connack.properties.response_information.as_ref().map(|s| s.to_string());
            *shared.response_information.borrow_mut() = info;
            let connack = connack_packet(&c.connack, v5);
            let waiter = shared.core.borrow_mut().connect_waiter.take();
            emit(shared, "connect", &[connack]);
            if let Some((resolve, _, client)) = waiter {
                let _ = resolve.call1(&JsValue::NULL, &client);
            }
        }
        Event::Message(m) => deliver(shared, &m),
        Event::Published { id, result } => {
            let pending = shared.core.borrow_mut().pending.remove(&id.0);
            if let Some(Pending::Publish(done, qos)) = pending {
                // Like MQTT.js: nothing for QoS 0, the PUBACK for 1, the PUBCOMP for 2.
                let ack = |cmd: &str, code: ReasonCode| {
                    Obj::new().set("cmd", cmd).set("reasonCode", code as u8).build()
                };
                match result {
                    Ok(code) => done.call(
                        None,
                        match qos {
                            crate::codec::QoS::AtMostOnce => JsValue::UNDEFINED,
                            crate::codec::QoS::AtLeastOnce => ack("puback", code),
                            crate::codec::QoS::ExactlyOnce => ack("pubcomp", code),
                        },
                    ),
                    Err(e) => done.call(Some(error::from_publish(&e)), JsValue::UNDEFINED),
                }
            }
        }
        Event::Subscribed { id, results, .. } => {
            if let Some(Pending::Subscribe(done, topics)) =
                shared.core.borrow_mut().pending.remove(&id.0)
            {
                let granted: Array = topics
                    .iter()
                    .zip(results)
                    .map(|((topic, o), r)| {
                        let qos = match r {
                            Ok(q) => q as u8,
                            Err(_) if !v5 => 128,
                            Err(code) => code as u8,
                        };
                        Obj::new()
                            .set("topic", topic.as_str())
                            .set("qos", qos)
                            .set("nl", o.no_local)
                            .set("rap", o.retain_as_published)
                            .set("rh", o.retain_handling as u8)
                            .build()
                    })
                    .collect();
                done.call(None, granted.into());
            }
        }
        Event::Unsubscribed { id, results, .. } => {
            if let Some(Pending::Unsubscribe(done)) = shared.core.borrow_mut().pending.remove(&id.0)
            {
                let codes: Array = results.iter().map(|&c| JsValue::from(c as u8)).collect();
                done.call(
                    None,
                    Obj::new().set("cmd", "unsuback").set("reasonCodes", codes).build(),
                );
            }
        }
        Event::Closed { reason, .. } => closed(shared, reason, v5),
        Event::Ended => {
            let callbacks = std::mem::take(&mut shared.core.borrow_mut().end_callbacks);
            emit(shared, "end", &[]);
            for c in callbacks {
                c.call(None, JsValue::UNDEFINED);
            }
        }
        Event::Reauthenticated => emit(shared, "reauth", &[]),
        Event::SubscriptionLost { filter, reason } => {
            let err = error::subscription_lost(&filter, reason);
            emit(shared, "error", &[err]);
        }
        Event::PacketSent(p) => emit(shared, "packetsend", &[packet_summary(&p)]),
        Event::PacketReceived(p) => emit(shared, "packetreceive", &[packet_summary(&p)]),
    }
}

/// The `request()` waiting for `correlation`, removed.
pub(crate) fn take_request(shared: &Shared, correlation: &[u8]) -> Option<Waiting> {
    let mut requests = shared.requests.borrow_mut();
    let pos = requests.iter().position(|(c, _)| c == correlation)?;
    Some(requests.swap_remove(pos).1)
}

/// Resolves the `request()` whose correlation data `m` carries.
/// Most topics a client keeps as JS strings; past it the cache starts afresh.
const TOPIC_CACHE: usize = 256;

/// The topic as a JS string, from the cache of recent topics.
fn topic_js(shared: &Shared, topic: &str) -> JsValue {
    let mut topics = shared.topics.borrow_mut();
    if let Some(v) = topics.get(topic) {
        return v.clone();
    }
    if topics.len() >= TOPIC_CACHE {
        topics.clear();
    }
    let v = JsValue::from_str(topic);
    topics.insert(topic.to_owned(), v.clone());
    v
}

/// The `message` listeners as one array, or `None` while one of them is a once-listener
/// (the generic `emit` then keeps their order and removes it).
fn message_listeners(shared: &Shared) -> Option<Array> {
    if let Some(a) = shared.message_listeners.borrow().as_ref() {
        return Some(a.clone());
    }
    let listeners = shared.listeners.borrow();
    let mine = || listeners.iter().filter(|l| l.event == "message");
    if mine().any(|l| l.once) {
        return None;
    }
    let array: Array = mine().map(|l| JsValue::from(&l.f)).collect();
    *shared.message_listeners.borrow_mut() = Some(array.clone());
    Some(array)
}

/// A message to the `message` listeners, a waiting `request()` and the subscription
/// handlers. The common case (plain listeners, no request, no handler) is one call into JS.
fn deliver(shared: &Rc<Shared>, m: &crate::session::Message) {
    let topic = topic_js(shared, &m.topic);
    let listeners = message_listeners(shared);
    let packet = deliver_message(listeners.as_ref().unwrap_or(&Array::new()), &topic, m);
    let handlers = matching_handlers(shared, m);
    if listeners.is_some() && handlers.is_empty() && m.properties.correlation_data.is_none() {
        return;
    }
    let payload = Reflect::get(&packet, &js_key("payload")).unwrap_or_default();
    let args = [topic, payload, packet.into()];
    if listeners.is_none() {
        emit(shared, "message", &args);
    }
    answer_request(shared, m, &args);
    let args: Array = args.iter().collect();
    for f in handlers {
        let _ = f.apply(&JsValue::NULL, &args);
    }
}

fn answer_request(shared: &Shared, m: &crate::session::Message, args: &[JsValue; 3]) {
    let Some(correlation) = &m.properties.correlation_data else { return };
    let waiting = take_request(shared, correlation);
    if let Some(w) = waiting {
        let response = Obj::new()
            .set("topic", args[0].clone())
            .set("payload", args[1].clone())
            .set("packet", args[2].clone())
            .build();
        let _ = w.resolve.call1(&JsValue::NULL, &response);
    }
}

fn matching_handlers(shared: &Shared, m: &crate::session::Message) -> Vec<Function> {
    let ids: Vec<u32> = m.properties.subscription_identifiers.iter().map(|i| i.get()).collect();
    shared
        .handlers
        .borrow()
        .iter()
        .filter(|h| match h.subscription_id {
            Some(id) if !ids.is_empty() => ids.contains(&id),
            _ => h.filter.matches(&m.topic),
        })
        .map(|h| h.f.clone())
        .collect()
}

/// `close`, `offline`, and `disconnect` / `error` where they apply; a pending `connectAsync`
/// rejects on the first failure.
fn closed(shared: &Rc<Shared>, reason: CloseReason, v5: bool) {
    if let CloseReason::ServerDisconnected { reason: code, reason_string, server_reference } =
        &reason
    {
        let props = Obj::new()
            .opt("reasonString", reason_string.as_deref().map(JsValue::from_str))
            .opt("serverReference", server_reference.as_deref().map(JsValue::from_str))
            .build();
        let packet = Obj::new()
            .set("cmd", "disconnect")
            .set("reasonCode", *code as u8)
            .set("properties", props)
            .build();
        emit(shared, "disconnect", &[packet]);
    }
    let is_error = !matches!(
        reason,
        CloseReason::ClientDisconnected
            | CloseReason::ServerDisconnected { reason: ReasonCode::Success, .. }
    );
    let err = error::from_close(&reason);
    let waiter = shared.core.borrow_mut().connect_waiter.take();
    if let Some((_, reject, _)) = waiter {
        let _ = reject.call1(&JsValue::NULL, &err);
        // connectAsync gives up after the first failure, like MQTT.js.
        let _ = shared.core.borrow_mut().session.disconnect(
            host::now(),
            ReasonCode::Success,
            Default::default(),
        );
    } else if is_error
        && !matches!(
            reason,
            CloseReason::TransportClosed { .. } | CloseReason::ServerDisconnected { .. }
        )
    {
        emit(shared, "error", std::slice::from_ref(&err));
    }
    // MQTT.js's `close` has no argument; ours says why, with the WebSocket close code.
    let info = match &reason {
        CloseReason::TransportClosed { code, reason: text } => {
            Obj::new().opt("code", *code).opt("reason", text.as_deref().map(JsValue::from_str))
        }
        _ => Obj::new(),
    };
    emit(shared, "close", &[info.set("error", err).build()]);
    // Once per outage, like MQTT.js: not again for every failed reconnect attempt.
    if !matches!(reason, CloseReason::ClientDisconnected) && !shared.offline.replace(true) {
        emit(shared, "offline", &[]);
    }
    let _ = v5;
}

/// A light view of a packet for `packetsend` / `packetreceive`.
fn packet_summary(p: &Packet) -> JsValue {
    let cmd = match p {
        Packet::Connect(_) => "connect",
        Packet::ConnAck(_) => "connack",
        Packet::Publish(_) => "publish",
        Packet::PubAck(_) => "puback",
        Packet::PubRec(_) => "pubrec",
        Packet::PubRel(_) => "pubrel",
        Packet::PubComp(_) => "pubcomp",
        Packet::Subscribe(_) => "subscribe",
        Packet::SubAck(_) => "suback",
        Packet::Unsubscribe(_) => "unsubscribe",
        Packet::UnsubAck(_) => "unsuback",
        Packet::PingReq => "pingreq",
        Packet::PingResp => "pingresp",
        Packet::Disconnect(_) => "disconnect",
        Packet::Auth(_) => "auth",
    };
    let obj = Obj::new().set("cmd", cmd);
    match p {
        Packet::Publish(p) => obj
            .set("topic", p.topic.as_str())
            .set("qos", p.delivery.qos() as u8)
            .set("retain", p.retain)
            .set("dup", p.delivery.dup())
            .opt("messageId", p.delivery.packet_id().map(|i| i.get()))
            .set("payload", uint8(&p.payload))
            .opt("topicAlias", p.properties.topic_alias.map(|a| a.get()))
            .build(),
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
            obj.set("messageId", a.packet_id.get()).set("reasonCode", a.reason_code as u8).build()
        }
        _ => obj.build(),
    }
}
