//! Messages kept in IndexedDB, per connection, so that a reload finds them again: raw payload
//! bytes (the view decodes them in whatever format is chosen), topic, QoS, retain, time and
//! properties. Each frame of arrivals is one record holding the frame's messages as one byte
//! string (see `message_batch`), keyed by its first message's number and knowing its last;
//! each connection keeps at most as many as its log (batches wholly older than the oldest
//! kept are deleted). A browser without IndexedDB, or one that refuses it (private windows
//! may), keeps messages in memory only.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::message_batch;
use crate::model::MessageRecord;

#[wasm_bindgen(inline_js = r#"
let db;
function open() {
  db ??= new Promise((ok, fail) => {
    const r = indexedDB.open('wasmqtt-app', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('messages', { keyPath: ['conn', 'seq'] });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  return db;
}
const range = (conn, from, to, openTop = false) => IDBKeyRange.bound([conn, from], [conn, to], false, openTop);
function done(t) {
  return new Promise((ok, fail) => { t.oncomplete = () => ok(); t.onerror = () => fail(t.error); t.onabort = () => fail(t.error); });
}
const lastOf = (v) => v.last ?? v.seq;
export async function appendBatch(conn, first, last, bytes, below) {
  const t = (await open()).transaction('messages', 'readwrite');
  const store = t.objectStore('messages');
  store.put({ conn, seq: first, last, bytes });
  if (!Number.isNaN(below)) {
    // Batches wholly older than the oldest message kept go; one that straddles it stays.
    const r = store.openCursor(range(conn, -Infinity, below, true));
    r.onsuccess = () => {
      const c = r.result;
      if (!c) return;
      if (lastOf(c.value) < below) c.delete();
      c.continue();
    };
  }
  return done(t);
}
export async function loadBatches(conn) {
  const r = (await open()).transaction('messages').objectStore('messages').getAll(range(conn, -Infinity, Infinity));
  return new Promise((ok, fail) => { r.onsuccess = () => ok(r.result.map((v) => v.bytes ?? null)); r.onerror = () => fail(r.error); });
}
export async function batchHolding(conn, seq) {
  const r = (await open()).transaction('messages').objectStore('messages').openCursor(range(conn, -Infinity, seq), 'prev');
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result && lastOf(r.result.value) >= seq ? r.result.value : null);
    r.onerror = () => fail(r.error);
  });
}
export async function replaceBatch(conn, old, first, last, bytes) {
  const t = (await open()).transaction('messages', 'readwrite');
  const store = t.objectStore('messages');
  store.delete([conn, old]);
  if (bytes.length > 0) store.put({ conn, seq: first, last, bytes });
  return done(t);
}
export async function deleteAll(conn) {
  const t = (await open()).transaction('messages', 'readwrite');
  t.objectStore('messages').delete(range(conn, -Infinity, Infinity));
  return done(t);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = appendBatch)]
    fn append_batch(
        conn: &str,
        first: f64,
        last: f64,
        bytes: Uint8Array,
        below: f64,
    ) -> js_sys::Promise;
    #[wasm_bindgen(js_name = loadBatches)]
    fn load_batches(conn: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = batchHolding)]
    fn batch_holding(conn: &str, seq: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = replaceBatch)]
    fn replace_batch(
        conn: &str,
        old: f64,
        first: f64,
        last: f64,
        bytes: Uint8Array,
    ) -> js_sys::Promise;
    #[wasm_bindgen(js_name = deleteAll)]
    fn delete_all_batches(conn: &str) -> js_sys::Promise;
}

/// Writes `records` (a frame's arrivals, in order) for connection `conn` as one batch, and
/// deletes the batches wholly older than `oldest_kept` (what its log let go past the cap).
pub(super) fn append(conn: &str, records: &[MessageRecord], oldest_kept: Option<u64>) {
    let (Some(first), Some(last)) = (records.first(), records.last()) else { return };
    // A copy in JS: the write begins after an await, when a view on wasm memory may be stale.
    let bytes = Uint8Array::from(message_batch::encode(records).as_slice());
    let below = oldest_kept.map_or(f64::NAN, |s| s as f64);
    settle(append_batch(conn, first.seq as f64, last.seq as f64, bytes, below));
}

/// Deletes connection `conn`'s message numbered `seq`: its batch is written again without it.
pub(super) fn delete(conn: &str, seq: u64) {
    let conn = conn.to_owned();
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(batch) = JsFuture::from(batch_holding(&conn, seq as f64)).await else { return };
        let field = |key: &str| Reflect::get(&batch, &key.into()).ok();
        let (Some(old), Some(bytes)) = (field("seq").and_then(|v| v.as_f64()), field("bytes"))
        else {
            return;
        };
        let Some(records) =
            bytes.dyn_into::<Uint8Array>().ok().and_then(|b| message_batch::decode(&b.to_vec()))
        else {
            return;
        };
        let kept: Vec<MessageRecord> = records.into_iter().filter(|m| m.seq != seq).collect();
        let (first, last) = (kept.first().map_or(0, |m| m.seq), kept.last().map_or(0, |m| m.seq));
        let bytes = Uint8Array::from(message_batch::encode(&kept).as_slice());
        let _ = JsFuture::from(replace_batch(&conn, old, first as f64, last as f64, bytes)).await;
    });
}

/// Deletes every message of connection `conn`.
pub(super) fn delete_all(conn: &str) {
    settle(delete_all_batches(conn));
}

/// Reads connection `conn`'s messages, oldest first, and hands them to `loaded`; batches that
/// do not read back (written by another version) are skipped.
pub(super) fn load(conn: &str, loaded: impl FnOnce(Vec<MessageRecord>) + 'static) {
    let promise = load_batches(conn);
    wasm_bindgen_futures::spawn_local(async move {
        let batches = JsFuture::from(promise).await.ok().and_then(|v| v.dyn_into::<Array>().ok());
        let records = batches
            .iter()
            .flat_map(Array::iter)
            .filter_map(|b| b.dyn_into::<Uint8Array>().ok())
            .filter_map(|b| message_batch::decode(&b.to_vec()))
            .flatten()
            .collect();
        loaded(records);
    });
}

/// Waits for a write, so that its failure (a full or refused storage) is not an unhandled
/// rejection; the messages stay in memory either way.
fn settle(promise: js_sys::Promise) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}
