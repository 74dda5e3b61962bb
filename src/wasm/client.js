// The MQTT.js-shaped client object over the wasm driver. This half reads and checks what the
// caller passes (each bad value an MqttUsageError that names it), keeps the listeners,
// callbacks and promises, and builds packet and error objects. The driver (Rust) runs the
// session, the socket, the timers and the store, and reports with numbers, strings and bytes.

const KINDS = ['MqttUsageError', 'MqttConnectionError', 'MqttPublishError', 'MqttSubscriptionError', 'MqttTimeoutError'];
const USAGE = 0;
const TIMEOUT = 4;

/** An `Error` with a stable `name` (`KINDS[kind]`), and the MQTT reason `code` when there is one. */
export function mqttError(kind, code, reasonName, message) {
  const e = new Error(message);
  e.name = KINDS[kind];
  if (code >= 0) {
    e.code = code;
    e.reasonName = reasonName;
  }
  return e;
}

const usage = (message) => mqttError(USAGE, -1, '', message);

/** A short description of a value for error messages. */
function describe(v) {
  switch (typeof v) {
    case 'string': return `the string ${JSON.stringify([...v].slice(0, 40).join(''))}`;
    case 'number': return String(v);
    case 'boolean': return String(v);
    case 'function': return 'a function';
    case 'object': return v === null ? 'an unsupported value' : Array.isArray(v) ? 'an array' : 'an object';
    default: return 'an unsupported value';
  }
}

const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';

/** A field, `undefined` when absent or null. A throwing getter is named, not taken for absent. */
function field(obj, key, what = key) {
  if (!isObject(obj)) return undefined;
  let v;
  try {
    v = obj[key];
  } catch (e) {
    throw usage(`reading ${what} threw: ${e instanceof Error ? e.message : describe(e)}`);
  }
  return v ?? undefined;
}

function boolField(obj, key) {
  const v = field(obj, key);
  if (v !== undefined && typeof v !== 'boolean') throw usage(`${key} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A whole number in `min..=max`. */
function intField(obj, key, min, max) {
  const v = field(obj, key);
  if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) {
    throw usage(`${key} must be a whole number from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

function stringField(obj, key) {
  const v = field(obj, key);
  if (v !== undefined && typeof v !== 'string') throw usage(`${key} must be a string, got ${describe(v)}`);
  return v;
}

function qosField(obj, key) {
  const v = field(obj, key);
  if (v !== undefined && v !== 0 && v !== 1 && v !== 2) throw usage(`${key} must be 0, 1 or 2, got ${describe(v)}`);
  return v ?? 0;
}

function ownKeys(obj, what) {
  try {
    return Reflect.ownKeys(obj).filter((k) => typeof k === 'string');
  } catch (e) {
    throw usage(`reading the keys of ${what} threw: ${e instanceof Error ? e.message : describe(e)}`);
  }
}

/** The items of an array (or a Proxy of one), read without trusting its traps. */
function items(array, what) {
  try {
    return Array.from({ length: array.length }, (_, i) => array[i]);
  } catch (e) {
    throw usage(`reading ${what} threw: ${e instanceof Error ? e.message : describe(e)}`);
  }
}

/** Refuses keys not in `known`: a typo (`retian`, `qoss`) would otherwise be ignored. */
function checkKeys(obj, known, what) {
  if (!isObject(obj)) return;
  for (const key of ownKeys(obj, what)) {
    if (!known.includes(key)) throw usage(`unknown option ${JSON.stringify(key)} in ${what}; known: ${known.join(', ')}`);
  }
}

/** An options argument: absent, or a plain object. */
function optionsObject(v, what) {
  if (v == null || (typeof v === 'object' && !Array.isArray(v))) return;
  throw usage(`${what} must be an object, got ${describe(v)}`);
}

/** A payload as the driver takes it: a string (sent as UTF-8) or a `Uint8Array`. */
function payload(v, what) {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v == null) return new Uint8Array(0);
  throw usage(`${what} must be a string or a Uint8Array, got ${describe(v)}`);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const asBytes = (v) => (typeof v === 'string' ? utf8.encode(v) : v);

// MQTT 5 properties by MQTT.js name: identifier and wire type (MQTT 5.0 section 2.2.2.2).
const BYTE = 0, U16 = 1, U32 = 2, VARINT = 3, STRING = 4, BINARY = 5, PAIR = 6, FLAG = 7;
const PROPERTIES = {
  payloadFormatIndicator: [0x01, FLAG], messageExpiryInterval: [0x02, U32], contentType: [0x03, STRING],
  responseTopic: [0x08, STRING], correlationData: [0x09, BINARY], subscriptionIdentifier: [0x0b, VARINT],
  sessionExpiryInterval: [0x11, U32], assignedClientIdentifier: [0x12, STRING], serverKeepAlive: [0x13, U16],
  authenticationMethod: [0x15, STRING], authenticationData: [0x16, BINARY], requestProblemInformation: [0x17, FLAG],
  willDelayInterval: [0x18, U32], requestResponseInformation: [0x19, FLAG], responseInformation: [0x1a, STRING],
  serverReference: [0x1c, STRING], reasonString: [0x1f, STRING], receiveMaximum: [0x21, U16],
  topicAliasMaximum: [0x22, U16], topicAlias: [0x23, U16], maximumQoS: [0x24, BYTE], retainAvailable: [0x25, FLAG],
  userProperties: [0x26, PAIR], maximumPacketSize: [0x27, U32], wildcardSubscriptionAvailable: [0x28, FLAG],
  subscriptionIdentifiersAvailable: [0x29, FLAG], sharedSubscriptionAvailable: [0x2a, FLAG],
};
const BY_ID = [];
for (const [name, [id, type]] of Object.entries(PROPERTIES)) BY_ID[id] = [name, type];

/** Writes properties in their wire form (Property Length first); the driver's decode checks them against the packet's table. */
class PropertyWriter {
  constructor() {
    this.bytes = [];
  }

  varint(n) {
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 128;
      this.bytes.push(b);
    } while (n > 0);
  }

  u16(n) {
    this.bytes.push(n >> 8, n & 255);
  }

  text(value, what) {
    if (value.includes('\0')) throw usage(`${what}: string ${JSON.stringify(value.slice(0, 40))} contains the null character U+0000, which MQTT forbids`);
    this.data(utf8.encode(value), what);
  }

  data(bytes, what, kind = 'string') {
    if (bytes.length > 65535) throw usage(`${what}: ${kind} of ${bytes.length} bytes is longer than the 65535 bytes MQTT allows`);
    this.u16(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.bytes.push(bytes[i]);
  }

  put(name, value) {
    const [id, type] = PROPERTIES[name];
    this.bytes.push(id);
    switch (type) {
      case BYTE: case FLAG: this.bytes.push(Number(value)); break;
      case U16: this.u16(value); break;
      case U32: this.u16(Math.floor(value / 65536)); this.u16(value % 65536); break;
      case VARINT: this.varint(value); break;
      case STRING: this.text(value, name); break;
      case BINARY: this.data(asBytes(value), name, 'binary data'); break;
      case PAIR: this.text(value[0], 'userProperties key'); this.text(value[1], `userProperties.${value[0]}`); break;
    }
  }

  /** The Property Length and the properties; nothing at all when there are none. */
  finish() {
    if (this.bytes.length === 0) return new Uint8Array(0);
    const body = this.bytes;
    this.bytes = [];
    this.varint(body.length);
    return Uint8Array.from(this.bytes.concat(body));
  }
}

/** Reads properties in their wire form into an object with MQTT.js's names. */
function readProperties(bytes) {
  const out = {};
  if (bytes.length === 0) return out;
  let at = 0;
  const varint = () => {
    let n = 0, scale = 1, b;
    do {
      b = bytes[at++];
      n += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    return n;
  };
  const u16 = () => (bytes[at++] << 8) | bytes[at++];
  const data = () => {
    const n = u16();
    at += n;
    return bytes.subarray(at - n, at);
  };
  const end = varint() + at;
  while (at < end) {
    const [name, type] = BY_ID[bytes[at++]];
    let v;
    switch (type) {
      case BYTE: v = bytes[at++]; break;
      case FLAG: v = bytes[at++] !== 0; break;
      case U16: v = u16(); break;
      case U32: v = u16() * 65536 + u16(); break;
      case VARINT: v = varint(); break;
      case STRING: v = fromUtf8.decode(data()); break;
      case BINARY: v = data().slice(); break;
      case PAIR: {
        const key = fromUtf8.decode(data());
        const value = fromUtf8.decode(data());
        const all = (out.userProperties ??= {});
        // Own keys only, and defined rather than assigned: a key may be `toString` or `__proto__`.
        const had = Object.hasOwn(all, key) ? all[key] : undefined;
        const v = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
        Object.defineProperty(all, key, { value: v, enumerable: true, writable: true, configurable: true });
        continue;
      }
    }
    if (name === 'subscriptionIdentifier' && out[name] !== undefined) v = [].concat(out[name], v);
    out[name] = v;
  }
  return out;
}

/** `userProperties: {key: value | value[]}`, in order, repeats from arrays. */
function writeUserProperties(w, props) {
  const v = field(props, 'userProperties');
  if (v === undefined) return;
  if (typeof v !== 'object') throw usage(`userProperties must be an object, got ${describe(v)}`);
  for (const key of ownKeys(v, 'userProperties')) {
    const value = field(v, key, `userProperties.${key}`);
    for (const text of Array.isArray(value) ? items(value, `userProperties.${key}`) : [value]) {
      if (typeof text !== 'string') throw usage(`userProperties.${key} must be a string or strings, got ${describe(text)}`);
      w.put('userProperties', [key, text]);
    }
  }
}

const PUBLISH_PROPERTIES = ['payloadFormatIndicator', 'messageExpiryInterval', 'topicAlias', 'responseTopic', 'correlationData', 'userProperties', 'subscriptionIdentifier', 'contentType'];

/** PUBLISH (or will) properties from MQTT.js's `properties` object, in their wire form. */
function publishProperties(props, known = PUBLISH_PROPERTIES) {
  if (props === undefined) return new Uint8Array(0);
  optionsObject(props, 'properties');
  checkKeys(props, known, 'properties');
  const w = new PropertyWriter();
  if (known !== PUBLISH_PROPERTIES) {
    const delay = intField(props, 'willDelayInterval', 0, 4294967295);
    if (delay !== undefined) w.put('willDelayInterval', delay);
  }
  const format = field(props, 'payloadFormatIndicator');
  if (format !== undefined) {
    if (typeof format !== 'boolean' && typeof format !== 'number') throw usage('payloadFormatIndicator must be a boolean');
    w.put('payloadFormatIndicator', format !== 0 && format !== false);
  }
  const expiry = intField(props, 'messageExpiryInterval', 0, 4294967295);
  if (expiry !== undefined) w.put('messageExpiryInterval', expiry);
  const alias = intField(props, 'topicAlias', 1, 65535);
  if (alias !== undefined) w.put('topicAlias', alias);
  const response = field(props, 'responseTopic');
  if (response !== undefined) w.put('responseTopic', topicString(response, 'responseTopic'));
  const correlation = field(props, 'correlationData');
  if (correlation !== undefined) w.put('correlationData', payload(correlation, 'correlationData'));
  writeUserProperties(w, props);
  const id = intField(props, 'subscriptionIdentifier', 1, 268435455);
  if (id !== undefined) w.put('subscriptionIdentifier', id);
  const type = stringField(props, 'contentType');
  if (type !== undefined) w.put('contentType', type);
  return w.finish();
}

function topicString(v, what) {
  if (typeof v !== 'string') throw usage(`${what} must be a string, got ${describe(v)}`);
  return v;
}

/** Options this client reads. */
const KNOWN = ['protocolVersion', 'clientId', 'clean', 'keepalive', 'username', 'password', 'reconnectPeriod', 'reconnectMaxPeriod', 'maxReconnectAttempts', 'connectTimeout', 'resubscribe', 'queueQoSZero', 'will', 'properties', 'autoAssignTopicAlias', 'autoUseTopicAlias', 'queueLimit', 'queueLimitBytes', 'servers', 'transformWsUrl', 'store'];

/** MQTT.js options with no meaning in a browser, or that restate a default: accepted and ignored, so MQTT.js programs run unchanged. */
const IGNORED = ['protocol', 'protocolId', 'host', 'hostname', 'port', 'path', 'wsOptions', 'log', 'reschedulePings', 'rejectUnauthorized', 'manualConnect', 'customHandleAcks', 'incomingStore', 'outgoingStore', 'browserBufferSize', 'objectMode'];

const CONNECT_PROPERTIES = ['sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum', 'requestResponseInformation', 'requestProblemInformation', 'userProperties', 'authenticationMethod', 'authenticationData'];

function connectProperties(props, plan) {
  optionsObject(props, 'properties');
  checkKeys(props, CONNECT_PROPERTIES, 'connect properties');
  const w = new PropertyWriter();
  for (const [key, min, max] of [['sessionExpiryInterval', 0, 4294967295], ['receiveMaximum', 1, 65535], ['maximumPacketSize', 1, 268435460], ['topicAliasMaximum', 0, 65535]]) {
    const v = intField(props, key, min, max);
    if (v !== undefined) w.put(key, v);
  }
  for (const key of ['requestResponseInformation', 'requestProblemInformation']) {
    const v = boolField(props, key);
    if (v !== undefined) w.put(key, v);
  }
  writeUserProperties(w, props);
  plan.properties = w.finish();
  const method = stringField(props, 'authenticationMethod');
  if (method === undefined) return;
  if (method !== 'SCRAM-SHA-256') throw usage(`authenticationMethod ${JSON.stringify(method)} is not supported; use "SCRAM-SHA-256"`);
  if (plan.username === undefined) throw usage('SCRAM-SHA-256 needs a username');
  if (plan.password === undefined) throw usage('SCRAM-SHA-256 needs a password');
  // SCRAM carries the credentials in the AUTH exchange, not in CONNECT.
  plan.scramUser = plan.username;
  plan.scramPassword = fromUtf8.decode(plan.password);
  plan.username = plan.password = undefined;
}

function readWill(w, plan) {
  optionsObject(w, 'will');
  checkKeys(w, ['topic', 'payload', 'qos', 'retain', 'properties'], 'will');
  const topic = field(w, 'topic');
  if (topic === undefined) throw usage('will.topic is required');
  plan.willTopic = topicString(topic, 'will.topic');
  plan.willPayload = asBytes(payload(field(w, 'payload'), 'will.payload'));
  plan.willFlags = qosField(w, 'qos') | (boolField(w, 'retain') ? 4 : 0);
  plan.willProperties = publishProperties(field(w, 'properties'), [...PUBLISH_PROPERTIES, 'willDelayInterval']);
}

/** `connect`'s URL, then one per `servers` entry (`{host, port, protocol, path}`), tried in rotation on reconnect like MQTT.js. */
function readUrls(url, options) {
  const urls = [url];
  const servers = field(options, 'servers');
  if (servers === undefined) return urls;
  if (!Array.isArray(servers)) throw usage(`servers must be an array, got ${describe(servers)}`);
  items(servers, 'servers').forEach((server, i) => {
    const host = stringField(server, 'host');
    if (host === undefined) throw usage(`servers[${i}].host is required`);
    const protocol = stringField(server, 'protocol') ?? 'ws';
    if (protocol !== 'ws' && protocol !== 'wss') throw usage(`servers[${i}].protocol must be "ws" or "wss", got ${JSON.stringify(protocol)}`);
    const port = intField(server, 'port', 1, 65535);
    urls.push(`${protocol}://${host}${port === undefined ? '' : `:${port}`}${stringField(server, 'path') ?? '/mqtt'}`);
  });
  return urls;
}

/** `store: true` or `{ name }`: the IndexedDB key of this client's session, found again by its client id. */
function storeKey(options, clientId) {
  const store = field(options, 'store');
  if (store === undefined || store === false) return undefined;
  const name = store === true ? 'default' : stringField(store, 'name') ?? 'default';
  if (!clientId) throw usage('store needs a clientId: the stored session is found again by it');
  return `${name}/${clientId}`;
}

/** Checks `connect(url, options)` and returns what the driver reads (see `js.rs`'s `Plan`). */
export function readOptions(url, options) {
  if (typeof url !== 'string' || !(url.startsWith('ws://') || url.startsWith('wss://'))) {
    throw usage(`the URL must start with ws:// or wss://, got ${typeof url === 'string' ? JSON.stringify(url) : describe(url)}`);
  }
  if (options != null && typeof options !== 'object') throw usage(`options must be an object, got ${describe(options)}`);
  if (options != null) {
    for (const key of ownKeys(options, 'options')) {
      if (!KNOWN.includes(key) && !IGNORED.includes(key)) throw usage(`unknown option ${JSON.stringify(key)}; known options are ${KNOWN.join(', ')}`);
    }
  }
  const plan = { options, properties: new Uint8Array(0), willFlags: 0, willPayload: new Uint8Array(0), willProperties: new Uint8Array(0) };
  plan.version = intField(options, 'protocolVersion', 3, 5) ?? 4;
  plan.clientId = stringField(options, 'clientId');
  plan.clean = boolField(options, 'clean') ?? true;
  plan.keepalive = intField(options, 'keepalive', 0, 65535) ?? 60;
  plan.username = stringField(options, 'username');
  const password = field(options, 'password');
  plan.password = password === undefined ? undefined : asBytes(payload(password, 'password'));
  const period = intField(options, 'reconnectPeriod', 0, 86400000) ?? 1000;
  const maxPeriod = intField(options, 'reconnectMaxPeriod', 0, 86400000) ?? Math.max(period, 30000);
  if (maxPeriod < period) throw usage(`reconnectMaxPeriod ${maxPeriod} is below reconnectPeriod ${period}`);
  plan.numbers = Float64Array.of(period, maxPeriod, intField(options, 'maxReconnectAttempts', 1, 1e9) ?? 0,
    intField(options, 'connectTimeout', 1, 86400000) ?? 0, intField(options, 'queueLimit', 1, 1e9) ?? 0,
    intField(options, 'queueLimitBytes', 1, 1e12) ?? 0);
  plan.flags = ((boolField(options, 'resubscribe') ?? true) ? 1 : 0) | ((boolField(options, 'queueQoSZero') ?? true) ? 2 : 0)
    | (boolField(options, 'autoAssignTopicAlias') || boolField(options, 'autoUseTopicAlias') ? 4 : 0);
  const will = field(options, 'will');
  if (will !== undefined) readWill(will, plan);
  const props = field(options, 'properties');
  if (props !== undefined) connectProperties(props, plan);
  plan.urls = readUrls(url, options);
  const transform = field(options, 'transformWsUrl');
  if (transform !== undefined && typeof transform !== 'function') throw usage(`transformWsUrl must be a function, got ${describe(transform)}`);
  plan.transform = transform;
  plan.storeKey = storeKey(options, plan.clientId);
  return plan;
}

/** The client object around `driver`; with `wait`, a promise of it, settled by the first CONNACK or failure. */
export function newClient(driver, plan, wait) {
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

const PUBLISH_OPTIONS = ['qos', 'retain', 'dup', 'properties', 'timeout', 'cbStorePut'];

/** Reads `publish(topic, message, options)`: `[qos, topic, payload, retain, properties]`, checked in that order after the option names. */
function publishArgs(topic, message, options) {
  if (options != null) {
    optionsObject(options, 'publish options');
    checkKeys(options, PUBLISH_OPTIONS, 'publish options');
  }
  const t = topicString(topic, 'topic');
  const p = payload(message, 'message');
  if (options == null) return [0, t, p, false, EMPTY];
  const qos = qosField(options, 'qos');
  const retain = boolField(options, 'retain') ?? false;
  const props = field(options, 'properties');
  return [qos, t, p, retain, props === undefined ? EMPTY : publishProperties(props)];
}

const EMPTY = new Uint8Array(0);

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
    let id;
    try {
      id = this._driver.publish(t, p, qos, retain, props, false);
    } catch (e) {
      refuse(done, e);
      return this;
    }
    this._pending.set(id, { ...done, qos });
    this._driver.pump();
    return this;
  }

  /** Publishes; resolves on completion (`{cmd, reasonCode}` for QoS 1 and 2), rejects with a typed error. */
  publishAsync(topic, message, options) {
    return promised((done) => {
      try {
        const [qos, t, p, retain, props] = publishArgs(topic, message, options);
        this._pending.set(this._driver.publish(t, p, qos, retain, props, false), { ...done, qos });
      } catch (e) {
        return done.reject(e);
      }
      this._driver.pump();
    });
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
    return [packetId, granted];
  }

  /** Subscribes: `topic` is a string, an array, or `{topic: options | qos}`; `callback(err, granted)` with `granted = [{topic, qos, nl, rap, rh}]` (qos 128, or the reason code under 5.0, on failure). */
  subscribe(topic, options, callback) {
    [options, callback] = splitArgs(options, callback);
    const done = { callback };
    try {
      const [id, granted] = this._subscribe(topic, options);
      this._pending.set(id, { ...done, granted });
    } catch (e) {
      refuse(done, e);
      return this;
    }
    this._driver.pump();
    return this;
  }

  /** Subscribes; resolves with `granted`. */
  subscribeAsync(topic, options) {
    return promised((done) => {
      try {
        const [id, granted] = this._subscribe(topic, options);
        this._pending.set(id, { ...done, granted });
      } catch (e) {
        return done.reject(e);
      }
      this._driver.pump();
    });
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
    const done = { callback };
    try {
      this._pending.set(this._unsubscribe(topic, options), done);
    } catch (e) {
      refuse(done, e);
      return this;
    }
    this._driver.pump();
    return this;
  }

  /** Unsubscribes; resolves with the UNSUBACK (`{cmd, reasonCodes}`). */
  unsubscribeAsync(topic, options) {
    return promised((done) => {
      try {
        this._pending.set(this._unsubscribe(topic, options), done);
      } catch (e) {
        return done.reject(e);
      }
      this._driver.pump();
    });
  }

  _end(done) {
    if (this._ended) {
      // Ended already: nothing more will come from the session to settle it.
      queueMicrotask(() => settle(done, null, undefined));
      return;
    }
    try {
      this._endCallbacks.push(done);
      this._driver.end();
    } catch (e) {
      this._endCallbacks = this._endCallbacks.filter((d) => d !== done);
      return refuse(done, e);
    }
    this._driver.pump();
  }

  /** Disconnects and stops reconnecting: `end(force?, options?, callback?)`. */
  end(force, options, callback) {
    const f = [callback, options, force].find((v) => typeof v === 'function');
    this._end({ callback: f && (() => f()) });
    return this;
  }

  /** Disconnects; resolves once ended. */
  endAsync() {
    return promised((done) => this._end(done));
  }

  /** Connects again after `end()`, or now instead of after the backoff. */
  reconnect() {
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
        timer = setTimeout(() => {
          if (this._takeRequest(correlation)) done.reject(mqttError(TIMEOUT, -1, '', `no response within ${timeout} ms`));
        }, timeout);
        waiting.timer = timer;
        this._driver.publish(t, p, qos, retain, bytes, true);
      } catch (e) {
        clearTimeout(timer);
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

  /** The options passed to `connect`. */
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
    if (list) for (let i = 0; i < list.length; i++) call(list[i], this, topic, packet.payload, packet);
    if (this._handlers.length) this._handle(packet);
    if (this._requests.length && packet.properties.correlationData) {
      const waiting = this._takeRequest(packet.properties.correlationData);
      if (waiting) {
        clearTimeout(waiting.timer);
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
        this._driver.end();
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
  }

  onReauth() {
    this.emit('reauth');
  }

  onError(error) {
    this.emit('error', error);
  }

  onPacket(sent, cmd, topic, bytes, flags, messageId, reasonCode, topicAlias) {
    const packet = { cmd };
    if (cmd === 'publish') {
      Object.assign(packet, { topic, qos: flags & 3, retain: (flags & 4) !== 0, dup: (flags & 8) !== 0 });
      if (messageId !== undefined) packet.messageId = messageId;
      packet.payload = bytes.slice();
      if (topicAlias !== undefined) packet.topicAlias = topicAlias;
    } else if (messageId !== undefined) {
      packet.messageId = messageId;
      packet.reasonCode = reasonCode;
    }
    this.emit(sent ? 'packetsend' : 'packetreceive', packet);
  }
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
