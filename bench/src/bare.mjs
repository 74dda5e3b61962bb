// The bare-WebSocket reference: the least work a client can do for the self-loop. PUBLISH
// packets are encoded before the clock starts and written 100 per `send`; acknowledgements
// are written in one `send` per received frame; the only state is a packet counter and the
// in-flight window the broker's Receive Maximum allows. No API, no events, no checks: the
// practical limit of this broker and browser.

const enc = new TextEncoder();
const BATCH = 100;

function varint(n) {
  const out = [];
  do { let b = n % 128; n = Math.floor(n / 128); if (n > 0) b |= 0x80; out.push(b); } while (n > 0);
  return out;
}

function str(s) {
  const b = enc.encode(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}

function packet(first, body) {
  return Uint8Array.from([first, ...varint(body.length), ...body]);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** One PUBLISH, encoded by hand (v5 with an empty property list). */
export function encodePublish(version, topic, payload, qos, id) {
  const body = [...str(topic)];
  if (qos > 0) body.push(id >> 8, id & 0xff);
  if (version === 5) body.push(0);
  const head = [0x30 | (qos << 1), ...varint(body.length + payload.length)];
  return concat([Uint8Array.from(head), Uint8Array.from(body), payload]);
}

/**
 * Connects, subscribes to `topic`, publishes `n` pre-encoded messages and resolves with the
 * milliseconds from the first write to the `n`th PUBLISH received.
 */
export function bareSelfLoop({ url, version, qos, topic, payload, n, clientId }) {
  const packets = [];
  for (let i = 0; i < n; i++) packets.push(encodePublish(version, topic, payload, qos, (i % 65000) + 2));
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'mqtt');
    ws.binaryType = 'arraybuffer';
    let stage = 'connack';
    let window = 65535;
    let inFlight = 0;
    let next = 0;
    let received = 0;
    let started = 0;
    let acks = [];
    let rest = new Uint8Array(0);

    const fill = () => {
      while (next < n && (qos === 0 || inFlight < window)) {
        const room = qos === 0 ? BATCH : Math.min(BATCH, window - inFlight);
        const batch = packets.slice(next, Math.min(n, next + room));
        next += batch.length;
        if (qos > 0) inFlight += batch.length;
        ws.send(concat(acks.length ? [...acks, ...batch] : batch));
        acks = [];
      }
      if (acks.length) { ws.send(concat(acks)); acks = []; }
    };

    const onPacket = (type, flags, body) => {
      switch (type) {
        case 2: { // CONNACK: v5 Receive Maximum (0x21) bounds the QoS 1/2 window
          if (body[1] !== 0) return reject(new Error(`bare: CONNACK code ${body[1]}`));
          if (version === 5) {
            let at = 2;
            let len = 0, mul = 1, b;
            do { b = body[at++]; len += (b & 0x7f) * mul; mul *= 128; } while (b & 0x80);
            const end = at + len;
            while (at < end) {
              const id = body[at++];
              if (id === 0x21) { window = (body[at] << 8) | body[at + 1]; at += 2; }
              else if ([0x24, 0x25, 0x28, 0x29, 0x2a].includes(id)) at += 1;
              else if ([0x13, 0x22].includes(id)) at += 2;
              else if ([0x11, 0x27].includes(id)) at += 4;
              else if (id === 0x26) { at += 2 + ((body[at] << 8) | body[at + 1]); at += 2 + ((body[at] << 8) | body[at + 1]); }
              else at += 2 + ((body[at] << 8) | body[at + 1]);
            }
          }
          stage = 'suback';
          const sub = [0, 1, ...(version === 5 ? [0] : []), ...str(topic), qos];
          ws.send(packet(0x82, sub));
          return;
        }
        case 9: // SUBACK: start
          stage = 'run';
          started = performance.now();
          fill();
          return;
        case 3: { // PUBLISH
          const q = (flags >> 1) & 3;
          if (q > 0) {
            const at = 2 + ((body[0] << 8) | body[1]);
            acks.push(Uint8Array.of(q === 1 ? 0x40 : 0x50, 2, body[at], body[at + 1]));
          }
          received++;
          return;
        }
        case 4: case 7: inFlight--; return; // PUBACK, PUBCOMP
        case 5: acks.push(Uint8Array.of(0x62, 2, body[0], body[1])); return; // PUBREC -> PUBREL
        case 6: acks.push(Uint8Array.of(0x70, 2, body[0], body[1])); return; // PUBREL -> PUBCOMP
        default:
      }
    };

    ws.onopen = () => {
      const connect = [...str('MQTT'), version, 0x02, 0, 60, ...(version === 5 ? [0] : []), ...str(clientId)];
      ws.send(packet(0x10, connect));
    };
    ws.onmessage = (e) => {
      let bytes = new Uint8Array(e.data);
      if (rest.length) bytes = concat([rest, bytes]);
      let at = 0;
      for (;;) {
        if (bytes.length - at < 2) break;
        let len = 0, mul = 1, i = at + 1, b;
        do { if (i >= bytes.length) { len = -1; break; } b = bytes[i++]; len += (b & 0x7f) * mul; mul *= 128; } while (b & 0x80);
        if (len < 0 || bytes.length - i < len) break;
        onPacket(bytes[at] >> 4, bytes[at] & 0x0f, bytes.subarray(i, i + len));
        at = i + len;
      }
      rest = bytes.slice(at);
      if (stage !== 'run') return;
      if (received >= n) {
        const ms = performance.now() - started;
        if (acks.length) ws.send(concat(acks));
        ws.send(Uint8Array.of(0xe0, 0));
        ws.close();
        stage = 'done';
        resolve(ms);
        return;
      }
      fill();
    };
    ws.onerror = () => reject(new Error('bare: WebSocket error'));
    ws.onclose = (e) => { if (stage !== 'done') reject(new Error(`bare: closed ${e.code} in ${stage}`)); };
  });
}
