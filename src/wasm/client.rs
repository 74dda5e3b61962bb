//! The MQTT.js-shaped client class and the `connect` / `connectAsync` entry points.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;

use super::convert::{
    bool_field, bytes, check_keys, describe, entries, field, int_field, items, options_object,
    publish_properties, qos_field, topic_name, user_properties,
};
use super::driver::{emit, pump, Completion, Handler, Listener, Pending, Shared, Waiting};
use super::error::{self, usage};
use super::{host, options};
use crate::codec::{
    BinaryData, PublishProperties, QoS, ReasonCode, RetainHandling, SubscribeProperties,
    Subscription, SubscriptionId, SubscriptionOptions, UnsubscribeProperties,
};
use crate::scram::ScramSha256;
use crate::session::{PublishRequest, Session};
use crate::topic::{TopicFilter, TopicName};

/// An MQTT client, as `mqtt.connect()` returns in MQTT.js.
#[wasm_bindgen]
pub struct MqttClient {
    shared: Rc<Shared>,
}

impl std::fmt::Debug for MqttClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MqttClient").field("urls", &self.shared.urls).finish_non_exhaustive()
    }
}

fn check_url(url: &str) -> Result<(), JsValue> {
    if url.starts_with("ws://") || url.starts_with("wss://") {
        Ok(())
    } else {
        Err(usage(&format!("the URL must start with ws:// or wss://, got {url:?}")))
    }
}

fn start(url: String, options: JsValue) -> Result<MqttClient, JsValue> {
    check_url(&url)?;
    let (opts, scram) = options::parse(&options)?;
    let mut session = Session::new(opts, host::random_seed()).map_err(|e| error::from_usage(&e))?;
    if let Some((user, password)) = scram {
        let scram = ScramSha256::new(&user, &password, &host::random_bytes(32));
        session.set_authenticator(Box::new(scram)).map_err(|e| error::from_usage(&e))?;
    }
    let urls = options::urls(&url, &options)?;
    let transform = match field(&options, "transformWsUrl")? {
        Some(f) => Some(f.dyn_into::<Function>().map_err(|f| {
            usage(&format!("transformWsUrl must be a function, got {}", describe(&f)))
        })?),
        None => None,
    };
    let store_key = store_key(&options)?;
    Ok(MqttClient { shared: Shared::new(store_key, session, urls, transform, options) })
}

/// `store: true` or `{ name }`: the IndexedDB key for this client's session. The session is
/// found again by its client id, so one must be given.
fn store_key(options: &JsValue) -> Result<Option<String>, JsValue> {
    let Some(store) = field(options, "store")? else { return Ok(None) };
    let name = match store.as_bool() {
        Some(false) => return Ok(None),
        Some(true) => "default".to_owned(),
        None => string_field_of(&store, "name")?.unwrap_or_else(|| "default".into()),
    };
    let client_id = string_field_of(options, "clientId")?.filter(|id| !id.is_empty());
    let client_id = client_id
        .ok_or_else(|| usage("store needs a clientId: the stored session is found again by it"))?;
    Ok(Some(format!("{name}/{client_id}")))
}

fn string_field_of(obj: &JsValue, key: &'static str) -> Result<Option<String>, JsValue> {
    super::convert::string_field(obj, key)
}

/// Connects to `url` (`ws://` or `wss://`) in the background, like MQTT.js's `connect`.
#[wasm_bindgen]
pub fn connect(
    url: String,
    #[wasm_bindgen(unchecked_param_type = "IClientOptions")] options: Option<JsValue>,
) -> Result<MqttClient, JsValue> {
    let client = start(url, options.unwrap_or(JsValue::UNDEFINED))?;
    super::store::begin(&client.shared);
    Ok(client)
}

/// Connects and resolves with the client on CONNACK; rejects with a typed error on refusal or
/// failure (and stops trying), like MQTT.js's `connectAsync`.
#[wasm_bindgen(js_name = connectAsync, unchecked_return_type = "Promise<MqttClient>")]
pub fn connect_async(
    url: String,
    #[wasm_bindgen(unchecked_param_type = "IClientOptions")] options: Option<JsValue>,
) -> Promise {
    let client = match start(url, options.unwrap_or(JsValue::UNDEFINED)) {
        Ok(c) => c,
        Err(e) => return Promise::reject(&e),
    };
    let shared = client.shared.clone();
    let handle = JsValue::from(client);
    let waiter = Promise::new(&mut |resolve, reject| {
        shared.core.borrow_mut().connect_waiter = Some((resolve, reject, handle.clone()));
    });
    super::store::begin(&shared);
    waiter
}

/// `publish(topic, message, options?, callback?)` arguments, where options may be the callback.
fn split_args(options: JsValue, callback: JsValue) -> (JsValue, Option<Function>) {
    if options.is_function() {
        (JsValue::UNDEFINED, options.dyn_into().ok())
    } else {
        (options, callback.dyn_into().ok())
    }
}

fn subscriptions(
    topics: &JsValue,
    options: &JsValue,
) -> Result<(Vec<Subscription>, SubscribeProperties), JsValue> {
    options_object(options, "subscribe options")?;
    check_keys(options, &["qos", "nl", "rap", "rh", "properties", "handler"], "subscribe options")?;
    let parse_one = |filter: &str, o: &JsValue| -> Result<Subscription, JsValue> {
        let handling = int_field(o, "rh", 0.0, 2.0)?.map(|n| n as u8).unwrap_or(0);
        Ok(Subscription {
            filter: TopicFilter::new(filter).map_err(|e| usage(&e.to_string()))?,
            options: SubscriptionOptions {
                qos: qos_field(o, "qos")?.unwrap_or_default(),
                no_local: bool_field(o, "nl")?.unwrap_or(false),
                retain_as_published: bool_field(o, "rap")?.unwrap_or(false),
                retain_handling: RetainHandling::try_from(handling)
                    .map_err(|e| usage(&e.to_string()))?,
            },
        })
    };
    let mut subs = Vec::new();
    if let Some(t) = topics.as_string() {
        subs.push(parse_one(&t, options)?);
    } else if Array::is_array(topics) {
        for t in items(topics, "topics")? {
            let t = t
                .as_string()
                .ok_or_else(|| usage(&format!("topics must be strings, got {}", describe(&t))))?;
            subs.push(parse_one(&t, options)?);
        }
    } else if let Some(map) = topics.dyn_ref::<Object>() {
        for (t, o) in entries(map, "topics")? {
            let o = if o.as_f64().is_some() { Obj1::qos(o) } else { o };
            subs.push(parse_one(&t, &o)?);
        }
    } else {
        return Err(usage(&format!(
            "topic must be a string, an array or an object, got {}",
            describe(topics)
        )));
    }
    let props = field(options, "properties")?.unwrap_or(JsValue::UNDEFINED);
    options_object(&props, "subscribe properties")?;
    check_keys(&props, &["subscriptionIdentifier", "userProperties"], "subscribe properties")?;
    let properties = SubscribeProperties {
        subscription_identifier: int_field(&props, "subscriptionIdentifier", 1.0, 268_435_455.0)?
            .map(|n| SubscriptionId::new(n as u32).map_err(|e| usage(&e.to_string())))
            .transpose()?,
        user_properties: user_properties(&props)?,
    };
    Ok((subs, properties))
}

/// A publish from MQTT.js-style `publish(topic, message, options)` arguments.
fn publish_request(
    topic: &JsValue,
    message: &JsValue,
    options: &JsValue,
) -> Result<PublishRequest, JsValue> {
    if let Some((qos, retain)) = super::convert::plain_publish_options(options) {
        return Ok(PublishRequest {
            topic: topic_name(topic, "topic")?,
            payload: bytes(message, "message")?,
            qos,
            retain,
            properties: PublishProperties::default(),
        });
    }
    options_object(options, "publish options")?;
    check_keys(
        options,
        &["qos", "retain", "dup", "properties", "timeout", "cbStorePut"],
        "publish options",
    )?;
    let props = field(options, "properties")?.unwrap_or(JsValue::UNDEFINED);
    Ok(PublishRequest {
        topic: topic_name(topic, "topic")?,
        payload: bytes(message, "message")?,
        qos: qos_field(options, "qos")?.unwrap_or_default(),
        retain: bool_field(options, "retain")?.unwrap_or(false),
        properties: publish_properties(&props)?,
    })
}

/// `{topic: qos}` shorthand.
struct Obj1;

impl Obj1 {
    fn qos(q: JsValue) -> JsValue {
        super::convert::Obj::new().set("qos", q).build()
    }
}

impl MqttClient {
    fn do_publish(
        &self,
        topic: JsValue,
        message: JsValue,
        options: JsValue,
    ) -> Result<(u64, QoS), JsValue> {
        let request = publish_request(&topic, &message, &options)?;
        let qos = request.qos;
        let id = self.shared.core.borrow_mut().session.publish(host::now(), request);
        id.map(|id| (id.0, qos)).map_err(|e| error::from_usage(&e))
    }

    /// The request/response pattern (MQTT 5): publishes with a response topic and fresh
    /// correlation data, subscribes to the response topic once, and resolves with the first
    /// message that carries the same correlation data.
    fn start_request(
        &self,
        topic: JsValue,
        payload: JsValue,
        options: JsValue,
    ) -> Result<(Vec<u8>, u32, PublishRequest), JsValue> {
        let mut request = publish_request(&topic, &payload, &options)?;
        let (version, client_id) = {
            let core = self.shared.core.borrow();
            (core.session.version(), core.session.client_id().to_owned())
        };
        if !version.is_v5() {
            return Err(usage("request() needs MQTT 5.0 (response topic and correlation data)"));
        }
        let timeout = int_field(&options, "timeout", 1.0, 86_400_000.0)?.unwrap_or(30_000.0) as u32;
        let reply_topic = match request.properties.response_topic.clone() {
            Some(t) => t,
            None => {
                let base = self
                    .shared
                    .response_information
                    .borrow()
                    .clone()
                    .unwrap_or_else(|| "wasmqtt/responses".into());
                TopicName::new(format!("{}/{client_id}", base.trim_end_matches('/')))
                    .map_err(|e| usage(&e.to_string()))?
            }
        };
        let first_use =
            !self.shared.reply_topics.borrow().iter().any(|t| t == reply_topic.as_str());
        if first_use {
            self.shared.reply_topics.borrow_mut().push(reply_topic.to_string());
            let sub = Subscription {
                filter: TopicFilter::new(reply_topic.as_str())
                    .map_err(|e| usage(&e.to_string()))?,
                options: SubscriptionOptions { qos: QoS::AtLeastOnce, ..Default::default() },
            };
            let subscribed = self.shared.core.borrow_mut().session.subscribe(
                host::now(),
                vec![sub],
                Default::default(),
            );
            subscribed.map_err(|e| error::from_usage(&e))?;
        }
        let correlation = host::random_bytes(16);
        request.properties.response_topic = Some(reply_topic);
        request.properties.correlation_data =
            Some(BinaryData::new(correlation.clone()).map_err(|e| usage(&e.to_string()))?);
        Ok((correlation, timeout, request))
    }

    fn do_subscribe(
        &self,
        topics: JsValue,
        options: JsValue,
    ) -> Result<(u64, Vec<(String, SubscriptionOptions)>), JsValue> {
        let (subs, mut properties) = subscriptions(&topics, &options)?;
        let handler: Option<Function> = match field(&options, "handler")? {
            Some(h) => Some(h.dyn_into().map_err(|h| {
                usage(&format!("handler must be a function, got {}", describe(&h)))
            })?),
            None => None,
        };
        if handler.is_some() {
            // Identify the subscription so that overlapping ones reach only their own handler,
            // where the server supports identifiers; otherwise filters are matched locally.
            let ids_available = {
                let core = self.shared.core.borrow();
                core.session.version().is_v5()
                    && core
                        .session
                        .server_limits()
                        .is_some_and(|l| l.subscription_identifiers_available)
            };
            if properties.subscription_identifier.is_none() && ids_available {
                let next = self
                    .shared
                    .handlers
                    .borrow()
                    .iter()
                    .filter_map(|h| h.subscription_id)
                    .max()
                    .unwrap_or(0)
                    + 1;
                properties.subscription_identifier = SubscriptionId::new(next).ok();
            }
        }
        let subscription_id = properties.subscription_identifier.map(|i| i.get());
        let names = subs.iter().map(|s| (s.filter.to_string(), s.options)).collect();
        let filters: Vec<TopicFilter> = subs.iter().map(|s| s.filter.clone()).collect();
        let id = self.shared.core.borrow_mut().session.subscribe(host::now(), subs, properties);
        if let (Ok(_), Some(f)) = (&id, handler) {
            let mut handlers = self.shared.handlers.borrow_mut();
            for filter in filters {
                handlers.retain(|h| h.filter != filter);
                handlers.push(Handler { filter, subscription_id, f: f.clone() });
            }
        }
        id.map(|id| (id.0, names)).map_err(|e| error::from_usage(&e))
    }

    fn do_unsubscribe(&self, topics: JsValue, options: JsValue) -> Result<u64, JsValue> {
        let list: Vec<JsValue> =
            if Array::is_array(&topics) { items(&topics, "topics")? } else { vec![topics] };
        let filters = list
            .iter()
            .map(|t| {
                let s = t.as_string().ok_or_else(|| {
                    usage(&format!("topic must be a string, got {}", describe(t)))
                })?;
                TopicFilter::new(s).map_err(|e| usage(&e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        options_object(&options, "unsubscribe options")?;
        check_keys(&options, &["properties"], "unsubscribe")?;
        let props = field(&options, "properties")?.unwrap_or(JsValue::UNDEFINED);
        check_keys(&props, &["userProperties"], "unsubscribe properties")?;
        let properties = UnsubscribeProperties { user_properties: user_properties(&props)? };
        self.shared.handlers.borrow_mut().retain(|h| !filters.contains(&h.filter));
        let id =
            self.shared.core.borrow_mut().session.unsubscribe(host::now(), filters, properties);
        id.map(|id| id.0).map_err(|e| error::from_usage(&e))
    }

    fn do_end(&self, completion: Completion) {
        let result = self.shared.core.borrow_mut().session.disconnect(
            host::now(),
            ReasonCode::Success,
            Default::default(),
        );
        match result {
            Ok(()) => {
                self.shared.core.borrow_mut().end_callbacks.push(completion);
                pump(&self.shared);
            }
            Err(e) => {
                let _ = completion_fail(completion, error::from_usage(&e));
            }
        }
    }

    fn add_listener(&self, event: String, f: JsValue, once: bool) -> Result<MqttClient, JsValue> {
        let f: Function = listener(f)?;
        if event == "packetsend" || event == "packetreceive" {
            self.shared.core.borrow_mut().session.set_packet_events(true);
        }
        self.shared.listeners.borrow_mut().push(Listener { event, f, once });
        self.shared.message_listeners.borrow_mut().take();
        Ok(MqttClient { shared: self.shared.clone() })
    }
}

/// A listener argument, which must be a function (EventEmitter throws a TypeError otherwise).
fn listener(f: JsValue) -> Result<Function, JsValue> {
    f.dyn_into().map_err(|f| usage(&format!("listener must be a function, got {}", describe(&f))))
}

/// Reports a refused command: to its callback or promise, or, with neither, as a thrown error.
fn completion_fail(c: Completion, err: JsValue) -> Result<(), JsValue> {
    if c.callback.is_none() && c.promise.is_none() {
        return Err(err);
    }
    if let Some(cb) = c.callback {
        let _ = cb.call1(&JsValue::NULL, &err);
    }
    if let Some((_, reject)) = c.promise {
        let _ = reject.call1(&JsValue::NULL, &err);
    }
    Ok(())
}

fn promise(f: impl FnOnce(Completion)) -> Promise {
    let mut f = Some(f);
    Promise::new(&mut |resolve, reject| {
        if let Some(f) = f.take() {
            f(Completion { callback: None, promise: Some((resolve, reject)) });
        }
    })
}

#[wasm_bindgen]
impl MqttClient {
    /// Adds a listener (MQTT.js / EventEmitter `on`).
    pub fn on(
        &self,
        event: String,
        #[wasm_bindgen(unchecked_param_type = "(...args: any[]) => void")] listener: JsValue,
    ) -> Result<MqttClient, JsValue> {
        self.add_listener(event, listener, false)
    }

    /// Adds a listener called once.
    pub fn once(
        &self,
        event: String,
        #[wasm_bindgen(unchecked_param_type = "(...args: any[]) => void")] listener: JsValue,
    ) -> Result<MqttClient, JsValue> {
        self.add_listener(event, listener, true)
    }

    /// Removes a listener.
    pub fn off(
        &self,
        event: String,
        #[wasm_bindgen(unchecked_param_type = "(...args: any[]) => void")] listener: JsValue,
    ) -> Result<MqttClient, JsValue> {
        let listener: Function = self::listener(listener)?;
        let mut listeners = self.shared.listeners.borrow_mut();
        if let Some(pos) =
            listeners.iter().position(|l| l.event == event && Object::is(&l.f, &listener))
        {
            listeners.remove(pos);
        }
        self.shared.message_listeners.borrow_mut().take();
        Ok(MqttClient { shared: self.shared.clone() })
    }

    /// Alias of `off`.
    #[wasm_bindgen(js_name = removeListener)]
    pub fn remove_listener(
        &self,
        event: String,
        #[wasm_bindgen(unchecked_param_type = "(...args: any[]) => void")] listener: JsValue,
    ) -> Result<MqttClient, JsValue> {
        self.off(event, listener)
    }

    /// Publishes; `callback(err)` when QoS 0 is written, QoS 1 acknowledged, QoS 2 completed.
    pub fn publish(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] topic: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] message: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "IClientPublishOptions | ((error?: MqttError) => void)"
        )]
        options: Option<JsValue>,
        #[wasm_bindgen(unchecked_param_type = "(error?: MqttError) => void")] callback: Option<
            JsValue,
        >,
    ) -> Result<MqttClient, JsValue> {
        let (options, callback) = split_args(
            options.unwrap_or(JsValue::UNDEFINED),
            callback.unwrap_or(JsValue::UNDEFINED),
        );
        let completion = Completion { callback, promise: None };
        match self.do_publish(topic, message, options) {
            Ok((id, qos)) => {
                // Without a callback nobody waits: no bookkeeping per message.
                if completion.callback.is_some() {
                    let pending = Pending::Publish(completion, qos);
                    self.shared.core.borrow_mut().pending.insert(id, pending);
                }
                pump(&self.shared);
            }
            Err(e) => completion_fail(completion, e)?,
        }
        Ok(MqttClient { shared: self.shared.clone() })
    }

    /// Publishes; resolves on completion, rejects with a typed error.
    #[wasm_bindgen(js_name = publishAsync, unchecked_return_type = "Promise<{ cmd: string; reasonCode: number }>")]
    pub fn publish_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] topic: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] message: JsValue,
        #[wasm_bindgen(unchecked_param_type = "IClientPublishOptions")] options: Option<JsValue>,
    ) -> Promise {
        match self.do_publish(topic, message, options.unwrap_or(JsValue::UNDEFINED)) {
            Ok((id, qos)) => promise(|c| {
                self.shared.core.borrow_mut().pending.insert(id, Pending::Publish(c, qos));
                pump(&self.shared);
            }),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Sends a request and resolves with the response `{topic, payload, packet}` (MQTT 5):
    /// `options` are publish options plus `timeout` (ms, default 30 000) and an optional
    /// `properties.responseTopic`. Rejects with `MqttTimeoutError` when no response comes.
    #[wasm_bindgen(unchecked_return_type = "Promise<IResponse>")]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] topic: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] payload: JsValue,
        #[wasm_bindgen(unchecked_param_type = "IClientRequestOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let (correlation, timeout, request) = match self.start_request(topic, payload, options) {
            Ok(r) => r,
            Err(e) => return Promise::reject(&e),
        };
        let shared = self.shared.clone();
        promise(move |c| {
            let Some((resolve, reject)) = c.promise else { return };
            let weak = Rc::downgrade(&shared);
            let key = correlation.clone();
            let timer = host::Timer::at(
                host::now().after(std::time::Duration::from_millis(u64::from(timeout))),
                move || {
                    let Some(shared) = weak.upgrade() else { return };
                    let waiting = super::driver::take_request(&shared, &key);
                    if let Some(w) = waiting {
                        let err = error::timeout(&format!("no response within {timeout} ms"));
                        let _ = w.reject.call1(&JsValue::NULL, &err);
                    }
                },
            );
            shared.requests.borrow_mut().push((
                correlation.clone(),
                Waiting { resolve, reject: reject.clone(), _timer: timer },
            ));
            let published = shared.core.borrow_mut().session.publish(host::now(), request);
            if let Err(e) = published {
                let _ = super::driver::take_request(&shared, &correlation);
                let _ = reject.call1(&JsValue::NULL, &error::from_usage(&e));
            }
            pump(&shared);
        })
    }

    /// Subscribes: `topic` is a string, an array, or `{topic: {qos, nl, rap, rh}}`;
    /// `callback(err, granted)` with `granted = [{topic, qos, nl, rap, rh}]` (qos 128 or the
    /// reason code on failure).
    pub fn subscribe(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "string | string[] | { [topic: string]: IClientSubscribeOptions | QoS }"
        )]
        topic: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "IClientSubscribeOptions | ((error: MqttError | null, granted?: ISubscriptionGrant[]) => void)"
        )]
        options: Option<JsValue>,
        #[wasm_bindgen(
            unchecked_param_type = "(error: MqttError | null, granted?: ISubscriptionGrant[]) => void"
        )]
        callback: Option<JsValue>,
    ) -> Result<MqttClient, JsValue> {
        let (options, callback) = split_args(
            options.unwrap_or(JsValue::UNDEFINED),
            callback.unwrap_or(JsValue::UNDEFINED),
        );
        match self.do_subscribe(topic, options) {
            Ok((id, names)) => {
                self.shared
                    .core
                    .borrow_mut()
                    .pending
                    .insert(id, Pending::Subscribe(Completion { callback, promise: None }, names));
                pump(&self.shared);
            }
            Err(e) => completion_fail(Completion { callback, promise: None }, e)?,
        }
        Ok(MqttClient { shared: self.shared.clone() })
    }

    /// Subscribes; resolves with `granted`.
    #[wasm_bindgen(js_name = subscribeAsync, unchecked_return_type = "Promise<ISubscriptionGrant[]>")]
    pub fn subscribe_async(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "string | string[] | { [topic: string]: IClientSubscribeOptions | QoS }"
        )]
        topic: JsValue,
        #[wasm_bindgen(unchecked_param_type = "IClientSubscribeOptions")] options: Option<JsValue>,
    ) -> Promise {
        match self.do_subscribe(topic, options.unwrap_or(JsValue::UNDEFINED)) {
            Ok((id, names)) => promise(|c| {
                self.shared.core.borrow_mut().pending.insert(id, Pending::Subscribe(c, names));
                pump(&self.shared);
            }),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Unsubscribes from a topic or an array of topics.
    pub fn unsubscribe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | string[]")] topic: JsValue,
        #[wasm_bindgen(unchecked_param_type = "object | ((error?: MqttError) => void)")]
        options: Option<JsValue>,
        #[wasm_bindgen(unchecked_param_type = "(error?: MqttError) => void")] callback: Option<
            JsValue,
        >,
    ) -> Result<MqttClient, JsValue> {
        let (options, callback) = split_args(
            options.unwrap_or(JsValue::UNDEFINED),
            callback.unwrap_or(JsValue::UNDEFINED),
        );
        match self.do_unsubscribe(topic, options) {
            Ok(id) => {
                self.shared
                    .core
                    .borrow_mut()
                    .pending
                    .insert(id, Pending::Unsubscribe(Completion { callback, promise: None }));
                pump(&self.shared);
            }
            Err(e) => completion_fail(Completion { callback, promise: None }, e)?,
        }
        Ok(MqttClient { shared: self.shared.clone() })
    }

    /// Unsubscribes; resolves with the UNSUBACK.
    #[wasm_bindgen(js_name = unsubscribeAsync)]
    pub fn unsubscribe_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | string[]")] topic: JsValue,
        options: Option<JsValue>,
    ) -> Promise {
        match self.do_unsubscribe(topic, options.unwrap_or(JsValue::UNDEFINED)) {
            Ok(id) => promise(|c| {
                self.shared.core.borrow_mut().pending.insert(id, Pending::Unsubscribe(c));
                pump(&self.shared);
            }),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Disconnects and stops reconnecting: `end(force?, options?, callback?)`.
    pub fn end(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean | (() => void)")] force: Option<JsValue>,
        #[wasm_bindgen(unchecked_param_type = "object | (() => void)")] options: Option<JsValue>,
        #[wasm_bindgen(unchecked_param_type = "() => void")] callback: Option<JsValue>,
    ) -> MqttClient {
        let callback = [
            callback.unwrap_or(JsValue::UNDEFINED),
            options.unwrap_or(JsValue::UNDEFINED),
            force.unwrap_or(JsValue::UNDEFINED),
        ]
        .into_iter()
        .find(|v| v.is_function())
        .and_then(|f| f.dyn_into().ok());
        self.do_end(Completion { callback, promise: None });
        MqttClient { shared: self.shared.clone() }
    }

    /// Disconnects; resolves once ended.
    #[wasm_bindgen(js_name = endAsync)]
    pub fn end_async(&self) -> Promise {
        promise(|c| self.do_end(c))
    }

    /// Connects again after `end()`, or now instead of after the backoff.
    pub fn reconnect(&self) -> MqttClient {
        self.shared.core.borrow_mut().session.connect(host::now());
        pump(&self.shared);
        MqttClient { shared: self.shared.clone() }
    }

    /// Whether CONNACK accepted the connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.shared.core.borrow().session.is_connected()
    }

    /// Whether the client is waiting to reconnect or reconnecting.
    #[wasm_bindgen(getter)]
    pub fn reconnecting(&self) -> bool {
        self.shared.core.borrow().session.is_reconnecting()
    }

    /// Bytes written but not yet sent: the WebSocket's `bufferedAmount` plus the writes held
    /// back while it is above 1 MiB.
    #[wasm_bindgen(getter, js_name = bufferedAmount)]
    pub fn buffered_amount(&self) -> f64 {
        super::driver::buffered_amount(&self.shared)
    }

    /// Messages accepted but not yet sent (the offline queue, and what waits for the server's
    /// Receive Maximum): at most `queueLimit`.
    #[wasm_bindgen(getter, js_name = queuedMessages)]
    pub fn queued_messages(&self) -> u32 {
        self.shared.core.borrow().session.queued_messages().0 as u32
    }

    /// QoS 1 and 2 messages sent but not yet acknowledged (PUBACK, PUBCOMP): with
    /// `queuedMessages`, what a publisher can bound to keep its backlog (and a stored
    /// session) small.
    #[wasm_bindgen(getter, js_name = inflightMessages)]
    pub fn inflight_messages(&self) -> u32 {
        self.shared.core.borrow().session.queued_messages().1 as u32
    }

    /// Resolves once every session change so far is committed to IndexedDB (with the `store`
    /// option; at once without it). Await it before navigating away on purpose: a write still
    /// under way when the page goes may be dropped by the browser.
    #[wasm_bindgen(js_name = whenStored, unchecked_return_type = "Promise<void>")]
    pub fn when_stored(&self) -> Promise {
        super::store::when_stored(&self.shared)
    }

    /// The options passed to `connect`.
    #[wasm_bindgen(getter)]
    pub fn options(&self) -> JsValue {
        self.shared.options.clone()
    }

    /// Emits an event to the listeners (EventEmitter `emit`).
    pub fn emit(&self, event: String, args: Array) {
        emit(&self.shared, &event, &args.iter().collect::<Vec<_>>());
    }
}
