//! Between JS values and the core's types, with MQTT.js's names: reading options and
//! properties (each bad value a typed error naming it) and building packet objects.

use std::num::{NonZeroU16, NonZeroU32};

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::error::usage;
use crate::codec::{
    BinaryData, ConnAck, ConnAckProperties, MqttString, PublishProperties, QoS, SubscriptionId,
    UserProperty,
};
use crate::session::Message;
use crate::topic::TopicName;

thread_local! {
    /// JS strings of the property names used, made once: creating a JS string from Rust
    /// decodes UTF-8 on every call, which costs more than the property access itself.
    static KEYS: std::cell::RefCell<Vec<(&'static str, JsValue)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The JS string of a property name (or another constant string), cached.
pub(crate) fn js_key(key: &'static str) -> JsValue {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        // Literals are compared by address first: the common case costs no string compare.
        if let Some((_, v)) = keys.iter().find(|(k, _)| std::ptr::eq(*k, key) || *k == key) {
            return v.clone();
        }
        let v = JsValue::from_str(key);
        keys.push((key, v.clone()));
        v
    })
}

/// A field of a JS object; `None` when absent, `undefined` or `null`. A getter or Proxy trap
/// that throws is a usage error naming the field: taking it for absent would apply a default
/// the caller never asked for.
pub(crate) fn field(obj: &JsValue, key: &'static str) -> Result<Option<JsValue>, JsValue> {
    if !obj.is_object() {
        return Ok(None);
    }
    let v = Reflect::get(obj, &js_key(key)).map_err(|e| thrown(key, &e))?;
    Ok(Some(v).filter(|v| !v.is_undefined() && !v.is_null()))
}

/// A usage error for JS code of the caller's that threw while `what` was read.
fn thrown(what: &str, e: &JsValue) -> JsValue {
    let detail = match e.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => describe(e),
    };
    usage(&format!("reading {what} threw: {detail}"))
}

/// The own string keys of an object, in order. The `catch` variants of the JS calls keep a
/// throwing Proxy trap from unwinding through the wasm (which would skip Rust's cleanup).
pub(crate) fn own_keys(obj: &Object, what: &str) -> Result<Vec<String>, JsValue> {
    let keys = Reflect::own_keys(obj).map_err(|e| thrown(&format!("the keys of {what}"), &e))?;
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// The own string-keyed entries of an object, in order.
pub(crate) fn entries(obj: &Object, what: &str) -> Result<Vec<(String, JsValue)>, JsValue> {
    own_keys(obj, what)?
        .into_iter()
        .map(|key| {
            let v = Reflect::get(obj, &JsValue::from_str(&key))
                .map_err(|e| thrown(&format!("{what}.{key}"), &e))?;
            Ok((key, v))
        })
        .collect()
}

/// The items of a JS array (or a Proxy of one), read without trusting its traps.
pub(crate) fn items(array: &JsValue, what: &str) -> Result<Vec<JsValue>, JsValue> {
    let len = Reflect::get(array, &js_key("length")).map_err(|e| thrown(what, &e))?;
    let len = len.as_f64().unwrap_or(0.0).clamp(0.0, f64::from(u32::MAX)) as u32;
    (0..len)
        .map(|i| Reflect::get_u32(array, i).map_err(|e| thrown(&format!("{what}[{i}]"), &e)))
        .collect()
}

pub(crate) fn bool_field(obj: &JsValue, key: &'static str) -> Result<Option<bool>, JsValue> {
    field(obj, key)?
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| usage(&format!("{key} must be a boolean, got {}", describe(&v))))
        })
        .transpose()
}

/// A whole number in `min..=max`.
pub(crate) fn int_field(
    obj: &JsValue,
    key: &'static str,
    min: f64,
    max: f64,
) -> Result<Option<f64>, JsValue> {
    let Some(v) = field(obj, key)? else { return Ok(None) };
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(usage(&format!(
            "{key} must be a whole number from {} to {}, got {}",
            min as i64,
            max as i64,
            describe(&v)
        ))),
    }
}

pub(crate) fn string_field(obj: &JsValue, key: &'static str) -> Result<Option<String>, JsValue> {
    field(obj, key)?
        .map(|v| {
            v.as_string()
                .ok_or_else(|| usage(&format!("{key} must be a string, got {}", describe(&v))))
        })
        .transpose()
}

pub(crate) fn mqtt_string_field(
    obj: &JsValue,
    key: &'static str,
) -> Result<Option<MqttString>, JsValue> {
    string_field(obj, key)?
        .map(|s| MqttString::new(s).map_err(|e| usage(&format!("{key}: {e}"))))
        .transpose()
}

/// Refuses keys of `obj` that are not in `known`, naming the key and where it was found: a
/// typo (`retian`, `qoss`) would otherwise be ignored silently.
pub(crate) fn check_keys(obj: &JsValue, known: &[&str], what: &str) -> Result<(), JsValue> {
    let Some(o) = obj.dyn_ref::<Object>() else { return Ok(()) };
    for key in own_keys(o, what)? {
        if !known.contains(&key.as_str()) {
            return Err(usage(&format!(
                "unknown option {key:?} in {what}; known: {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// An options argument: absent, or an object.
pub(crate) fn options_object(v: &JsValue, what: &str) -> Result<(), JsValue> {
    if v.is_undefined() || v.is_null() || (v.is_object() && !Array::is_array(v) && !v.is_function())
    {
        Ok(())
    } else {
        Err(usage(&format!("{what} must be an object, got {}", describe(v))))
    }
}

/// Names of PUBLISH properties (MQTT.js).
pub(crate) const PUBLISH_PROPERTIES: &[&str] = &[
    "payloadFormatIndicator",
    "messageExpiryInterval",
    "topicAlias",
    "responseTopic",
    "correlationData",
    "userProperties",
    "subscriptionIdentifier",
    "contentType",
];

/// A short description of a JS value for error messages.
pub(crate) fn describe(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        let preview: String = s.chars().take(40).collect();
        return format!("the string {preview:?}");
    }
    if let Some(n) = v.as_f64() {
        // JS formats the number: Rust's float formatting would cost 20 KB of wasm.
        return js_sys::Number::from(n)
            .to_string_with_radix(10)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
    }
    if let Some(b) = v.as_bool() {
        return format!("{b}");
    }
    if Array::is_array(v) {
        return "an array".into();
    }
    if v.is_function() {
        return "a function".into();
    }
    if v.is_object() {
        return "an object".into();
    }
    "an unsupported value".into()
}

/// A payload: a string (UTF-8) or bytes (`Uint8Array`, `ArrayBuffer`, any typed array view).
pub(crate) fn bytes(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(b).to_vec());
    }
    if ArrayBufferView::is(v) {
        let buffer = Reflect::get(v, &"buffer".into()).unwrap_or_default();
        let offset =
            Reflect::get(v, &"byteOffset".into()).ok().and_then(|o| o.as_f64()).unwrap_or(0.0)
                as u32;
        let len = Reflect::get(v, &"byteLength".into()).ok().and_then(|o| o.as_f64()).unwrap_or(0.0)
            as u32;
        if let Some(b) = buffer.dyn_ref::<js_sys::ArrayBuffer>() {
            return Ok(Uint8Array::new_with_byte_offset_and_length(b, offset, len).to_vec());
        }
    }
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    Err(usage(&format!("{what} must be a string or a Uint8Array, got {}", describe(v))))
}

struct ArrayBufferView;

impl ArrayBufferView {
    fn is(v: &JsValue) -> bool {
        js_sys::ArrayBuffer::is_view(v)
    }
}

pub(crate) fn qos_field(obj: &JsValue, key: &'static str) -> Result<Option<QoS>, JsValue> {
    Ok(match int_field(obj, key, 0.0, 2.0) {
        Ok(q) => q.and_then(|q| QoS::try_from(q as u8).ok()),
        Err(_) => {
            let v = field(obj, key)?.unwrap_or_default();
            return Err(usage(&format!("{key} must be 0, 1 or 2, got {}", describe(&v))));
        }
    })
}

pub(crate) fn topic_name(v: &JsValue, what: &str) -> Result<TopicName, JsValue> {
    let s = v
        .as_string()
        .ok_or_else(|| usage(&format!("{what} must be a string, got {}", describe(v))))?;
    TopicName::new(s).map_err(|e| usage(&e.to_string()))
}

/// `userProperties`: `{key: value | value[]}`, kept in order, repeats from arrays.
pub(crate) fn user_properties(obj: &JsValue) -> Result<Vec<UserProperty>, JsValue> {
    let Some(v) = field(obj, "userProperties")? else { return Ok(Vec::new()) };
    let Some(o) = v.dyn_ref::<Object>() else {
        return Err(usage(&format!("userProperties must be an object, got {}", describe(&v))));
    };
    let mut out = Vec::new();
    for (key, value) in entries(o, "userProperties")? {
        let values: Vec<JsValue> = if Array::is_array(&value) {
            items(&value, &format!("userProperties.{key}"))?
        } else {
            vec![value]
        };
        for v in values {
            let text = v.as_string().ok_or_else(|| {
                usage(&format!(
                    "userProperties.{key} must be a string or strings, got {}",
                    describe(&v)
                ))
            })?;
            out.push(
                UserProperty::new(key.clone(), text)
                    .map_err(|e| usage(&format!("userProperties.{key}: {e}")))?,
            );
        }
    }
    Ok(out)
}

fn binary_field(obj: &JsValue, key: &'static str) -> Result<Option<BinaryData>, JsValue> {
    field(obj, key)?
        .map(|v| {
            bytes(&v, key)
                .and_then(|b| BinaryData::new(b).map_err(|e| usage(&format!("{key}: {e}"))))
        })
        .transpose()
}

/// PUBLISH properties from MQTT.js's `properties` object.
pub(crate) fn publish_properties(props: &JsValue) -> Result<PublishProperties, JsValue> {
    publish_properties_among(props, PUBLISH_PROPERTIES)
}

/// PUBLISH-like properties, allowing the names in `known` (will properties add one).
pub(crate) fn publish_properties_among(
    props: &JsValue,
    known: &[&str],
) -> Result<PublishProperties, JsValue> {
    options_object(props, "properties")?;
    check_keys(props, known, "properties")?;
    let mut p = PublishProperties {
        payload_format_indicator: match field(props, "payloadFormatIndicator")? {
            Some(v) => Some(
                v.as_bool()
                    .or_else(|| v.as_f64().map(|n| n != 0.0))
                    .ok_or_else(|| usage("payloadFormatIndicator must be a boolean"))?,
            ),
            None => None,
        },
        message_expiry_interval: int_field(props, "messageExpiryInterval", 0.0, 4_294_967_295.0)?
            .map(|n| n as u32),
        topic_alias: int_field(props, "topicAlias", 1.0, 65_535.0)?
            .and_then(|n| NonZeroU16::new(n as u16)),
        response_topic: field(props, "responseTopic")?
            .map(|v| topic_name(&v, "responseTopic"))
            .transpose()?,
        correlation_data: binary_field(props, "correlationData")?,
        user_properties: user_properties(props)?,
        subscription_identifiers: Vec::new(),
        content_type: mqtt_string_field(props, "contentType")?,
    };
    if let Some(v) = field(props, "subscriptionIdentifier")? {
        let n = v.as_f64().unwrap_or(0.0) as u32;
        p.subscription_identifiers.push(SubscriptionId::new(n).map_err(|e| usage(&e.to_string()))?);
    }
    Ok(p)
}

/// A JS object under construction.
pub(crate) struct Obj(Object);

impl Obj {
    pub(crate) fn new() -> Self {
        Self(Object::new())
    }

    pub(crate) fn set(self, key: &'static str, value: impl Into<JsValue>) -> Self {
        let _ = Reflect::set(&self.0, &js_key(key), &value.into());
        self
    }

    pub(crate) fn opt(self, key: &'static str, value: Option<impl Into<JsValue>>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    pub(crate) fn build(self) -> JsValue {
        self.0.into()
    }
}

pub(crate) fn uint8(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

fn user_properties_js(props: &[UserProperty]) -> Option<JsValue> {
    if props.is_empty() {
        return None;
    }
    let obj = Object::new();
    for p in props {
        let key = JsValue::from_str(&p.key);
        let value = JsValue::from_str(&p.value);
        match Reflect::get(&obj, &key).ok().filter(|v| !v.is_undefined()) {
            Some(existing) if Array::is_array(&existing) => {
                existing.unchecked_ref::<Array>().push(&value);
            }
            Some(existing) => {
                let _ = Reflect::set(&obj, &key, &Array::of2(&existing, &value));
            }
            None => {
                let _ = Reflect::set(&obj, &key, &value);
            }
        }
    }
    Some(obj.into())
}

fn str_js(s: &Option<MqttString>) -> Option<JsValue> {
    s.as_ref().map(|s| JsValue::from_str(s))
}

pub(crate) fn publish_properties_js(p: &PublishProperties) -> JsValue {
    let ids = match p.subscription_identifiers.as_slice() {
        [] => None,
        [one] => Some(JsValue::from(one.get())),
        many => Some(many.iter().map(|i| JsValue::from(i.get())).collect::<Array>().into()),
    };
    Obj::new()
        .opt("payloadFormatIndicator", p.payload_format_indicator)
        .opt("messageExpiryInterval", p.message_expiry_interval)
        .opt("topicAlias", p.topic_alias.map(|a| a.get()))
        .opt("responseTopic", p.response_topic.as_ref().map(|t| JsValue::from_str(t)))
        .opt("correlationData", p.correlation_data.as_ref().map(|d| uint8(d)))
        .opt("userProperties", user_properties_js(&p.user_properties))
        .opt("subscriptionIdentifier", ids)
        .opt("contentType", str_js(&p.content_type))
        .build()
}

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    /// Builds the `packet` of a `message` event and calls `listeners` with `(topic, payload,
    /// packet)`, in JS: one call per message instead of a crossing per field and per listener.
    /// `payload` is a view into wasm memory; the packet holds a copy.
    #[wasm_bindgen(js_name = deliverMessage)]
    #[allow(clippy::too_many_arguments)]
    fn deliver_message_js(
        listeners: &Array,
        topic: &JsValue,
        payload: &[u8],
        qos: u8,
        retain: bool,
        dup: bool,
        message_id: Option<u16>,
        properties: JsValue,
    ) -> Object;

    /// `publish` options of the common shape as `qos | retain << 2`, or -1 for the full reader.
    #[wasm_bindgen(js_name = plainPublishOptions)]
    fn plain_publish_options_js(options: &JsValue) -> i32;
}

/// Builds a `message` event's `packet` (MQTT.js's field names), calling `listeners` with it.
/// `topic` is the topic as a JS string (the caller may have it cached).
pub(crate) fn deliver_message(listeners: &Array, topic: &JsValue, m: &Message) -> Object {
    let properties = if m.properties == PublishProperties::default() {
        JsValue::UNDEFINED
    } else {
        publish_properties_js(&m.properties)
    };
    deliver_message_js(
        listeners,
        topic,
        &m.payload,
        m.qos as u8,
        m.retain,
        m.dup,
        m.packet_id,
        properties,
    )
}

/// `(qos, retain)` when `publish` options hold nothing but valid `qos`, `retain` and `dup`
/// (what nearly every call passes): read in one crossing instead of a dozen. `None` sends the
/// options through the full reader, which names whatever is wrong.
pub(crate) fn plain_publish_options(options: &JsValue) -> Option<(QoS, bool)> {
    let packed = u8::try_from(plain_publish_options_js(options)).ok()?;
    Some((QoS::try_from(packed & 3).ok()?, packed & 4 != 0))
}

fn connack_properties_js(p: &ConnAckProperties) -> JsValue {
    Obj::new()
        .opt("sessionExpiryInterval", p.session_expiry_interval)
        .opt("receiveMaximum", p.receive_maximum.map(|r| r.get()))
        .opt("maximumQoS", p.maximum_qos.map(|q| q as u8))
        .opt("retainAvailable", p.retain_available)
        .opt("maximumPacketSize", p.maximum_packet_size.map(NonZeroU32::get))
        .opt("assignedClientIdentifier", str_js(&p.assigned_client_identifier))
        .opt("topicAliasMaximum", p.topic_alias_maximum)
        .opt("reasonString", str_js(&p.reason_string))
        .opt("userProperties", user_properties_js(&p.user_properties))
        .opt("wildcardSubscriptionAvailable", p.wildcard_subscription_available)
        .opt("subscriptionIdentifiersAvailable", p.subscription_identifiers_available)
        .opt("sharedSubscriptionAvailable", p.shared_subscription_available)
        .opt("serverKeepAlive", p.server_keep_alive)
        .opt("responseInformation", str_js(&p.response_information))
        .opt("serverReference", str_js(&p.server_reference))
        .opt("authenticationMethod", str_js(&p.authentication_method))
        .opt("authenticationData", p.authentication_data.as_ref().map(|d| uint8(d)))
        .build()
}

/// The `connack` argument of the `connect` event.
pub(crate) fn connack_packet(c: &ConnAck, v5: bool) -> JsValue {
    let obj = Obj::new().set("cmd", "connack").set("sessionPresent", c.session_present);
    if v5 {
        obj.set("reasonCode", c.reason_code as u8)
            .set("properties", connack_properties_js(&c.properties))
            .build()
    } else {
        obj.set("returnCode", c.reason_code.to_v3_connack()).build()
    }
}
