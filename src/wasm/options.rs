//! MQTT.js connect options → session [`Options`], refusing unknown and ill-typed ones with a
//! message that names them.

use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{
    bool_field, bytes, check_keys, describe, field, int_field, items, mqtt_string_field,
    options_object, own_keys, publish_properties_among, qos_field, string_field, topic_name,
    user_properties, PUBLISH_PROPERTIES,
};
use super::error::usage;
use crate::codec::{
    BinaryData, ConnectProperties, MqttString, ProtocolVersion, Will, WillProperties,
};
use crate::session::{ClientId, Options, QueueLimits, Reconnect};

/// Options this client reads.
const KNOWN: &[&str] = &[
    "protocolVersion",
    "clientId",
    "clean",
    "keepalive",
    "username",
    "password",
    "reconnectPeriod",
    "reconnectMaxPeriod",
    "maxReconnectAttempts",
    "connectTimeout",
    "resubscribe",
    "queueQoSZero",
    "will",
    "properties",
    "autoAssignTopicAlias",
    "autoUseTopicAlias",
    "queueLimit",
    "queueLimitBytes",
    "servers",
    "transformWsUrl",
    "store",
];

/// MQTT.js options that have no meaning in a browser or only restate a default: accepted and
/// ignored, so MQTT.js programs run unchanged.
const IGNORED: &[&str] = &[
    "protocol",
    "protocolId",
    "host",
    "hostname",
    "port",
    "path",
    "wsOptions",
    "log",
    "reschedulePings",
    "rejectUnauthorized",
    "manualConnect",
    "customHandleAcks",
    "incomingStore",
    "outgoingStore",
    "browserBufferSize",
    "objectMode",
    "properties.authenticationData",
];

/// Reads MQTT.js-style options. Returns the session options and the SCRAM credentials when
/// `properties.authenticationMethod` is `SCRAM-SHA-256`.
pub(crate) fn parse(js: &JsValue) -> Result<(Options, Option<(String, String)>), JsValue> {
    if !js.is_undefined() && !js.is_null() && !js.is_object() {
        return Err(usage(&format!("options must be an object, got {}", describe(js))));
    }
    check_known(js)?;
    let mut o = Options { protocol_version: ProtocolVersion::V3_1_1, ..Options::default() };
    if let Some(v) = int_field(js, "protocolVersion", 3.0, 5.0)? {
        o.protocol_version =
            ProtocolVersion::try_from(v as u8).map_err(|e| usage(&e.to_string()))?;
    }
    o.client_id = match string_field(js, "clientId")? {
        None => ClientId::Generate,
        Some(id) if id.is_empty() => ClientId::AssignedByServer,
        Some(id) => {
            ClientId::Fixed(MqttString::new(id).map_err(|e| usage(&format!("clientId: {e}")))?)
        }
    };
    o.clean_start = bool_field(js, "clean")?.unwrap_or(true);
    o.keep_alive = int_field(js, "keepalive", 0.0, 65_535.0)?.map_or(60, |k| k as u16);
    o.username = mqtt_string_field(js, "username")?;
    o.password = field(js, "password")?
        .map(|p| {
            bytes(&p, "password")
                .and_then(|b| BinaryData::new(b).map_err(|e| usage(&format!("password: {e}"))))
        })
        .transpose()?;
    parse_reconnect(js, &mut o)?;
    if let Some(ms) = int_field(js, "connectTimeout", 1.0, 86_400_000.0)? {
        o.connect_timeout = Duration::from_millis(ms as u64);
    }
    o.resubscribe = bool_field(js, "resubscribe")?.unwrap_or(true);
    o.queue_qos0 = bool_field(js, "queueQoSZero")?.unwrap_or(true);
    o.auto_assign_topic_alias = bool_field(js, "autoAssignTopicAlias")?.unwrap_or(false)
        || bool_field(js, "autoUseTopicAlias")?.unwrap_or(false);
    o.queue_limits = QueueLimits {
        max_messages: int_field(js, "queueLimit", 1.0, 1e9)?
            .map_or(QueueLimits::default().max_messages, |n| n as usize),
        max_bytes: int_field(js, "queueLimitBytes", 1.0, 1e12)?
            .map_or(QueueLimits::default().max_bytes, |n| n as usize),
    };
    o.will = field(js, "will")?.map(|w| parse_will(&w)).transpose()?;
    let mut scram = None;
    if let Some(props) = field(js, "properties")? {
        let (properties, method) = parse_connect_properties(&props)?;
        o.properties = properties;
        if let Some(method) = method {
            if method != crate::scram::SCRAM_SHA_256 {
                return Err(usage(&format!(
                    "authenticationMethod {method:?} is not supported; use \"SCRAM-SHA-256\""
                )));
            }
            let user = o
                .username
                .as_ref()
                .map(|u| u.to_string())
                .ok_or_else(|| usage("SCRAM-SHA-256 needs a username"))?;
            let password = o
                .password
                .take()
                .map(|p| String::from_utf8_lossy(&p).into_owned())
                .ok_or_else(|| usage("SCRAM-SHA-256 needs a password"))?;
            // SCRAM carries the credentials in the AUTH exchange, not in CONNECT.
            o.username = None;
            scram = Some((user, password));
        }
    }
    Ok((o, scram))
}

fn check_known(js: &JsValue) -> Result<(), JsValue> {
    let Some(obj) = js.dyn_ref::<Object>() else { return Ok(()) };
    for key in own_keys(obj, "options")? {
        if !KNOWN.contains(&key.as_str()) && !IGNORED.contains(&key.as_str()) {
            return Err(usage(&format!(
                "unknown option {key:?}; known options are {}",
                KNOWN.join(", ")
            )));
        }
    }
    Ok(())
}

fn parse_reconnect(js: &JsValue, o: &mut Options) -> Result<(), JsValue> {
    let period = int_field(js, "reconnectPeriod", 0.0, 86_400_000.0)?.unwrap_or(1000.0);
    let max =
        int_field(js, "reconnectMaxPeriod", 0.0, 86_400_000.0)?.unwrap_or(period.max(30_000.0));
    if max < period {
        return Err(usage(&format!(
            "reconnectMaxPeriod {} is below reconnectPeriod {}",
            max as u64, period as u64
        )));
    }
    o.reconnect = Reconnect {
        enabled: period > 0.0,
        min_delay: Duration::from_millis(period as u64),
        max_delay: Duration::from_millis(max as u64),
        max_attempts: int_field(js, "maxReconnectAttempts", 1.0, 1e9)?.map(|n| n as u32),
        ..Reconnect::default()
    };
    Ok(())
}

fn parse_will(w: &JsValue) -> Result<Will, JsValue> {
    options_object(w, "will")?;
    check_keys(w, &["topic", "payload", "qos", "retain", "properties"], "will")?;
    let topic = field(w, "topic")?.ok_or_else(|| usage("will.topic is required"))?;
    let payload =
        field(w, "payload")?.map(|p| bytes(&p, "will.payload")).transpose()?.unwrap_or_default();
    let props = field(w, "properties")?.unwrap_or(JsValue::UNDEFINED);
    let mut known = PUBLISH_PROPERTIES.to_vec();
    known.push("willDelayInterval");
    let publish = publish_properties_among(&props, &known)?;
    Ok(Will {
        topic: topic_name(&topic, "will.topic")?,
        payload: BinaryData::new(payload).map_err(|e| usage(&format!("will.payload: {e}")))?,
        qos: qos_field(w, "qos")?.unwrap_or_default(),
        retain: bool_field(w, "retain")?.unwrap_or(false),
        properties: WillProperties {
            will_delay_interval: int_field(&props, "willDelayInterval", 0.0, 4_294_967_295.0)?
                .map(|n| n as u32),
            payload_format_indicator: publish.payload_format_indicator,
            message_expiry_interval: publish.message_expiry_interval,
            content_type: publish.content_type,
            response_topic: publish.response_topic,
            correlation_data: publish.correlation_data,
            user_properties: publish.user_properties,
        },
    })
}

fn parse_connect_properties(p: &JsValue) -> Result<(ConnectProperties, Option<String>), JsValue> {
    options_object(p, "properties")?;
    check_keys(
        p,
        &[
            "sessionExpiryInterval",
            "receiveMaximum",
            "maximumPacketSize",
            "topicAliasMaximum",
            "requestResponseInformation",
            "requestProblemInformation",
            "userProperties",
            "authenticationMethod",
            "authenticationData",
        ],
        "connect properties",
    )?;
    let properties = ConnectProperties {
        session_expiry_interval: int_field(p, "sessionExpiryInterval", 0.0, 4_294_967_295.0)?
            .map(|n| n as u32),
        receive_maximum: int_field(p, "receiveMaximum", 1.0, 65_535.0)?
            .and_then(|n| NonZeroU16::new(n as u16)),
        maximum_packet_size: int_field(p, "maximumPacketSize", 1.0, 268_435_460.0)?
            .and_then(|n| NonZeroU32::new(n as u32)),
        topic_alias_maximum: int_field(p, "topicAliasMaximum", 0.0, 65_535.0)?.map(|n| n as u16),
        request_response_information: bool_field(p, "requestResponseInformation")?,
        request_problem_information: bool_field(p, "requestProblemInformation")?,
        user_properties: user_properties(p)?,
        authentication_method: None,
        authentication_data: None,
    };
    let method = string_field(p, "authenticationMethod")?;
    let _ = Reflect::has(p, &"authenticationData".into());
    Ok((properties, method))
}

/// `connect`'s URL, then one per `servers` entry (`{host, port, protocol, path}`), tried in
/// rotation on reconnect like MQTT.js.
pub(crate) fn urls(url: &str, js: &JsValue) -> Result<Vec<String>, JsValue> {
    let mut urls = vec![url.to_owned()];
    let Some(servers) = field(js, "servers")? else { return Ok(urls) };
    if !js_sys::Array::is_array(&servers) {
        return Err(usage(&format!("servers must be an array, got {}", describe(&servers))));
    }
    for (i, server) in items(&servers, "servers")?.into_iter().enumerate() {
        let host = string_field(&server, "host")?
            .ok_or_else(|| usage(&format!("servers[{i}].host is required")))?;
        let protocol = string_field(&server, "protocol")?.unwrap_or_else(|| "ws".into());
        if protocol != "ws" && protocol != "wss" {
            return Err(usage(&format!(
                "servers[{i}].protocol must be \"ws\" or \"wss\", got {protocol:?}"
            )));
        }
        let port = int_field(&server, "port", 1.0, 65_535.0)?
            .map(|p| format!(":{}", p as u16))
            .unwrap_or_default();
        let path = string_field(&server, "path")?.unwrap_or_else(|| "/mqtt".into());
        urls.push(format!("{protocol}://{host}{port}{path}"));
    }
    Ok(urls)
}
