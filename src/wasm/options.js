// Reading what the caller passes to the MQTT.js-shaped API, with MQTT.js's names: each bad value
// an MqttUsageError that names it. MQTT 5 properties are written in their wire form, which the
// driver's decode checks against the packet's property table, and read back from it.
const KINDS = ['MqttUsageError', 'MqttConnectionError', 'MqttPublishError', 'MqttSubscriptionError', 'MqttTimeoutError'];
const USAGE = 0;
export const TIMEOUT = 4;

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

export const usage = (message) => mqttError(USAGE, -1, '', message);

/** A short description of a value for error messages. */
export function describe(v) {
  switch (typeof v) {
    case 'string': return `the string ${JSON.stringify([...v].slice(0, 40).join(''))}`;
    case 'number': return String(v);
    case 'boolean': return String(v);
    case 'function': return 'a function';
    case 'object': return v === null ? 'an unsupported value' : Array.isArray(v) ? 'an array' : 'an object';
    default: return 'an unsupported value';
  }
}

export const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';

/** A field, `undefined` when absent or null. A throwing getter is named, not taken for absent. */
export function field(obj, key, what = key) {
  if (!isObject(obj)) return undefined;
  let v;
  try {
    v = obj[key];
  } catch (e) {
    throw usage(`reading ${what} threw: ${e instanceof Error ? e.message : describe(e)}`);
  }
  return v ?? undefined;
}

export function boolField(obj, key) {
  const v = field(obj, key);
  if (v !== undefined && typeof v !== 'boolean') throw usage(`${key} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A whole number in `min..=max`. */
export function intField(obj, key, min, max) {
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

export function qosField(obj, key) {
  const v = field(obj, key);
  if (v !== undefined && v !== 0 && v !== 1 && v !== 2) throw usage(`${key} must be 0, 1 or 2, got ${describe(v)}`);
  return v ?? 0;
}

/** Every own key of `obj`, symbols included; a Proxy trap that throws is named. */
function allKeys(obj, what) {
  try {
    return Reflect.ownKeys(obj);
  } catch (e) {
    throw usage(`reading the keys of ${what} threw: ${e instanceof Error ? e.message : describe(e)}`);
  }
}

/** The own string keys of `obj`, in order. */
export function ownKeys(obj, what) {
  return allKeys(obj, what).filter((k) => typeof k === 'string');
}

/** The items of an array (or a Proxy of one), read without trusting its traps. */
export function items(array, what) {
  try {
    return Array.from({ length: array.length }, (_, i) => array[i]);
  } catch (e) {
    throw usage(`reading ${what} threw: ${e instanceof Error ? e.message : describe(e)}`);
  }
}

/** Refuses keys not in `known`: a typo (`retian`, `qoss`) would otherwise be ignored. */
export function checkKeys(obj, known, what) {
  if (!isObject(obj)) return;
  const keys = allKeys(obj, what);
  // A plain loop, no filtered copy: this runs for every publish that passes options.
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key === 'string' && !known.includes(key)) throw usage(`unknown option ${JSON.stringify(key)} in ${what}; known: ${known.join(', ')}`);
  }
}

/** An options argument: absent, or a plain object. */
export function optionsObject(v, what) {
  if (v == null || (typeof v === 'object' && !Array.isArray(v))) return;
  throw usage(`${what} must be an object, got ${describe(v)}`);
}

/** A payload as the driver takes it: a string (sent as UTF-8) or a `Uint8Array`. */
export function payload(v, what) {
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
export class PropertyWriter {
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
export function readProperties(bytes) {
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
export function writeUserProperties(w, props) {
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

export const PUBLISH_PROPERTIES = ['payloadFormatIndicator', 'messageExpiryInterval', 'topicAlias', 'responseTopic', 'correlationData', 'userProperties', 'subscriptionIdentifier', 'contentType'];

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

/** `end(force?, options?)`'s DISCONNECT: `[reasonCode, properties in their wire form]` from MQTT.js's `{reasonCode, properties}`. */
export function disconnectArgs(options) {
  if (options === undefined || options === null) return [0, EMPTY];
  optionsObject(options, 'end options');
  checkKeys(options, ['reasonCode', 'properties'], 'end options');
  const reason = intField(options, 'reasonCode', 0, 255) ?? 0;
  const props = field(options, 'properties');
  if (props === undefined) return [reason, EMPTY];
  optionsObject(props, 'properties');
  checkKeys(props, ['sessionExpiryInterval', 'reasonString', 'userProperties'], 'disconnect properties');
  const w = new PropertyWriter();
  const expiry = intField(props, 'sessionExpiryInterval', 0, 4294967295);
  if (expiry !== undefined) w.put('sessionExpiryInterval', expiry);
  const text = stringField(props, 'reasonString');
  if (text !== undefined) w.put('reasonString', text);
  writeUserProperties(w, props);
  return [reason, w.finish()];
}

export function topicString(v, what) {
  if (typeof v !== 'string') throw usage(`${what} must be a string, got ${describe(v)}`);
  return v;
}

/** Options this client reads. */
const KNOWN = ['protocol', 'host', 'hostname', 'port', 'path', 'protocolVersion', 'clientId', 'clean', 'keepalive', 'username', 'password', 'reconnectPeriod', 'reconnectMaxPeriod', 'maxReconnectAttempts', 'connectTimeout', 'resubscribe', 'queueQoSZero', 'will', 'properties', 'autoAssignTopicAlias', 'autoUseTopicAlias', 'queueLimit', 'queueLimitBytes', 'servers', 'transformWsUrl', 'store'];

/** MQTT.js options with no meaning in a browser, or that restate a default: accepted and ignored, so MQTT.js programs run unchanged. */
const IGNORED = ['protocolId', 'wsOptions', 'log', 'reschedulePings', 'rejectUnauthorized', 'manualConnect', 'customHandleAcks', 'incomingStore', 'outgoingStore', 'browserBufferSize', 'objectMode'];

const CONNECT_PROPERTIES = ['sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum', 'requestResponseInformation', 'requestProblemInformation', 'userProperties', 'authenticationMethod', 'authenticationData'];

function connectProperties(props, plan) {
  optionsObject(props, 'properties');
  checkKeys(props, CONNECT_PROPERTIES, 'connect properties');
  // Accepted by name (MQTT.js has it), but never sent as given: the one method supported
  // makes its own data in the AUTH exchange, and data without a method is a protocol error.
  if (field(props, 'authenticationData') !== undefined) {
    throw usage('authenticationData cannot be given: the SCRAM-SHA-256 exchange makes its own (set authenticationMethod, username and password)');
  }
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

/** MQTT.js's protocols in a browser: `mqtt` and `mqtts` mean WebSocket there too. */
const WS_PROTOCOLS = { ws: 'ws', wss: 'wss', mqtt: 'ws', mqtts: 'wss' };

/**
 * The URL to connect to. As in MQTT.js, `protocol`, `host` (`hostname`), `port` and `path`
 * options override the URL's parts, and make the URL when there is none.
 */
function brokerUrl(url, options) {
  const given = field(options, 'protocol');
  if (given !== undefined && !(typeof given === 'string' && given in WS_PROTOCOLS)) {
    throw usage(`protocol must be "ws" or "wss" (or "mqtt", "mqtts", which mean them in a browser), got ${describe(given)}`);
  }
  const protocol = WS_PROTOCOLS[given];
  const host = stringField(options, 'hostname') ?? stringField(options, 'host');
  const port = intField(options, 'port', 0, 65535);
  const path = stringField(options, 'path');
  // An IPv6 address goes in brackets in a URL.
  const bracketed = host !== undefined && host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (url === undefined) {
    if (host === undefined) throw usage('connect needs a ws:// or wss:// URL, or a host option');
    url = `${protocol ?? 'ws'}://${bracketed}`;
  }
  if (typeof url !== 'string' || !(url.startsWith('ws://') || url.startsWith('wss://'))) {
    throw usage(`the URL must start with ws:// or wss://, got ${typeof url === 'string' ? JSON.stringify(url) : describe(url)}`);
  }
  if (protocol === undefined && host === undefined && !port && path === undefined) return url;
  let u;
  try {
    u = new URL(url);
  } catch {
    throw usage(`the URL ${JSON.stringify(url)} is not valid`);
  }
  if (protocol !== undefined) u.protocol = `${protocol}:`;
  if (host !== undefined) {
    // Setting a host the URL parser cannot take (a port or a path in it, a space) is silently
    // ignored: refused here instead of connecting elsewhere.
    let parsed;
    try {
      parsed = new URL(`ws://${bracketed}`);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.port !== '' || parsed.pathname !== '/' || parsed.username !== '') {
      throw usage(`host ${JSON.stringify(host)} is not a host name`);
    }
    u.hostname = parsed.hostname;
  }
  if (port) u.port = String(port);
  if (path !== undefined) {
    // The path replaces the URL's path and query, as in MQTT.js.
    const query = path.indexOf('?');
    u.pathname = query < 0 ? path : path.slice(0, query);
    u.search = query < 0 ? '' : path.slice(query);
  }
  return u.href;
}

/** Checks `connect(url, options)` and returns what the driver reads (see `js.rs`'s `Plan`). */
export function readOptions(url, options) {
  // MQTT.js's connect(options): the broker from host, port, path and protocol alone.
  if (options === undefined && url !== null && typeof url === 'object') [url, options] = [undefined, url];
  if (options != null && typeof options !== 'object') throw usage(`options must be an object, got ${describe(options)}`);
  url = brokerUrl(url, options);
  if (options != null) {
    for (const key of ownKeys(options, 'options')) {
      if (!KNOWN.includes(key) && !IGNORED.includes(key)) throw usage(`unknown option ${JSON.stringify(key)}; known options are ${KNOWN.join(', ')}`);
    }
  }
  const plan = { properties: new Uint8Array(0), willFlags: 0, willPayload: new Uint8Array(0), willProperties: new Uint8Array(0) };
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
    | (boolField(options, 'autoAssignTopicAlias') ? 4 : 0) | (boolField(options, 'autoUseTopicAlias') ? 8 : 0);
  const will = field(options, 'will');
  if (will !== undefined) readWill(will, plan);
  const props = field(options, 'properties');
  if (props !== undefined) connectProperties(props, plan);
  plan.urls = readUrls(url, options);
  const transform = field(options, 'transformWsUrl');
  if (transform !== undefined && typeof transform !== 'function') throw usage(`transformWsUrl must be a function, got ${describe(transform)}`);
  plan.transform = transform;
  plan.storeKey = storeKey(options, plan.clientId);
  // What `client.options` and `transformWsUrl` see, as in MQTT.js: the options given, with the
  // defaults in force filled in (`clientId` is added by the client: the session may generate it).
  plan.options = {
    ...options, protocolVersion: plan.version, clean: plan.clean, keepalive: plan.keepalive,
    reconnectPeriod: period, reconnectMaxPeriod: maxPeriod, connectTimeout: plan.numbers[3] || 30000,
    resubscribe: (plan.flags & 1) !== 0, queueQoSZero: (plan.flags & 2) !== 0,
  };
  return plan;
}

export const PUBLISH_OPTIONS = ['qos', 'retain', 'dup', 'properties', 'timeout', 'cbStorePut'];

/** Reads `publish(topic, message, options)`: `[qos, topic, payload, retain, properties]`, checked in that order after the option names. */
export function publishArgs(topic, message, options) {
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

export const EMPTY = new Uint8Array(0);
