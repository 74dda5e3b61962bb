// The MQTT.js-shaped client object over the wasm driver: the listeners, callbacks and promises,
// and the packet objects. The driver (Rust) runs the session, the socket, the timers and the
// store, and reports with numbers, strings and bytes (see js.rs); options.js reads what the
// caller passes.
import {
  TIMEOUT, mqttError, usage, describe, field, intField, ownKeys, items, checkKeys, optionsObject, isObject,
  topicString, boolField, qosField, readProperties, writeUserProperties, PropertyWriter, PUBLISH_PROPERTIES,
  PUBLISH_OPTIONS, EMPTY, publishArgs, disconnectArgs,
} from './options.js';

/** The client object around `driver`; with `wait`, a promise of it, settled by the first CONNACK or failure. */
export function newClient(driver, plan, wait) {
  // The client id in force: the one given or generated, then the one the server assigns in
  // CONNACK (onConnect). A plain value: a getter calling the driver would tie the options,
  // which the driver holds, back to it, and neither could be collected.
  plan.options.clientId = driver.clientId();
  const client = new MqttClient(driver, plan.options);
  if (!wait) {
    driver.start(client);
    return client;
  }
  return new Promise((resolve, reject) => {
    client._waiter = { resolve, reject };
    driver.start(client);
  });
}

/** `fn(options?, callback?)` arguments, where the options may be the callback. */
function splitArgs(options, callback) {
  return typeof options === 'function' ? [undefined, options] : [options, typeof callback === 'function' ? callback : undefined];
}

/** Calls a user's function; what it throws neither unwinds through the driver nor vanishes: it becomes an unhandled rejection. */
function call(f, self, ...args) {
  try {
    f.apply(self, args);
  } catch (e) {
    Promise.reject(e);
  }
}

/** Reports a refused command to its callback or promise; with neither, throws it. */
function refuse(done, error) {
  if (!done.callback && !done.reject) throw error;
  if (done.callback) call(done.callback, undefined, error);
  done.reject?.(error);
}

/** Settles a command: its Node-style callback and/or its promise. */
function settle(done, error, value) {
  if (done.callback) call(done.callback, undefined, error ?? null, value);
  if (error) done.reject?.(error);
  else done.resolve?.(value);
}

/** Runs `f` to fill a promise's completion: `f(done)`. */
function promised(f) {
  return new Promise((resolve, reject) => f({ resolve, reject }));
}

/** An MQTT client, as `mqtt.connect()` returns in MQTT.js. */
class MqttClient {
  constructor(driver, options) {
    this._driver = driver;
    this._options = options;
    /** Listeners by event; each array is replaced, never changed, so an emit in progress keeps the ones it started with. */
    this._events = Object.create(null);
    this._pending = new Map();
    this._endCallbacks = [];
    this._handlers = [];
    this._requests = [];
    this._replyTopics = [];
    this._responseInformation = undefined;
    this._offline = false;
    this._ended = false;
    this._waiter = undefined;
  }

  // --- events (EventEmitter) ---

  _add(event, f, once) {
    if (typeof f !== 'function') throw usage(`listener must be a function, got ${describe(f)}`);
    let listener = f;
    if (once) {
      let fired = false;
      listener = (...args) => {
        if (fired) return undefined;
        fired = true;
        this._remove(event, listener);
        return f.apply(this, args);
      };
      listener.listener = f;
    }
    if (event === 'packetsend' || event === 'packetreceive') this._driver.packetEvents();
    this._events[event] = [...(this._events[event] ?? []), listener];
    return this;
  }

  _remove(event, f) {
    const list = this._events[event];
    const i = list ? list.findIndex((l) => l === f || l.listener === f) : -1;
    if (i >= 0) this._events[event] = list.length === 1 ? undefined : list.filter((_, j) => j !== i);
  }

  /** Adds a listener (MQTT.js / EventEmitter `on`). */
  on(event, listener) {
    return this._add(event, listener, false);
  }

  /** Alias of `on`. */
  addListener(event, listener) {
    return this._add(event, listener, false);
  }

  /** Adds a listener called once. */
  once(event, listener) {
    return this._add(event, listener, true);
  }

  /** Removes a listener. */
  off(event, listener) {
    if (typeof listener !== 'function') throw usage(`listener must be a function, got ${describe(listener)}`);
    this._remove(event, listener);
    return this;
  }

  /** Alias of `off`. */
  removeListener(event, listener) {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event) {
    if (event === undefined) this._events = Object.create(null);
    else this._events[event] = undefined;
    return this;
  }

  /** Calls the listeners of `event`. One that throws neither stops the others nor vanishes: it becomes an unhandled rejection. */
  emit(event, ...args) {
    const list = this._events[event];
    if (!list) return false;
    for (let i = 0; i < list.length; i++) call(list[i], this, ...args);
    return true;
  }

  // --- commands ---

  /**
   * Runs a command that completes later: `start()` queues it and returns its id and what its
   * completion needs, which are kept with `done` until the driver reports it; a refusal goes
   * to `done` instead.
   */
  _queue(done, start) {
    try {
      const [id, kept] = start();
      this._pending.set(id, { ...done, ...kept });
    } catch (e) {
      return refuse(done, e);
    }
    this._driver.pump();
  }

  /** Publishes; `callback(err)` once QoS 0 is written, QoS 1 acknowledged, QoS 2 completed. */
  publish(topic, message, options, callback) {
    [options, callback] = splitArgs(options, callback);
    const done = { callback };
    let args;
    try {
      args = publishArgs(topic, message, options);
    } catch (e) {
      refuse(done, e);
      return this;
    }
    const [qos, t, p, retain, props] = args;
    // Without a callback nobody waits: no bookkeeping per message.
    if (!callback) {
      this._driver.publish(t, p, qos, retain, props, true);
      return this;
    }
    this._queue(done, () => [this._driver.publish(t, p, qos, retain, props, false), { qos }]);
    return this;
  }

  /** Publishes; resolves on completion (`{cmd, reasonCode}` for QoS 1 and 2), rejects with a typed error. */
  publishAsync(topic, message, options) {
    return promised((done) => this._queue(done, () => {
      const [qos, t, p, retain, props] = publishArgs(topic, message, options);
      return [this._driver.publish(t, p, qos, retain, props, false), { qos }];
    }));
  }

  _subscribe(topics, options) {
    optionsObject(options, 'subscribe options');
    checkKeys(options, ['qos', 'nl', 'rap', 'rh', 'properties', 'handler'], 'subscribe options');
    const entries = [];
    if (typeof topics === 'string') {
      entries.push([topics, options]);
    } else if (Array.isArray(topics)) {
      for (const t of items(topics, 'topics')) {
        if (typeof t !== 'string') throw usage(`topics must be strings, got ${describe(t)}`);
        entries.push([t, options]);
      }
    } else if (isObject(topics) && typeof topics !== 'function') {
      for (const t of ownKeys(topics, 'topics')) {
        const o = field(topics, t, `topics.${t}`);
        entries.push([t, typeof o === 'number' ? { qos: o } : o]);
      }
    } else {
      throw usage(`topic must be a string, an array or an object, got ${describe(topics)}`);
    }
    const granted = entries.map(([topic, o]) => {
      const rh = intField(o, 'rh', 0, 2) ?? 0;
      return { topic, qos: qosField(o, 'qos'), nl: boolField(o, 'nl') ?? false, rap: boolField(o, 'rap') ?? false, rh };
    });
    const props = field(options, 'properties');
    optionsObject(props, 'subscribe properties');
    checkKeys(props, ['subscriptionIdentifier', 'userProperties'], 'subscribe properties');
    let id = intField(props, 'subscriptionIdentifier', 1, 268435455);
    const handler = field(options, 'handler');
    if (handler !== undefined && typeof handler !== 'function') throw usage(`handler must be a function, got ${describe(handler)}`);
    // Identify a handler's subscription so that overlapping ones reach only their own handler, where the server takes identifiers; otherwise filters are matched here.
    if (handler && id === undefined && this._driver.subscriptionIds()) {
      id = 1 + this._handlers.reduce((max, h) => Math.max(max, h.id ?? 0), 0);
    }
    const w = new PropertyWriter();
    if (id !== undefined) w.put('subscriptionIdentifier', id);
    writeUserProperties(w, props);
    const bytes = Uint8Array.from(granted, (g) => g.qos | (g.nl ? 4 : 0) | (g.rap ? 8 : 0) | (g.rh << 4));
    const packetId = this._driver.subscribe(granted.map((g) => g.topic), bytes, w.finish());
    if (handler) {
      for (const { topic } of granted) {
        this._handlers = this._handlers.filter((h) => h.filter !== topic);
        this._handlers.push({ filter: topic, id, f: handler });
      }
    }
    return [packetId, { granted }];
  }

  /** Subscribes: `topic` is a string, an array, or `{topic: options | qos}`; `callback(err, granted)` with `granted = [{topic, qos, nl, rap, rh}]` (qos 128, or the reason code under 5.0, on failure). */
  subscribe(topic, options, callback) {
    [options, callback] = splitArgs(options, callback);
    this._queue({ callback }, () => this._subscribe(topic, options));
    return this;
  }

  /** Subscribes; resolves with `granted`. */
  subscribeAsync(topic, options) {
    return promised((done) => this._queue(done, () => this._subscribe(topic, options)));
  }

  _unsubscribe(topics, options) {
    const filters = (Array.isArray(topics) ? items(topics, 'topics') : [topics]).map((t) => {
      if (typeof t !== 'string') throw usage(`topic must be a string, got ${describe(t)}`);
      return t;
    });
    optionsObject(options, 'unsubscribe options');
    checkKeys(options, ['properties'], 'unsubscribe');
    const props = field(options, 'properties');
    checkKeys(props, ['userProperties'], 'unsubscribe properties');
    const w = new PropertyWriter();
    writeUserProperties(w, props);
    const id = this._driver.unsubscribe(filters, w.finish());
    this._handlers = this._handlers.filter((h) => !filters.includes(h.filter));
    return id;
  }

  /** Unsubscribes from a topic or an array of topics; `callback(err, unsuback)`. */
  unsubscribe(topic, options, callback) {
    [options, callback] = splitArgs(options, callback);
    this._queue({ callback }, () => [this._unsubscribe(topic, options), {}]);
    return this;
  }

  /** Unsubscribes; resolves with the UNSUBACK (`{cmd, reasonCodes}`). */
  unsubscribeAsync(topic, options) {
    return promised((done) => this._queue(done, () => [this._unsubscribe(topic, options), {}]));
  }

  _end(done, force, options) {
    if (this._ended) {
      // Ended already: nothing more will come from the session to settle it.
      queueMicrotask(() => settle(done, null, undefined));
      return;
    }
    try {
      const [reason, properties] = disconnectArgs(options);
      this._endCallbacks.push(done);
      // Under 3.x a DISCONNECT has neither, and MQTT.js leaves them out there.
      const v5 = this._driver.v5();
      this._driver.end(force === true, v5 ? reason : 0, v5 ? properties : EMPTY);
    } catch (e) {
      this._endCallbacks = this._endCallbacks.filter((d) => d !== done);
      return refuse(done, e);
    }
    this._driver.pump();
  }

  /**
   * Disconnects and stops reconnecting: `end(force?, options?, callback?)`, as MQTT.js. The
   * DISCONNECT (`options`: `{reasonCode, properties}`) waits for the acknowledgements of what
   * is in flight; with `force`, the socket closes at once without one, so the broker publishes
   * the will.
   */
  end(force, options, callback) {
    if (typeof force !== 'boolean') [force, options, callback] = [false, force, callback ?? options];
    if (typeof options === 'function') [options, callback] = [undefined, options];
    const f = typeof callback === 'function' ? callback : undefined;
    this._end({ callback: f && ((err) => f(err ?? undefined)) }, force, options);
    return this;
  }

  /** Disconnects; resolves once ended: `endAsync(force?, options?)`. */
  endAsync(force, options) {
    if (typeof force !== 'boolean') [force, options] = [false, force];
    return promised((done) => this._end(done, force, options));
  }

  /** Connects again after `end()`, or now instead of after the backoff. */
  reconnect() {
    if (this._endCallbacks.length > 0 && !this._ended) {
      // An end() is under way (waiting for acknowledgements): it finishes first, as in MQTT.js.
      this._reconnectAfterEnd = true;
      return this;
    }
    this._ended = false;
    this._driver.reconnect(this);
    return this;
  }

  /**
   * Sends a request and resolves with the response `{topic, payload, packet}` (MQTT 5): `options` are publish options plus `timeout` (ms, default 30 000) and an optional `properties.responseTopic`. Rejects with an MqttTimeoutError when no response comes.
   */
  request(topic, message, options) {
    return promised((done) => {
      const correlation = crypto.getRandomValues(new Uint8Array(16));
      let timer;
      try {
        if (!this._driver.v5()) throw usage('request() needs MQTT 5.0 (response topic and correlation data)');
        // Read as publish() reads them (own and inherited fields, getters that throw named),
        // then published with the response topic and correlation data added.
        optionsObject(options, 'publish options');
        checkKeys(options, PUBLISH_OPTIONS, 'publish options');
        const timeout = intField(options, 'timeout', 1, 86400000) ?? 30000;
        const given = field(options, 'properties');
        optionsObject(given, 'properties');
        checkKeys(given, PUBLISH_PROPERTIES, 'properties');
        const props = {};
        for (const key of PUBLISH_PROPERTIES) {
          const v = field(given, key);
          if (v !== undefined) props[key] = v;
        }
        let reply = props.responseTopic;
        if (reply === undefined) {
          const base = (this._responseInformation ?? 'wasmqtt/responses').replace(/\/+$/, '');
          reply = `${base}/${this._driver.clientId()}`;
        }
        // A topic name, not a filter: checked before it is subscribed to.
        this._driver.checkTopic(topicString(reply, 'responseTopic'));
        props.responseTopic = reply;
        props.correlationData = correlation;
        const publish = { qos: field(options, 'qos'), retain: field(options, 'retain'), properties: props };
        const [qos, t, p, retain, bytes] = publishArgs(topic, message, publish);
        if (!this._replyTopics.includes(reply)) {
          this._driver.subscribe([reply], Uint8Array.of(1), EMPTY);
          this._replyTopics.push(reply);
        }
        const waiting = { correlation, resolve: done.resolve };
        this._requests.push(waiting);
        // On the client's timer (its Worker): a hidden tab throttles the page's own timers.
        timer = this._driver.setTimer(timeout, () => {
          if (this._takeRequest(correlation)) done.reject(mqttError(TIMEOUT, -1, '', `no response within ${timeout} ms`));
        });
        waiting.timer = timer;
        this._driver.publish(t, p, qos, retain, bytes, true);
      } catch (e) {
        if (timer !== undefined) this._driver.cancelTimer(timer);
        this._takeRequest(correlation);
        done.reject(e);
      }
    });
  }

  _takeRequest(correlation) {
    const i = this._requests.findIndex((r) => sameBytes(r.correlation, correlation));
    return i < 0 ? undefined : this._requests.splice(i, 1)[0];
  }

  /** Whether CONNACK accepted the connection. */
  get connected() {
    return this._driver.connected();
  }

  /** Whether the client is waiting to reconnect or reconnecting. */
  get reconnecting() {
    return this._driver.reconnecting();
  }

  /** Bytes written but not yet sent: the WebSocket's `bufferedAmount` plus the writes held back while it is above 1 MiB. */
  get bufferedAmount() {
    return this._driver.bufferedAmount();
  }

  /** Messages accepted but not yet sent (the offline queue, and what waits for the server's Receive Maximum): at most `queueLimit`. */
  get queuedMessages() {
    return this._driver.queued();
  }

  /** QoS 1 and 2 messages sent but not yet acknowledged (PUBACK, PUBCOMP). */
  get inflightMessages() {
    return this._driver.inflight();
  }

  /** The options passed to `connect`, with the defaults in force and the client id in use. */
  get options() {
    return this._options;
  }

  /** Resolves once every session change so far is committed to IndexedDB (with the `store` option; at once without it). */
  whenStored() {
    return this._driver.whenStored();
  }

  // --- what the driver reports (see `js.rs`'s `Sink`) ---

  onConnecting(attempt) {
    if (attempt > 1) this.emit('reconnect');
  }

  onConnect(sessionPresent, reasonCode, returnCode, properties) {
    this._offline = false;
    this._options.clientId = this._driver.clientId();
    const v5 = this._driver.v5();
    const props = v5 ? readProperties(properties) : undefined;
    this._responseInformation = props?.responseInformation;
    const connack = v5 ? { cmd: 'connack', sessionPresent, reasonCode, properties: props } : { cmd: 'connack', sessionPresent, returnCode };
    const waiter = this._waiter;
    this._waiter = undefined;
    this.emit('connect', connack);
    waiter?.resolve(this);
  }

  onMessage(topic, bytes, qos, retain, dup, messageId, properties) {
    const packet = { cmd: 'publish', topic, payload: bytes.slice(), qos, retain, dup };
    if (messageId !== undefined) packet.messageId = messageId;
    packet.properties = properties.length === 0 ? {} : readProperties(properties);
    const list = this._events.message;
    if (list) {
      // Called directly, not through call(): this runs for every message.
      for (let i = 0; i < list.length; i++) {
        try {
          list[i].call(this, topic, packet.payload, packet);
        } catch (e) {
          Promise.reject(e);
        }
      }
    }
    if (this._handlers.length) this._handle(packet);
    if (this._requests.length && packet.properties.correlationData) {
      const waiting = this._takeRequest(packet.properties.correlationData);
      if (waiting) {
        this._driver.cancelTimer(waiting.timer);
        waiting.resolve({ topic, payload: packet.payload, packet });
      }
    }
  }

  /** Calls the handlers of the subscriptions that caused `packet`: by subscription identifier when it carries some, else by filter. */
  _handle(packet) {
    const ids = [].concat(packet.properties.subscriptionIdentifier ?? []);
    for (const h of this._handlers) {
      const mine = h.id !== undefined && ids.length ? ids.includes(h.id) : this._driver.matches(h.filter, packet.topic);
      if (mine) call(h.f, this, packet.topic, packet.payload, packet);
    }
  }

  _settle(id) {
    const done = this._pending.get(id);
    if (!done) return undefined;
    this._pending.delete(id);
    return done;
  }

  onPublished(id, reasonCode, error) {
    const done = this._settle(id);
    if (!done) return;
    // Like MQTT.js: nothing for QoS 0, the PUBACK for 1, the PUBCOMP for 2.
    const ack = error || done.qos === 0 ? undefined : { cmd: done.qos === 1 ? 'puback' : 'pubcomp', reasonCode };
    settle(done, error, ack);
  }

  onSubscribed(id, codes) {
    const done = this._settle(id);
    if (done) settle(done, null, done.granted.map((g, i) => ({ ...g, qos: codes[i] })));
  }

  onUnsubscribed(id, codes) {
    const done = this._settle(id);
    if (done) settle(done, null, { cmd: 'unsuback', reasonCodes: Array.from(codes) });
  }

  onDisconnect(reasonCode, reasonString, serverReference) {
    const properties = {};
    if (reasonString !== undefined) properties.reasonString = reasonString;
    if (serverReference !== undefined) properties.serverReference = serverReference;
    this.emit('disconnect', { cmd: 'disconnect', reasonCode, properties });
  }

  onClose(error, report, code, reason, byClient) {
    const waiter = this._waiter;
    this._waiter = undefined;
    if (waiter) {
      waiter.reject(error);
      // connectAsync gives up after the first failure, like MQTT.js. No pump here: the one
      // under way reports what ending does, after this close.
      try {
        this._driver.end(true, 0, EMPTY);
      } catch (e) {
        Promise.reject(e);
      }
    } else if (report) {
      this.emit('error', error);
    }
    // MQTT.js's `close` has no argument; ours says why, with the WebSocket close code.
    const info = {};
    if (code !== undefined) info.code = code;
    if (reason !== undefined) info.reason = reason;
    info.error = error;
    this.emit('close', info);
    // Once per outage, like MQTT.js: not again for every failed attempt.
    if (!byClient && !this._offline) {
      this._offline = true;
      this.emit('offline');
    }
  }

  onEnd() {
    this._ended = true;
    const callbacks = this._endCallbacks;
    this._endCallbacks = [];
    this.emit('end');
    for (const done of callbacks) settle(done, null, undefined);
    if (this._reconnectAfterEnd) {
      this._reconnectAfterEnd = false;
      // After this pump: the session has just ended within it.
      queueMicrotask(() => this.reconnect());
    }
  }

  onReauth() {
    this.emit('reauth');
  }

  onError(error) {
    this.emit('error', error);
  }

  onPacket(sent, cmd, strings, numbers, payload, properties) {
    this.emit(sent ? 'packetsend' : 'packetreceive', mqttPacket(cmd, strings, numbers, payload, properties, this._driver.v5()));
  }

}

/** MQTT.js's (mqtt-packet's) packet object from what the driver sends (see packet_view.rs). */
function mqttPacket(cmd, strings, numbers, payload, properties, v5) {
  const packet = { cmd };
  const [first, second] = numbers;
  switch (cmd) {
    case 'connect':
      Object.assign(packet, { protocolId: first === 3 ? 'MQIsdp' : 'MQTT', protocolVersion: first, clean: second === 1, keepalive: numbers[2], clientId: strings[0] });
      if (strings.length > 1) packet.username = strings[1];
      break;
    case 'connack':
      packet.sessionPresent = first === 1;
      packet[v5 ? 'reasonCode' : 'returnCode'] = second;
      break;
    case 'publish':
      Object.assign(packet, { topic: strings[0], payload: payload.slice(), qos: first & 3, retain: (first & 4) !== 0, dup: (first & 8) !== 0 });
      if (second) packet.messageId = second;
      break;
    case 'subscribe':
      packet.messageId = first;
      packet.subscriptions = strings.map((topic, i) => {
        const o = numbers[i + 1];
        return v5 ? { topic, qos: o & 3, nl: (o & 4) !== 0, rap: (o & 8) !== 0, rh: (o >> 4) & 3 } : { topic, qos: o & 3 };
      });
      break;
    case 'unsubscribe':
      Object.assign(packet, { messageId: first, unsubscriptions: strings });
      break;
    case 'suback':
    case 'unsuback':
      packet.messageId = first;
      if (cmd === 'suback' || v5) packet.granted = Array.from(numbers.subarray(1));
      break;
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp':
      packet.messageId = first;
      if (v5) packet.reasonCode = second;
      break;
    case 'disconnect': case 'auth':
      if (v5) packet.reasonCode = first;
      break;
  }
  // An empty set arrives as its Property Length alone: no `properties`, as mqtt-packet gives.
  const props = properties.length > 1 ? readProperties(properties) : undefined;
  if (props && Object.keys(props).length > 0) packet.properties = props;
  return packet;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
