// Helpers on the paths every message takes. Each replaces a crossing of the wasm boundary per
// field (or per listener) by one call: a crossing costs more than the work it carries.

/** A WebSocket `message` listener that hands each binary frame to `receive` as bytes. */
export function binaryFrames(receive) {
  return (event) => {
    // MQTT travels in binary frames only; a text frame carries nothing for the session.
    if (event.data instanceof ArrayBuffer) receive(new Uint8Array(event.data));
  };
}

/**
 * Builds the `packet` of a `message` event (MQTT.js's fields) and calls `listeners` with
 * `(topic, payload, packet)`. `payload` is a view into wasm memory: the packet keeps a copy.
 * A listener that throws neither stops the others nor vanishes: it becomes an unhandled
 * rejection, as in the generic emit.
 */
export function deliverMessage(listeners, topic, payload, qos, retain, dup, messageId, properties) {
  const packet = { cmd: 'publish', topic, payload: payload.slice(), qos, retain, dup };
  if (messageId !== undefined) packet.messageId = messageId;
  packet.properties = properties ?? {};
  for (let i = 0; i < listeners.length; i++) {
    try {
      listeners[i](topic, packet.payload, packet);
    } catch (e) {
      Promise.reject(e);
    }
  }
  return packet;
}

/**
 * `publish` options of the common shape (`qos`, `retain`, `dup`, nothing else, all valid) as
 * `qos | retain << 2`; -1 for anything else, which the full reader then checks and names.
 */
export function plainPublishOptions(options) {
  if (options === undefined || options === null) return 0;
  if (typeof options !== 'object' || Array.isArray(options)) return -1;
  try {
    for (const key of Object.keys(options)) {
      if (key !== 'qos' && key !== 'retain' && key !== 'dup') return -1;
    }
    // Read as the full reader reads them (inherited getters included).
    const qos = options.qos ?? 0;
    const retain = options.retain ?? false;
    if (options.properties != null) return -1;
    if ((qos !== 0 && qos !== 1 && qos !== 2) || typeof retain !== 'boolean') return -1;
    return qos | (retain ? 4 : 0);
  } catch {
    // A throwing getter or Proxy trap: the full reader reports it, naming the field.
    return -1;
  }
}
