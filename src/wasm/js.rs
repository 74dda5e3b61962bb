//! The JS half of the MQTT.js-shaped API: `options.js` reads and checks what the caller
//! passes; `client.js` keeps the listeners, callbacks and promises, and builds the packet and
//! error objects. The driver crosses to it with numbers, strings and bytes only: building JS
//! objects field by field from Rust cost more wasm than the whole session.

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::client::Driver;

#[wasm_bindgen(module = "/src/wasm/options.js")]
extern "C" {
    /// `connect`'s options, checked, in the shape the driver reads.
    pub(crate) type Plan;

    /// Checks `connect(url, options)`'s arguments; throws an `MqttUsageError` naming the bad
    /// value.
    #[wasm_bindgen(js_name = readOptions, catch)]
    pub(crate) fn read_options(url: &JsValue, options: &JsValue) -> Result<Plan, JsValue>;

    /// An `Error` with a stable `name` for `kind` (see `client.js`), the reason `code` (-1:
    /// none) and its `reasonName`.
    #[wasm_bindgen(js_name = mqttError)]
    pub(crate) fn mqtt_error(kind: u8, code: i32, reason_name: &str, message: &str) -> JsValue;

    #[wasm_bindgen(method, getter)]
    pub(crate) fn version(this: &Plan) -> u8;
    /// `undefined`: generate one; empty: the server assigns one.
    #[wasm_bindgen(method, getter, js_name = clientId)]
    pub(crate) fn client_id(this: &Plan) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn clean(this: &Plan) -> bool;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn keepalive(this: &Plan) -> u16;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn username(this: &Plan) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn password(this: &Plan) -> Option<Vec<u8>>;
    /// reconnectPeriod, reconnectMaxPeriod, maxReconnectAttempts, connectTimeout, queueLimit,
    /// queueLimitBytes, in ms or counts; 0 where the option was not given.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn numbers(this: &Plan) -> Vec<f64>;
    /// resubscribe 1, queueQoSZero 2, autoAssignTopicAlias 4, autoUseTopicAlias 8.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn flags(this: &Plan) -> u8;
    /// CONNECT properties in their wire form.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn properties(this: &Plan) -> Vec<u8>;
    #[wasm_bindgen(method, getter, js_name = willTopic)]
    pub(crate) fn will_topic(this: &Plan) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = willPayload)]
    pub(crate) fn will_payload(this: &Plan) -> Vec<u8>;
    /// qos | retain << 2.
    #[wasm_bindgen(method, getter, js_name = willFlags)]
    pub(crate) fn will_flags(this: &Plan) -> u8;
    #[wasm_bindgen(method, getter, js_name = willProperties)]
    pub(crate) fn will_properties(this: &Plan) -> Vec<u8>;
    /// SCRAM-SHA-256 credentials, when `properties.authenticationMethod` asks for it.
    #[wasm_bindgen(method, getter, js_name = scramUser)]
    pub(crate) fn scram_user(this: &Plan) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = scramPassword)]
    pub(crate) fn scram_password(this: &Plan) -> Option<String>;
    /// `connect`'s URL, then one per `servers` entry.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn urls(this: &Plan) -> Vec<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn transform(this: &Plan) -> Option<Function>;
    /// The IndexedDB key of the session (`store` option).
    #[wasm_bindgen(method, getter, js_name = storeKey)]
    pub(crate) fn store_key(this: &Plan) -> Option<String>;
    /// The options as given, for `transformWsUrl(url, options)`.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn options(this: &Plan) -> JsValue;

}

#[wasm_bindgen(module = "/src/wasm/client.js")]
extern "C" {
    /// The client object around `driver`; with `wait`, a promise of it that settles on the
    /// first CONNACK or failure.
    #[wasm_bindgen(js_name = newClient)]
    pub(crate) fn new_client(driver: Driver, plan: &Plan, wait: bool) -> JsValue;

    /// The client object, told what the session did. Each method only records or calls the
    /// user's functions, catching what they throw.
    #[derive(Clone)]
    pub(crate) type Sink;

    #[wasm_bindgen(method, js_name = onConnecting)]
    pub(crate) fn on_connecting(this: &Sink, attempt: u32);
    /// CONNACK: properties in their wire form (empty under 3.x).
    #[wasm_bindgen(method, js_name = onConnect)]
    pub(crate) fn on_connect(
        this: &Sink,
        session_present: bool,
        reason_code: u8,
        return_code: u8,
        properties: &[u8],
    );
    /// A message; `payload` is a view into wasm memory, `properties` empty when there are none.
    #[wasm_bindgen(method, js_name = onMessage)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_message(
        this: &Sink,
        topic: &JsValue,
        payload: &[u8],
        qos: u8,
        retain: bool,
        dup: bool,
        message_id: Option<u16>,
        properties: &[u8],
    );
    /// A publish completed (`error` undefined) or failed.
    #[wasm_bindgen(method, js_name = onPublished)]
    pub(crate) fn on_published(this: &Sink, id: f64, reason_code: u8, error: JsValue);
    /// Granted QoS or failure code per filter (0x80 under 3.x).
    #[wasm_bindgen(method, js_name = onSubscribed)]
    pub(crate) fn on_subscribed(this: &Sink, id: f64, codes: &[u8]);
    #[wasm_bindgen(method, js_name = onUnsubscribed)]
    pub(crate) fn on_unsubscribed(this: &Sink, id: f64, codes: &[u8]);
    /// The server's DISCONNECT.
    #[wasm_bindgen(method, js_name = onDisconnect)]
    pub(crate) fn on_disconnect(
        this: &Sink,
        reason_code: u8,
        reason_string: Option<String>,
        server_reference: Option<String>,
    );
    /// The connection ended: `report` says whether `error` is also an `error` event; `ended`
    /// whether the client closed it on purpose.
    #[wasm_bindgen(method, js_name = onClose)]
    pub(crate) fn on_close(
        this: &Sink,
        error: JsValue,
        report: bool,
        ws_code: Option<u16>,
        ws_reason: Option<String>,
        by_client: bool,
    );
    #[wasm_bindgen(method, js_name = onEnd)]
    pub(crate) fn on_end(this: &Sink);
    #[wasm_bindgen(method, js_name = onReauth)]
    pub(crate) fn on_reauth(this: &Sink);
    /// An `error` event.
    #[wasm_bindgen(method, js_name = onError)]
    pub(crate) fn on_error(this: &Sink, error: JsValue);
    /// `packetsend` / `packetreceive`: the packet's strings, numbers, payload and properties
    /// in their wire form, laid out per command as `packet_view` describes.
    #[wasm_bindgen(method, js_name = onPacket)]
    pub(crate) fn on_packet(
        this: &Sink,
        sent: bool,
        cmd: &str,
        strings: Vec<String>,
        numbers: &[u32],
        payload: &[u8],
        properties: &[u8],
    );
}
