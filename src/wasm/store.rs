//! The opt-in IndexedDB store (`store: true`): the session's state (see
//! `session::persist`) is written after every change and read back before connecting, so
//! unacknowledged QoS 1/2 messages and QoS 2 receive state survive a page reload.
//!
//!
//! Two rules make a reload at any moment lose nothing and repeat no QoS 2 message:
//! - The bytes the session sends wait until the state they follow from is committed to
//!   IndexedDB. Otherwise a PUBREL could leave before the state saying so was stored; the
//!   restored session would send the PUBLISH again, and a server that had already passed the
//!   message on would take it for a new one.
//! - The QoS 2 receive state (the packet identifiers received and not yet released) is also
//!   kept in `localStorage`, written synchronously in the same task as the `message` events
//!   of those messages. A reload cannot fall between the two, as it could between a delivery
//!   and an IndexedDB commit: delivered-but-forgotten would mean a duplicate when the server
//!   repeats the PUBLISH, and remembered-but-undelivered a loss. Where `localStorage` is not
//!   available (a sandboxed frame) the IndexedDB copy serves, with that window open.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use super::driver::{pump, queue_bytes, schedule_drain, sink, Shared};
use super::error;
use super::host;

/// Bytes for the connection of transport attempt `attempt`, waiting for the write that covers
/// them: a later connection drops them.
struct Held {
    attempt: u32,
    bytes: Vec<u8>,
}

/// The store's bookkeeping in the driver's shared state.
pub(crate) struct Store {
    /// The IndexedDB key of this session; `None` without the `store` option.
    key: Option<String>,
    /// A write is under way / another is needed after it.
    busy: Cell<bool>,
    dirty: Cell<bool>,
    /// The stored state has been read (and restored): writing before that would overwrite it.
    ready: Cell<bool>,
    /// The state last written, so that an unchanged state is not written again.
    written: RefCell<Vec<u8>>,
    /// Writes started and writes over (written or failed), counted.
    started: Cell<u64>,
    finished: Cell<u64>,
    /// `whenStored()` promises, each with the count of writes that must be over first.
    waiters: RefCell<Vec<(u64, Function)>>,
    /// The QoS 2 receive state last written to `localStorage`.
    incoming_written: RefCell<Vec<u16>>,
    /// `localStorage` refused a write (reported once).
    incoming_refused: Cell<bool>,
    /// An IndexedDB write failed and was reported: the next failures are not, until a write
    /// succeeds (a blocked IndexedDB would otherwise raise an `error` per state change).
    write_refused: Cell<bool>,
    /// Bytes in the order the session produced them, waiting for a write.
    held: RefCell<VecDeque<Held>>,
    /// How many of `held`, from the front, the write under way covers.
    covered: Cell<usize>,
}

impl Store {
    /// The bookkeeping of a client with store key `key` (`None`: no store).
    pub(crate) fn new(key: Option<String>) -> Self {
        Self {
            key,
            busy: Cell::new(false),
            dirty: Cell::new(false),
            ready: Cell::new(false),
            written: RefCell::new(Vec::new()),
            started: Cell::new(0),
            finished: Cell::new(0),
            waiters: RefCell::new(Vec::new()),
            incoming_written: RefCell::new(Vec::new()),
            incoming_refused: Cell::new(false),
            write_refused: Cell::new(false),
            held: RefCell::new(VecDeque::new()),
            covered: Cell::new(0),
        }
    }

    /// Whether a write is under way.
    pub(crate) fn writing(&self) -> bool {
        self.busy.get()
    }

    /// Whether bytes wait for the write of the state they follow from.
    pub(crate) fn writes_ahead(&self) -> bool {
        self.key.is_some()
    }
}

/// Bytes the session wrote wait for the next write (opening and closing the transport and
/// events go ahead at once; a close first lets out the bytes held for that connection: the
/// DISCONNECT of `end`).
pub(crate) fn hold(shared: &Shared, bytes: Vec<u8>) {
    let attempt = shared.attempt.get();
    shared.store.held.borrow_mut().push_back(Held { attempt, bytes });
}

/// The transport is closing on purpose: the bytes held for it go out first, written or not,
/// since there will be no later moment for them.
pub(crate) fn release_bytes_for_close(shared: &Shared) {
    // Taken whole and popped: a `VecDeque::drain` is 1 KB of wasm per element type.
    let mut held = std::mem::take(&mut *shared.store.held.borrow_mut());
    shared.store.covered.set(0);
    let mut outbox = shared.outbox.borrow_mut();
    while let Some(h) = held.pop_front() {
        let_out(shared, &mut outbox, h);
    }
}

/// Queues held bytes for the socket if they are the current connection's (true); bytes held
/// for a connection that is gone are dropped, counted as gone.
fn let_out(shared: &Shared, outbox: &mut VecDeque<Vec<u8>>, h: Held) -> bool {
    if h.attempt == shared.attempt.get() {
        queue_bytes(outbox, h.bytes);
        true
    } else {
        super::driver::bytes_left(shared, h.bytes.len());
        false
    }
}

/// Lets out the first `count` held bytes, in order, those of the current connection to its
/// socket.
fn release(shared: &Rc<Shared>, count: usize) {
    let released: Vec<Held> = {
        let mut held = shared.store.held.borrow_mut();
        std::iter::from_fn(|| held.pop_front()).take(count).collect()
    };
    let covered = shared.store.covered.get();
    shared.store.covered.set(covered.saturating_sub(released.len()));
    let mut queued = false;
    for h in released {
        queued |= let_out(shared, &mut shared.outbox.borrow_mut(), h);
    }
    if queued {
        schedule_drain(shared);
    }
}

/// Writes the QoS 2 receive state to `localStorage` if it changed: synchronously, in the task
/// that delivered the messages.
fn save_incoming(shared: &Shared, key: &str) {
    let ids = shared.core.borrow().session.incoming_qos2_ids();
    if *shared.store.incoming_written.borrow() != ids {
        let refused = store_save_incoming(key, &ids);
        if !refused.is_empty() && !shared.store.incoming_refused.replace(true) {
            let message = format!(
                "localStorage refused the QoS 2 receive state ({refused}): it is kept in \
                 IndexedDB only, where a reload just after a delivery can repeat it"
            );
            report(shared, error::usage(&message));
        }
        *shared.store.incoming_written.borrow_mut() = ids;
    }
}

/// Restores the QoS 2 receive state kept in `localStorage`, if there is one (it is newer
/// than the IndexedDB copy).
fn restore_incoming(shared: &Shared, key: &str) -> Result<(), String> {
    let Some(ids) = store_load_incoming(key).map_err(|e| super::driver::error_text(&e))? else {
        return Ok(());
    };
    shared.core.borrow_mut().session.restore_incoming_qos2(&ids).map_err(|e| e.to_string())?;
    *shared.store.incoming_written.borrow_mut() = ids;
    Ok(())
}

#[wasm_bindgen(inline_js = r#"
let db;
function open() {
  db ??= new Promise((ok, fail) => {
    const r = indexedDB.open('wasmqtt', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('sessions');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  }).catch((e) => {
    // Not kept: the next read or write tries to open it again.
    db = undefined;
    throw e;
  });
  return db;
}
// Failures reach Rust as text ("QuotaExceededError: ..."), whatever was thrown.
const reason = (e) => { throw String(e); };
export function storeLoad(key) {
  return open().then((d) => new Promise((ok, fail) => {
    const r = d.transaction('sessions').objectStore('sessions').get(key);
    r.onsuccess = () => ok(r.result ?? null);
    r.onerror = () => fail(r.error);
  })).catch(reason);
}
export function storeLoadIncoming(key) {
  let text;
  try { text = localStorage.getItem(`wasmqtt:${key}:qos2-in`); } catch { return null; }
  if (text === null) return null;
  const ids = text === '' ? [] : text.split(',').map(Number);
  const bad = ids.findIndex((id) => !(Number.isInteger(id) && id >= 1 && id <= 65535));
  if (bad >= 0) throw new Error(`${JSON.stringify(text.split(',')[bad])} is not a packet identifier`);
  return Uint16Array.from(ids);
}
export function storeSaveIncoming(key, ids) {
  const name = `wasmqtt:${key}:qos2-in`;
  try { localStorage.setItem(name, ids.join(',')); return ''; } catch (e) {
    // A stale copy would be taken for the newer one: without it the IndexedDB copy serves.
    try { localStorage.removeItem(name); } catch {}
    return String(e?.name ?? e);
  }
}
export function storeSave(key, bytes) {
  return open().then((d) => new Promise((ok, fail) => {
    const t = d.transaction('sessions', 'readwrite');
    t.objectStore('sessions').put(bytes, key);
    t.oncomplete = () => ok();
    t.onerror = () => fail(t.error);
  })).catch(reason);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = storeLoad)]
    fn store_load(key: &str) -> Promise;
    #[wasm_bindgen(js_name = storeSave)]
    fn store_save(key: &str, bytes: Uint8Array) -> Promise;
    #[wasm_bindgen(js_name = storeLoadIncoming)]
    #[wasm_bindgen(catch)]
    fn store_load_incoming(key: &str) -> Result<Option<Vec<u16>>, JsValue>;
    #[wasm_bindgen(js_name = storeSaveIncoming)]
    fn store_save_incoming(key: &str, ids: &[u16]) -> String;
}

/// An `error` event from the store.
fn report(shared: &Shared, error: JsValue) {
    if let Some(sink) = sink(shared) {
        sink.on_error(error);
    }
}

/// Calls `then` by name with one-shot callbacks (they free themselves when called).
fn then(
    promise: &Promise,
    ok: impl FnOnce(JsValue) + 'static,
    fail: impl FnOnce(JsValue) + 'static,
) {
    let ok = Closure::<dyn FnMut(JsValue)>::once_into_js(ok);
    let fail = Closure::<dyn FnMut(JsValue)>::once_into_js(fail);
    if let Ok(f) =
        js_sys::Reflect::get(promise, &"then".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = f.call2(promise, &ok, &fail);
    }
}

/// Starts the session: at once, or after reading its stored state.
pub(crate) fn begin(shared: &Rc<Shared>) {
    let Some(key) = shared.store.key.clone() else {
        shared.core.borrow_mut().session.connect(host::now());
        return pump(shared);
    };
    let restore = {
        let weak = Rc::downgrade(shared);
        move |stored: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            if let Some(bytes) = stored.dyn_ref::<Uint8Array>() {
                let restored =
                    shared.core.borrow_mut().session.restore_state(host::now(), &bytes.to_vec());
                if let Err(e) = restored {
                    report(
                        &shared,
                        error::usage(&format!("the stored session was not restored: {e}")),
                    );
                }
            }
            start_after_load(&shared);
        }
    };
    let weak = Rc::downgrade(shared);
    then(&store_load(&key), restore, move |e| {
        let Some(shared) = weak.upgrade() else { return };
        report(
            &shared,
            error::usage(&format!(
                "IndexedDB could not be read: {}",
                e.as_string().unwrap_or_default()
            )),
        );
        start_after_load(&shared);
    });
}

/// The stored state is read: writes may begin, then the session connects.
fn start_after_load(shared: &Rc<Shared>) {
    if let Some(key) = &shared.store.key {
        if let Err(e) = restore_incoming(shared, key) {
            let message = format!("the stored QoS 2 receive state was not restored: {e}");
            report(shared, error::usage(&message));
        }
    }
    shared.store.ready.set(true);
    shared.store.dirty.set(false);
    // Not if `end()` came while the store was read: the session ended before it began.
    if !shared.ended.get() {
        shared.core.borrow_mut().session.connect(host::now());
    }
    pump(shared);
    save(shared);
}

/// Writes the state after a change: one write at a time, the latest state last, and only
/// when it differs from what was last written.
pub(crate) fn save(shared: &Rc<Shared>) {
    let Some(key) = shared.store.key.clone() else { return };
    if !shared.store.ready.get() {
        shared.store.dirty.set(true);
        return;
    }
    save_incoming(shared, &key);
    if shared.store.busy.get() {
        shared.store.dirty.set(true);
        return;
    }
    let bytes = shared.core.borrow().session.save_state(host::now());
    if *shared.store.written.borrow() == bytes {
        // Nothing new to write: what is held follows from a state already stored.
        release(shared, usize::MAX);
        return settle_waiters(shared, u64::MAX);
    }
    shared.store.busy.set(true);
    shared.store.started.set(shared.store.started.get() + 1);
    shared.store.covered.set(shared.store.held.borrow().len());
    let written = {
        let weak = Rc::downgrade(shared);
        let bytes = bytes.clone();
        move |_: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            *shared.store.written.borrow_mut() = bytes;
            shared.store.write_refused.set(false);
            write_finished(&shared);
        }
    };
    let failed = {
        let weak = Rc::downgrade(shared);
        move |e: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            if !shared.store.write_refused.replace(true) {
                let reason = e.as_string().unwrap_or_default();
                let message = format!("IndexedDB could not be written: {reason}");
                report(&shared, error::usage(&message));
            }
            write_finished(&shared);
        }
    };
    then(&store_save(&key, Uint8Array::from(bytes.as_slice())), written, failed);
}

/// A write is over (or failed, which was reported): what it covers goes out, the
/// `whenStored()` it satisfies resolve, and the state is written again if it changed meanwhile.
fn write_finished(shared: &Rc<Shared>) {
    shared.store.busy.set(false);
    shared.store.finished.set(shared.store.started.get());
    release(shared, shared.store.covered.get());
    settle_waiters(shared, shared.store.finished.get());
    if shared.store.dirty.replace(false) {
        save(shared);
    }
    super::driver::release_sink(shared);
}

/// Resolves the `whenStored()` promises that wait for at most `finished` writes.
fn settle_waiters(shared: &Rc<Shared>, finished: u64) {
    let ready: Vec<Function> = {
        let mut waiters = shared.store.waiters.borrow_mut();
        let (ready, waiting) = waiters.drain(..).partition(|(needed, _)| *needed <= finished);
        *waiters = waiting;
        ready.into_iter().map(|(_, resolve)| resolve).collect()
    };
    for resolve in ready {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
}

/// A promise that resolves once every state change so far is committed to IndexedDB (at
/// once without the `store` option). Only then does the state survive a page reload: the
/// browser may drop a write still in flight when the page goes away. It waits for the write
/// that covers the changes so far, not for the store to fall idle, so a steady stream of
/// changes cannot keep it waiting.
pub(crate) fn when_stored(shared: &Rc<Shared>) -> Promise {
    // Changes that produced no output (a message queued while offline) are written now.
    save(shared);
    if shared.store.key.is_none() || (shared.store.ready.get() && !shared.store.busy.get()) {
        return Promise::resolve(&JsValue::UNDEFINED);
    }
    // The write under way covers the changes so far, unless more came after it began.
    let needed = shared.store.started.get() + u64::from(shared.store.dirty.get());
    Promise::new(&mut |resolve, _| shared.store.waiters.borrow_mut().push((needed, resolve)))
}
