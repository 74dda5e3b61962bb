//! Messages kept in IndexedDB, per connection, so that a reload finds them again: raw payload
//! bytes (the view decodes them in whatever format is chosen), topic, QoS, retain, time and
//! properties. Writes go in one transaction per frame of arrivals; each connection keeps at
//! most as many as its log (the oldest are deleted past it). A browser without IndexedDB, or
//! one that refuses it (private windows may), keeps messages in memory only.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasmqtt::codec::QoS;

use crate::model::{Direction, MessageRecord};

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
const range = (conn, from, to) => IDBKeyRange.bound([conn, from], [conn, to]);
function done(t) {
  return new Promise((ok, fail) => { t.oncomplete = () => ok(); t.onerror = () => fail(t.error); t.onabort = () => fail(t.error); });
}
export async function appendMessages(conn, records, below) {
  const t = (await open()).transaction('messages', 'readwrite');
  const store = t.objectStore('messages');
  for (const r of records) { r.conn = conn; store.put(r); }
  if (!Number.isNaN(below)) store.delete(IDBKeyRange.bound([conn, -Infinity], [conn, below], false, true));
  return done(t);
}
export async function loadMessages(conn) {
  const r = (await open()).transaction('messages').objectStore('messages').getAll(range(conn, -Infinity, Infinity));
  return new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
}
export async function deleteMessages(conn, from, to) {
  const t = (await open()).transaction('messages', 'readwrite');
  t.objectStore('messages').delete(range(conn, from, to));
  return done(t);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = appendMessages)]
    fn append_messages(conn: &str, records: Array, below: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = loadMessages)]
    fn load_messages(conn: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = deleteMessages)]
    fn delete_messages(conn: &str, from: f64, to: f64) -> js_sys::Promise;
}

/// Writes `records` for connection `conn`, and deletes its messages numbered below
/// `oldest_kept` (those its log let go past the cap).
pub(super) fn append(conn: &str, records: &[MessageRecord], oldest_kept: Option<u64>) {
    if records.is_empty() {
        return;
    }
    let array: Array = records.iter().map(to_js).collect();
    settle(append_messages(conn, array, oldest_kept.map_or(f64::NAN, |s| s as f64)));
}

/// Deletes connection `conn`'s messages numbered `from..=to`.
pub(super) fn delete(conn: &str, from: u64, to: u64) {
    settle(delete_messages(conn, from as f64, to as f64));
}

/// Deletes every message of connection `conn`.
pub(super) fn delete_all(conn: &str) {
    settle(delete_messages(conn, f64::NEG_INFINITY, f64::INFINITY));
}

/// Reads connection `conn`'s messages, oldest first, and hands them to `loaded`; records that
/// do not read back (written by another version) are skipped.
pub(super) fn load(conn: &str, loaded: impl FnOnce(Vec<MessageRecord>) + 'static) {
    let promise = load_messages(conn);
    wasm_bindgen_futures::spawn_local(async move {
        let records = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(v) => v.dyn_into::<Array>().map(|a| a.iter().filter_map(from_js).collect()),
            Err(_) => Ok(Vec::new()),
        };
        loaded(records.unwrap_or_default());
    });
}

/// Waits for a write, so that its failure (a full or refused storage) is not an unhandled
/// rejection; the messages stay in memory either way.
fn settle(promise: js_sys::Promise) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &key.into(), &value.into());
}

fn to_js(m: &MessageRecord) -> JsValue {
    let o = Object::new();
    set(&o, "seq", m.seq as f64);
    set(&o, "received", m.direction == Direction::Received);
    set(&o, "topic", m.topic.as_str());
    set(&o, "payload", Uint8Array::from(m.payload.as_slice()));
    set(&o, "qos", m.qos as u8);
    set(&o, "retain", m.retain);
    set(&o, "time", m.time_ms);
    set(&o, "properties", serde_json::to_string(&m.properties).unwrap_or_default());
    o.into()
}

fn from_js(v: JsValue) -> Option<MessageRecord> {
    let get = |key: &str| Reflect::get(&v, &key.into()).ok();
    let properties = get("properties")?.as_string()?;
    Some(MessageRecord {
        seq: get("seq")?.as_f64()? as u64,
        direction: if get("received")?.as_bool()? {
            Direction::Received
        } else {
            Direction::Published
        },
        topic: get("topic")?.as_string()?,
        payload: get("payload")?.dyn_into::<Uint8Array>().ok()?.to_vec(),
        qos: QoS::try_from(get("qos")?.as_f64()? as u8).ok()?,
        retain: get("retain")?.as_bool()?,
        time_ms: get("time")?.as_f64()?,
        properties: serde_json::from_str(&properties).ok()?,
    })
}
