//! `connect` / `connectAsync`, and the [`Driver`] the JS client object (`client.js`) commands:
//! values cross as numbers, strings and bytes, already checked on the JS side; what only the
//! session can judge (topics, limits, versions) it refuses here with a typed error.

use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use super::driver::{pump, Shared};
use super::error::{from_usage, usage};
use super::host::{self, Timer};
use super::js::{self, Plan, Sink};
use crate::codec::properties::{properties_from_wire, PropertyContext};
use crate::codec::{
    BinaryData, MqttString, PacketType, ProtocolVersion, QoS, ReasonCode, RetainHandling,
    Subscription, SubscriptionOptions, Will,
};
use crate::scram::ScramSha256;
use crate::session::{ClientId, Options, PublishRequest, QueueLimits, Reconnect, Session};
use crate::topic::{TopicFilter, TopicName};

/// The session behind one JS client object; its methods are the client's commands. Not part
/// of the public API: the client object is.
#[wasm_bindgen(skip_typescript)]
pub struct Driver {
    shared: Rc<Shared>,
}

/// Takes timer `id` out of the client's list, if it is still there.
fn take_timer(shared: &Shared, id: u32) -> Option<Timer> {
    let mut timers = shared.request_timers.borrow_mut();
    let at = timers.iter().position(|(i, _)| *i == id)?;
    Some(timers.swap_remove(at).1)
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver").finish_non_exhaustive()
    }
}

fn properties<S: crate::codec::properties::PropertySet + Default>(
    bytes: &[u8],
    packet: PacketType,
    context: PropertyContext,
) -> Result<S, JsValue> {
    properties_from_wire(bytes, packet, context).map_err(|e| usage(&format!("properties: {e}")))
}

fn qos(n: u8) -> Result<QoS, JsValue> {
    QoS::try_from(n).map_err(|e| usage(&e.to_string()))
}

/// The session options `plan` describes.
fn session_options(plan: &Plan) -> Result<Options, JsValue> {
    let version = ProtocolVersion::try_from(plan.version()).map_err(|e| usage(&e.to_string()))?;
    let [period, max_period, attempts, connect_timeout, queue_limit, queue_bytes] =
        <[f64; 6]>::try_from(plan.numbers())
            .map_err(|_| usage("connect options reached the driver without their six numbers"))?;
    let flags = plan.flags();
    let defaults = Options::default();
    let limits = QueueLimits::default();
    Ok(Options {
        protocol_version: version,
        client_id: match plan.client_id() {
            None => ClientId::Generate,
            Some(id) if id.is_empty() => ClientId::AssignedByServer,
            Some(id) => {
                ClientId::Fixed(MqttString::new(id).map_err(|e| usage(&format!("clientId: {e}")))?)
            }
        },
        clean_start: plan.clean(),
        keep_alive: plan.keepalive(),
        username: plan
            .username()
            .map(|u| MqttString::new(u).map_err(|e| usage(&format!("username: {e}"))))
            .transpose()?,
        password: plan
            .password()
            .map(|p| BinaryData::new(p).map_err(|e| usage(&format!("password: {e}"))))
            .transpose()?,
        will: will(plan)?,
        properties: properties(&plan.properties(), PacketType::Connect, PropertyContext::Connect)?,
        connect_timeout: if connect_timeout > 0.0 {
            Duration::from_millis(connect_timeout as u64)
        } else {
            defaults.connect_timeout
        },
        reconnect: Reconnect {
            enabled: period > 0.0,
            min_delay: Duration::from_millis(period as u64),
            max_delay: Duration::from_millis(max_period as u64),
            max_attempts: (attempts > 0.0).then_some(attempts as u32),
            ..Reconnect::default()
        },
        resubscribe: flags & 1 != 0,
        queue_qos0: flags & 2 != 0,
        auto_assign_topic_alias: flags & 4 != 0,
        auto_use_topic_alias: flags & 8 != 0,
        queue_limits: QueueLimits {
            max_messages: if queue_limit > 0.0 {
                queue_limit as usize
            } else {
                limits.max_messages
            },
            max_bytes: if queue_bytes > 0.0 { queue_bytes as usize } else { limits.max_bytes },
        },
        ..defaults
    })
}

fn will(plan: &Plan) -> Result<Option<Will>, JsValue> {
    let Some(topic) = plan.will_topic() else { return Ok(None) };
    let flags = plan.will_flags();
    Ok(Some(Will {
        topic: TopicName::new(topic).map_err(|e| usage(&e.to_string()))?,
        payload: BinaryData::new(plan.will_payload())
            .map_err(|e| usage(&format!("will.payload: {e}")))?,
        qos: qos(flags & 3)?,
        retain: flags & 4 != 0,
        properties: properties(
            &plan.will_properties(),
            PacketType::Connect,
            PropertyContext::Will,
        )?,
    }))
}

/// A driver for `plan`: the session, with SCRAM when asked for, not yet started.
fn driver(plan: &Plan) -> Result<Driver, JsValue> {
    let mut session =
        Session::new(session_options(plan)?, host::random_seed()).map_err(|e| from_usage(&e))?;
    if let (Some(user), Some(password)) = (plan.scram_user(), plan.scram_password()) {
        let scram = ScramSha256::new(&user, &password, &host::random_bytes(32));
        session.set_authenticator(Box::new(scram)).map_err(|e| from_usage(&e))?;
    }
    let shared =
        Shared::new(plan.store_key(), session, plan.urls(), plan.transform(), plan.options());
    Ok(Driver { shared })
}

/// Connects to `url` (`ws://` or `wss://`) in the background, like MQTT.js's `connect`; the
/// `protocol`, `host`, `port` and `path` options override its parts, or stand for it:
/// `connect({ host, port, path })`.
#[wasm_bindgen(unchecked_return_type = "MqttClient")]
pub fn connect(
    #[wasm_bindgen(unchecked_param_type = "string | IClientOptions")] url: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "IClientOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let plan = js::read_options(&url, &options.unwrap_or(JsValue::UNDEFINED))?;
    Ok(js::new_client(driver(&plan)?, &plan, false))
}

/// Connects and resolves with the client on CONNACK; rejects with a typed error on refusal or
/// failure (and stops trying), like MQTT.js's `connectAsync`.
#[wasm_bindgen(js_name = connectAsync, unchecked_return_type = "Promise<MqttClient>")]
pub fn connect_async(
    #[wasm_bindgen(unchecked_param_type = "string | IClientOptions")] url: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "IClientOptions")] options: Option<JsValue>,
) -> JsValue {
    let started = js::read_options(&url, &options.unwrap_or(JsValue::UNDEFINED))
        .and_then(|plan| Ok(js::new_client(driver(&plan)?, &plan, true)));
    started.unwrap_or_else(|e| Promise::reject(&e).into())
}

/// A payload the JS side has checked: a string (sent as UTF-8) or a `Uint8Array`.
fn payload_bytes(payload: &JsValue) -> Vec<u8> {
    match payload.as_string() {
        Some(s) => s.into_bytes(),
        None => payload.unchecked_ref::<Uint8Array>().to_vec(),
    }
}

fn filters(filters: Vec<String>) -> Result<Vec<TopicFilter>, JsValue> {
    filters.into_iter().map(|f| TopicFilter::new(f).map_err(|e| usage(&e.to_string()))).collect()
}

#[wasm_bindgen]
impl Driver {
    /// Reports to `sink` from now on (until the session ends), and starts the session: at
    /// once, or after reading its stored state.
    pub fn start(&self, sink: JsValue) {
        *self.shared.sink.borrow_mut() = Some(sink.unchecked_into::<Sink>());
        self.shared.ended.set(false);
        super::store::begin(&self.shared);
    }

    /// Runs the session's output: what a command produced goes out, its events are reported.
    pub fn pump(&self) {
        pump(&self.shared);
    }

    /// Queues a publish; its id for `onPublished`. With `now` (nobody waits for it), runs the
    /// output at once; without, a QoS 0 publish is reported once its bytes have left.
    pub fn publish(
        &self,
        topic: String,
        payload: JsValue,
        qos: u8,
        retain: bool,
        properties: &[u8],
        now: bool,
    ) -> Result<f64, JsValue> {
        let properties: crate::codec::PublishProperties =
            self::properties(properties, PacketType::Publish, PropertyContext::Publish)?;
        let topic = match (topic.is_empty(), properties.topic_alias) {
            // MQTT.js's alias-only form: the topic an earlier publish mapped the alias to.
            (true, Some(alias)) => self.topic_for_alias(alias)?,
            _ => topic,
        };
        let request = PublishRequest {
            topic: TopicName::new(topic).map_err(|e| usage(&e.to_string()))?,
            payload: payload_bytes(&payload),
            qos: self::qos(qos)?,
            retain,
            properties,
        };
        // Only a publish someone waits for (`now` is false then: its pump comes after).
        let qos0 = request.qos == QoS::AtMostOnce && !now;
        let id = self.shared.core.borrow_mut().session.publish(host::now(), request);
        let id = id.map_err(|e| from_usage(&e))?;
        if qos0 {
            self.shared.qos0.borrow_mut().push(id.0);
        }
        if now {
            pump(&self.shared);
        }
        Ok(id.0 as f64)
    }

    fn topic_for_alias(&self, alias: std::num::NonZeroU16) -> Result<String, JsValue> {
        let core = self.shared.core.borrow();
        let topic = core.session.topic_for_alias(alias).map(str::to_owned);
        topic.ok_or_else(|| {
            usage(&format!(
                "topicAlias {alias} stands for no topic on this connection: publish once with the topic and the alias"
            ))
        })
    }

    /// Queues a SUBSCRIBE of `filters`, each with its options byte (`qos | nl << 2 | rap << 3
    /// | rh << 4`).
    pub fn subscribe(
        &self,
        filters: Vec<String>,
        options: &[u8],
        properties: &[u8],
    ) -> Result<f64, JsValue> {
        let subscriptions = self::filters(filters)?
            .into_iter()
            .zip(options)
            .map(|(filter, &o)| {
                Ok(Subscription {
                    filter,
                    options: SubscriptionOptions {
                        qos: qos(o & 3)?,
                        no_local: o & 4 != 0,
                        retain_as_published: o & 8 != 0,
                        retain_handling: RetainHandling::try_from(o >> 4)
                            .map_err(|e| usage(&e.to_string()))?,
                    },
                })
            })
            .collect::<Result<Vec<_>, JsValue>>()?;
        let properties =
            self::properties(properties, PacketType::Subscribe, PropertyContext::Subscribe)?;
        let id =
            self.shared.core.borrow_mut().session.subscribe(host::now(), subscriptions, properties);
        id.map(|id| id.0 as f64).map_err(|e| from_usage(&e))
    }

    /// Queues an UNSUBSCRIBE of `filters`.
    pub fn unsubscribe(&self, filters: Vec<String>, properties: &[u8]) -> Result<f64, JsValue> {
        let filters = self::filters(filters)?;
        let properties =
            self::properties(properties, PacketType::Unsubscribe, PropertyContext::Unsubscribe)?;
        let id =
            self.shared.core.borrow_mut().session.unsubscribe(host::now(), filters, properties);
        id.map(|id| id.0 as f64).map_err(|e| from_usage(&e))
    }

    /// Checks a topic name as the session would (`request()`'s response topic).
    #[wasm_bindgen(js_name = checkTopic)]
    pub fn check_topic(&self, topic: String) -> Result<(), JsValue> {
        TopicName::new(topic).map(drop).map_err(|e| usage(&e.to_string()))
    }

    /// Whether `filter` matches `topic` (a shared subscription's prefix set aside).
    pub fn matches(&self, filter: String, topic: String) -> bool {
        match (TopicFilter::new(filter), TopicName::new(topic)) {
            (Ok(filter), Ok(topic)) => filter.matches(&topic),
            _ => false,
        }
    }

    /// Ends the session and stops reconnecting, as MQTT.js's `end(force, options)`: with
    /// `force`, the socket closes without DISCONNECT (the server publishes the will);
    /// otherwise DISCONNECT with `reason` and `properties` (wire form) follows the
    /// acknowledgements of what is in flight. `onEnd` follows from a later pump (not run here:
    /// called while a pump reports, the one under way carries on).
    pub fn end(&self, force: bool, reason: u8, properties: &[u8]) -> Result<(), JsValue> {
        if force {
            self.shared.core.borrow_mut().session.abort();
            return Ok(());
        }
        let reason = ReasonCode::from_u8(reason)
            .ok_or_else(|| usage(&format!("reasonCode {reason} is not an MQTT reason code")))?;
        let properties =
            self::properties(properties, PacketType::Disconnect, PropertyContext::Disconnect)?;
        let ended = self.shared.core.borrow_mut().session.disconnect_when_done(
            host::now(),
            reason,
            properties,
        );
        ended.map_err(|e| from_usage(&e))
    }

    /// Calls `callback` once after `ms` milliseconds from the client's timer: the Worker,
    /// which a hidden tab does not throttle as it throttles the page's own timers. Its id for
    /// `cancelTimer`.
    #[wasm_bindgen(js_name = setTimer)]
    pub fn set_timer(&self, ms: f64, callback: Function) -> u32 {
        let shared = &self.shared;
        let id = shared.next_timer.get().wrapping_add(1);
        shared.next_timer.set(id);
        let weak = Rc::downgrade(shared);
        let at = host::now().after(Duration::from_millis(ms.max(0.0) as u64));
        let timer = Timer::at(at, move || {
            let Some(shared) = weak.upgrade() else { return };
            // Out of the list first: the callback may set or cancel timers.
            let fired = take_timer(&shared, id);
            if fired.is_some() {
                let _ = callback.call0(&JsValue::NULL);
            }
        });
        shared.request_timers.borrow_mut().push((id, timer));
        id
    }

    /// Cancels a timer of `setTimer` (nothing if it has fired).
    #[wasm_bindgen(js_name = cancelTimer)]
    pub fn cancel_timer(&self, id: u32) {
        drop(take_timer(&self.shared, id));
    }

    /// Connects again after `end()`, or now instead of after the backoff.
    pub fn reconnect(&self, sink: JsValue) {
        *self.shared.sink.borrow_mut() = Some(sink.unchecked_into::<Sink>());
        self.shared.ended.set(false);
        self.shared.core.borrow_mut().session.connect(host::now());
        pump(&self.shared);
    }

    /// Whether CONNACK accepted the connection.
    pub fn connected(&self) -> bool {
        self.shared.core.borrow().session.is_connected()
    }

    /// Whether the client is waiting to reconnect or reconnecting.
    pub fn reconnecting(&self) -> bool {
        self.shared.core.borrow().session.is_reconnecting()
    }

    /// Bytes written but not yet sent.
    #[wasm_bindgen(js_name = bufferedAmount)]
    pub fn buffered_amount(&self) -> f64 {
        super::driver::buffered_amount(&self.shared)
    }

    /// Messages accepted but not yet sent.
    pub fn queued(&self) -> u32 {
        self.shared.core.borrow().session.queued_messages().0 as u32
    }

    /// QoS 1 and 2 messages sent but not yet acknowledged.
    pub fn inflight(&self) -> u32 {
        self.shared.core.borrow().session.queued_messages().1 as u32
    }

    /// Whether the connection is MQTT 5.0.
    pub fn v5(&self) -> bool {
        self.shared.core.borrow().session.version().is_v5()
    }

    /// The client identifier in use (the server's, when it assigned one).
    #[wasm_bindgen(js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.shared.core.borrow().session.client_id().to_owned()
    }

    /// Whether the server takes subscription identifiers (MQTT 5, after CONNACK).
    #[wasm_bindgen(js_name = subscriptionIds)]
    pub fn subscription_ids(&self) -> bool {
        let core = self.shared.core.borrow();
        core.session.version().is_v5()
            && core.session.server_limits().is_some_and(|l| l.subscription_identifiers_available)
    }

    /// Turns `packetsend` / `packetreceive` reports on.
    #[wasm_bindgen(js_name = packetEvents)]
    pub fn packet_events(&self) {
        self.shared.core.borrow_mut().session.set_packet_events(true);
    }

    /// Resolves once every session change so far is committed to IndexedDB.
    #[wasm_bindgen(js_name = whenStored)]
    pub fn when_stored(&self) -> Promise {
        super::store::when_stored(&self.shared)
    }
}
