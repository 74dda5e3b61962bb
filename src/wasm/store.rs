//! The opt-in IndexedDB store (`store: true`): the session's state (see
//! `session::persist`) is written after every change and read back before connecting, so
//! unacknowledged QoS 1/2 messages and QoS 2 receive state survive a page reload.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use super::driver::{emit, pump, Shared};
use super::error;
use super::host;

#[wasm_bindgen(inline_js = r#"
let db;
function open() {
  db ??= new Promise((ok, fail) => {
    const r = indexedDB.open('wasmqtt', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('sessions');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  return db;
}
export async function storeLoad(key) {
  const d = await open();
  return new Promise((ok, fail) => {
    const r = d.transaction('sessions').objectStore('sessions').get(key);
    r.onsuccess = () => ok(r.result ?? null);
    r.onerror = () => fail(r.error);
  });
}
export async function storeSave(key, bytes) {
  const d = await open();
  return new Promise((ok, fail) => {
    const t = d.transaction('sessions', 'readwrite');
    t.objectStore('sessions').put(bytes, key);
    t.oncomplete = () => ok();
    t.onerror = () => fail(t.error);
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = storeLoad)]
    fn store_load(key: &str) -> Promise;
    #[wasm_bindgen(js_name = storeSave)]
    fn store_save(key: &str, bytes: Uint8Array) -> Promise;
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
    let Some(key) = shared.store_key.clone() else {
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
                    emit(
                        &shared,
                        "error",
                        &[error::usage(&format!("the stored session was not restored: {e}"))],
                    );
                }
            }
            start_after_load(&shared);
        }
    };
    let weak = Rc::downgrade(shared);
    then(&store_load(&key), restore, move |e| {
        let Some(shared) = weak.upgrade() else { return };
        emit(
            &shared,
            "error",
            &[error::usage(&format!(
                "IndexedDB could not be read: {}",
                e.as_string().unwrap_or_default()
            ))],
        );
        start_after_load(&shared);
    });
}

/// The stored state is read: writes may begin, then the session connects.
fn start_after_load(shared: &Rc<Shared>) {
    shared.store_ready.set(true);
    shared.store_dirty.set(false);
    shared.core.borrow_mut().session.connect(host::now());
    pump(shared);
    save(shared);
}

/// Writes the state after a change: one write at a time, the latest state last, and only
/// when it differs from what was last written.
pub(crate) fn save(shared: &Rc<Shared>) {
    let Some(key) = shared.store_key.clone() else { return };
    if shared.store_busy.get() || !shared.store_ready.get() {
        shared.store_dirty.set(true);
        return;
    }
    let bytes = shared.core.borrow().session.save_state(host::now());
    if *shared.store_written.borrow() == bytes {
        return settle_waiters(shared);
    }
    shared.store_busy.set(true);
    let written = {
        let weak = Rc::downgrade(shared);
        let bytes = bytes.clone();
        move |_: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            *shared.store_written.borrow_mut() = bytes;
            write_finished(&shared);
        }
    };
    let failed = {
        let weak = Rc::downgrade(shared);
        move |e: JsValue| {
            let Some(shared) = weak.upgrade() else { return };
            let reason = e.as_string().unwrap_or_else(|| format!("{e:?}"));
            emit(
                &shared,
                "error",
                &[error::usage(&format!("IndexedDB could not be written: {reason}"))],
            );
            write_finished(&shared);
        }
    };
    then(&store_save(&key, Uint8Array::from(bytes.as_slice())), written, failed);
}

/// A write is over: write again if the state changed meanwhile, else wake `whenStored()`.
fn write_finished(shared: &Rc<Shared>) {
    shared.store_busy.set(false);
    if shared.store_dirty.replace(false) {
        save(shared);
    } else {
        settle_waiters(shared);
    }
}

fn settle_waiters(shared: &Rc<Shared>) {
    let waiters = std::mem::take(&mut *shared.store_waiters.borrow_mut());
    for resolve in waiters {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
}

/// A promise that resolves once every state change so far is committed to IndexedDB (at
/// once without the `store` option). Only then does the state survive a page reload: the
/// browser may drop a write still in flight when the page goes away.
pub(crate) fn when_stored(shared: &Rc<Shared>) -> Promise {
    // Changes that produced no output (a message queued while offline) are written now.
    save(shared);
    if shared.store_key.is_none() || (shared.store_ready.get() && !shared.store_busy.get()) {
        return Promise::resolve(&JsValue::UNDEFINED);
    }
    Promise::new(&mut |resolve, _| shared.store_waiters.borrow_mut().push(resolve))
}
