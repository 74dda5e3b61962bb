//! The driver: pumps bytes, deadlines and events between the session and the browser. It holds
//! no protocol logic. No `RefCell` borrow is held while calling into JS (listeners, callbacks),
//! so a listener may call back into the client.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::rc::{Rc, Weak};

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error;
use super::host::{self, Timer};
use super::js::Sink;
use super::socket::{SocketEvent, WsSocket};
use crate::codec::properties::properties_to_wire;
use crate::codec::PublishProperties;
use crate::fast_map::MixState;
use crate::session::{CloseReason, Event, Session, Transmit};

/// The session and its bookkeeping; borrowed only for short, JS-free stretches.
pub(crate) struct Core {
    pub(crate) session: Session,
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
    /// The IndexedDB store's bookkeeping (the `store` option), with what waits for a write.
    pub(crate) store: super::store::Store,
    /// QoS 0 publishes not yet reported, by request id (ascending): their completion waits for
    /// their bytes.
    pub(crate) qos0: RefCell<Vec<u64>>,
    /// QoS 0 publishes whose bytes have not left yet, with the count of bytes accepted up to
    /// and with theirs: reported once that many have left (sent, or dropped with their
    /// connection), so that `await publishAsync(…, { qos: 0 })` holds a producer back with the
    /// socket (MQTT.js settles it from the stream's write callback).
    unwritten: RefCell<std::collections::VecDeque<(u64, f64)>>,
    /// `request()`'s timeouts, on the client's timer (see `Driver::set_timer`), by id.
    pub(crate) request_timers: RefCell<Vec<(u32, Timer)>>,
    pub(crate) next_timer: std::cell::Cell<u32>,
    /// Bytes the session has written since the client was made.
    accepted: std::cell::Cell<u64>,
    /// Of those, the bytes handed to a WebSocket or dropped with a connection that ended.
    left: std::cell::Cell<u64>,
    /// The JS client object, told what happens; dropped once the session has ended and the
    /// store has nothing more to report, so that a client no one holds can be collected.
    pub(crate) sink: RefCell<Option<Sink>>,
    /// The session has ended (`end()`, or a refusal that stops it) and not restarted since.
    pub(crate) ended: std::cell::Cell<bool>,
    /// JS strings of recent topics: a topic arriving again costs no UTF-8 decode.
    topics: RefCell<Vec<Option<(String, JsValue)>>>,
    /// The URLs to connect to, in rotation: `connect`'s, then `servers`.
    pub(crate) urls: Vec<String>,
    /// MQTT.js `transformWsUrl(url, options)`: a string or a promise of one.
    pub(crate) transform_url: Option<Function>,
    /// Counts transport attempts, so that a late `transformWsUrl` answer for an abandoned one
    /// is ignored.
    pub(crate) attempt: std::cell::Cell<u32>,
    /// Counts opened attempts, to pick the next URL in rotation. Not `attempt`, which a close
    /// also moves on: a connect timeout then stepped it twice, and with two URLs the client
    /// tried the same one forever.
    rotation: std::cell::Cell<u32>,
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
            core: RefCell::new(Core { session }),
            socket: RefCell::new(None),
            timer: RefCell::new(None),
            outbox: RefCell::new(std::collections::VecDeque::new()),
            drain_timer: RefCell::new(None),
            drain_scheduled: std::cell::Cell::new(false),
            store: super::store::Store::new(store_key),
            sink: RefCell::new(None),
            qos0: RefCell::new(Vec::new()),
            unwritten: RefCell::new(std::collections::VecDeque::new()),
            request_timers: RefCell::new(Vec::new()),
            next_timer: std::cell::Cell::new(0),
            accepted: std::cell::Cell::new(0),
            left: std::cell::Cell::new(0),
            ended: std::cell::Cell::new(false),
            topics: RefCell::new(Vec::new()),
            urls,
            transform_url,
            attempt: std::cell::Cell::new(u32::MAX),
            rotation: std::cell::Cell::new(0),
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
            if let Transmit::Bytes(bytes) = &t {
                shared.accepted.set(shared.accepted.get() + bytes.len() as u64);
            }
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
    report_written(shared);
    release_sink(shared);
}

/// Counts bytes that left: handed to the WebSocket, or dropped with their connection.
pub(crate) fn bytes_left(shared: &Shared, n: usize) {
    shared.left.set(shared.left.get() + n as u64);
}

/// Drops what waits in the outbox (its connection is gone), counting it as gone.
fn drop_outbox(shared: &Shared) {
    let dropped: usize = shared.outbox.borrow().iter().map(Vec::len).sum();
    shared.outbox.borrow_mut().clear();
    bytes_left(shared, dropped);
}

/// Reports the QoS 0 publishes whose bytes have left.
fn report_written(shared: &Shared) {
    let left = shared.left.get();
    let mut written = Vec::new();
    {
        let mut unwritten = shared.unwritten.borrow_mut();
        while let Some(&(mark, id)) = unwritten.front() {
            if mark > left {
                break;
            }
            unwritten.pop_front();
            written.push(id);
        }
    }
    if written.is_empty() {
        return;
    }
    if let Some(sink) = sink(shared) {
        for id in written {
            sink.on_published(id, 0, JsValue::UNDEFINED);
        }
    }
}

/// Whether request `id` was a QoS 0 publish (forgetting it).
fn was_qos0(shared: &Shared, id: u64) -> bool {
    let mut qos0 = shared.qos0.borrow_mut();
    // Request ids only grow, so the list is sorted.
    let Ok(at) = qos0.binary_search(&id) else { return false };
    qos0.remove(at);
    true
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
            // Taken whole and popped: a `VecDeque::drain` is 1 KB of wasm per element type.
            let mut held = std::mem::take(&mut *shared.outbox.borrow_mut());
            // Sent now, or with no socket nowhere to go: either way it has left.
            bytes_left(shared, held.iter().map(Vec::len).sum());
            // The handle first: no borrow is held while the browser is called.
            let ws = shared.socket.borrow().as_ref().map(WsSocket::handle);
            if let Some(ws) = ws {
                while let Some(bytes) = held.pop_front() {
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
        report_written(&shared);
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
        drop_outbox(shared);
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
                    report_written(&shared);
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
        bytes_left(shared, message.len());
        if let Err(e) = ws.send_with_u8_array(&message) {
            drop_outbox(shared);
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
    let ws = shared.socket.borrow().as_ref().map(WsSocket::handle);
    let browser = ws.map_or(0, |ws| ws.buffered_amount());
    let outbox: usize = shared.outbox.borrow().iter().map(Vec::len).sum();
    f64::from(browser) + outbox as f64
}

/// Opens the transport for a new attempt: the next URL in rotation (`servers`), passed
/// through `transformWsUrl`, which may answer with a promise (a presigned URL fetched afresh
/// for every reconnect).
fn open(shared: &Rc<Shared>) {
    let attempt = shared.attempt.get().wrapping_add(1);
    shared.attempt.set(attempt);
    let turn = shared.rotation.replace(shared.rotation.get().wrapping_add(1));
    let url =
        shared.urls.get(turn as usize % shared.urls.len().max(1)).cloned().unwrap_or_default();
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
    let closed = matches!(event, SocketEvent::Closed { .. });
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
    if closed {
        // The connection is gone: what waited for it must not reach the next one, whose first
        // packet is CONNECT [MQTT-3.1.0-1], and the drain stops polling a closed socket.
        drop_outbox(&shared);
        shared.drain_timer.borrow_mut().take();
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

/// Lets go of the JS client object once the session has ended and no store write is under way
/// (its failure would still be reported): nothing more comes until `reconnect()` gives it back.
pub(crate) fn release_sink(shared: &Shared) {
    if shared.ended.get() && !shared.store.writing() {
        // QoS 0 publishes still waiting for bytes that will never leave are settled now.
        shared.left.set(shared.accepted.get());
        report_written(shared);
        shared.qos0.borrow_mut().clear();
        shared.sink.borrow_mut().take();
    }
}

/// The JS client object, if the session has not ended.
pub(crate) fn sink(shared: &Shared) -> Option<Sink> {
    shared.sink.borrow().clone()
}

fn dispatch(shared: &Rc<Shared>, event: Event) {
    let Some(sink) = sink(shared) else { return };
    let version = shared.core.borrow().session.version();
    let v5 = version.is_v5();
    match event {
        Event::Connecting { attempt } => sink.on_connecting(attempt),
        Event::Connected(c) => {
            let c = &c.connack;
            let properties = if v5 { properties_to_wire(&c.properties) } else { Vec::new() };
            let return_code = c.reason_code.to_v3_connack();
            sink.on_connect(c.session_present, c.reason_code as u8, return_code, &properties);
        }
        Event::Message(m) => deliver(shared, &sink, &m),
        Event::Published { id, result } => match result {
            // Its bytes were among this pump's transmits, counted in `accepted` already.
            Ok(_) if was_qos0(shared, id.0) && shared.left.get() < shared.accepted.get() => {
                shared.unwritten.borrow_mut().push_back((shared.accepted.get(), id.0 as f64));
            }
            Ok(code) => sink.on_published(id.0 as f64, code as u8, JsValue::UNDEFINED),
            Err(e) => {
                was_qos0(shared, id.0);
                sink.on_published(id.0 as f64, 0, error::from_publish(&e));
            }
        },
        Event::Subscribed { id, results, .. } => {
            let codes: Vec<u8> = results
                .iter()
                .map(|r| match r {
                    Ok(q) => *q as u8,
                    Err(_) if !v5 => 128,
                    Err(code) => *code as u8,
                })
                .collect();
            sink.on_subscribed(id.0 as f64, &codes);
        }
        Event::Unsubscribed { id, results, .. } => {
            let codes: Vec<u8> = results.iter().map(|&c| c as u8).collect();
            sink.on_unsubscribed(id.0 as f64, &codes);
        }
        Event::Closed { reason, .. } => closed(&sink, reason),
        Event::Ended => {
            shared.ended.set(true);
            sink.on_end();
        }
        Event::Reauthenticated => sink.on_reauth(),
        Event::SubscriptionLost { filter, reason } => {
            sink.on_error(error::subscription_lost(&filter, reason));
        }
        Event::PacketSent(p) => super::packet_view::report(&sink, true, &p, version),
        Event::PacketReceived(p) => super::packet_view::report(&sink, false, &p, version),
    }
}

/// Slots of the topic cache (a power of two).
const TOPIC_CACHE: usize = 256;

/// The topic as a JS string, from the cache of recent topics: direct-mapped, a topic's hash
/// picks its slot and a newcomer takes the slot over. A hash map here was 1 KB more wasm.
fn topic_js(shared: &Shared, topic: &str) -> JsValue {
    let mut topics = shared.topics.borrow_mut();
    if topics.is_empty() {
        topics.resize_with(TOPIC_CACHE, || None);
    }
    let index = (MixState::default().hash_one(topic) as usize) & (TOPIC_CACHE - 1);
    let Some(slot) = topics.get_mut(index) else { return JsValue::from_str(topic) };
    match slot {
        Some((cached, v)) if cached == topic => v.clone(),
        _ => {
            let v = JsValue::from_str(topic);
            *slot = Some((topic.to_owned(), v.clone()));
            v
        }
    }
}

fn deliver(shared: &Shared, sink: &Sink, m: &crate::session::Message) {
    let topic = topic_js(shared, &m.topic);
    let properties = if m.properties == PublishProperties::default() {
        Vec::new()
    } else {
        properties_to_wire(&m.properties)
    };
    sink.on_message(&topic, &m.payload, m.qos as u8, m.retain, m.dup, m.packet_id, &properties);
}

/// `disconnect` for the server's DISCONNECT, then `close` with why.
fn closed(sink: &Sink, reason: CloseReason) {
    if let CloseReason::ServerDisconnected { reason: code, reason_string, server_reference } =
        &reason
    {
        sink.on_disconnect(*code as u8, reason_string.clone(), server_reference.clone());
    }
    let by_client = matches!(reason, CloseReason::ClientDisconnected);
    // A lost transport or the server's DISCONNECT is reported by `close` and `disconnect`;
    // what else ends a connection (refusal, protocol violation, timeout) is an `error` too.
    let report = !matches!(
        reason,
        CloseReason::ClientDisconnected
            | CloseReason::TransportClosed { .. }
            | CloseReason::ServerDisconnected { .. }
    );
    let err = error::from_close(&reason);
    match reason {
        CloseReason::TransportClosed { code, reason: text } => {
            sink.on_close(err, report, code, text, by_client);
        }
        _ => sink.on_close(err, report, None, None, by_client),
    }
}
