// A fault-injecting WebSocket proxy on loopback, between the browser and mosquitto (issue 7).
// It terminates the browser's WebSocket, opens its own to the broker, and forwards the MQTT
// bytes frame by frame, doing to them what `faults` says at that moment:
//   split       each byte in a WebSocket frame of its own (packets arrive in pieces)
//   coalesceMs  frames held this long and sent as one (many packets in one frame)
//   delayMs     the broker's frames (its acks among them) delayed this long
//   stalled     nothing forwarded either way until it is cleared
// (each connection takes the faults set when it opens; `stalled` acts at once)
// and `cut()` drops every connection at once, wherever the exchanges are.
import { createServer, connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseFrames, encodeFrame, acceptKey } from '../browser/ws-frames.mjs';
import { freePort } from '../browser/harness.mjs';

const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;
const BINARY = 0x2;

/** Starts the proxy in front of the broker's WebSocket listener on `brokerPort`. */
export async function startFaultProxy(brokerPort) {
  const port = await freePort();
  const pairs = new Set();
  const faults = { split: false, coalesceMs: 0, delayMs: 0, stalled: false };
  const stats = { connections: 0, cuts: 0, framesToClient: 0, framesToBroker: 0 };
  const waiting = [];
  const server = createServer((client) => {
    client.on('error', () => {});
    readHeader(client, (request, rest) => open(client, request, rest));
  });

  function open(client, request, rest) {
    const key = /sec-websocket-key:\s*(\S+)/i.exec(request)?.[1];
    if (!key) { client.destroy(); return; }
    const broker = connect(brokerPort, '127.0.0.1');
    broker.on('error', () => client.destroy());
    // The faults of a connection are fixed when it opens (stalls excepted): changing how
    // frames are grouped in the middle would reorder bytes, which TCP never does.
    const pair = {
      client, broker, faults: { ...faults },
      held: { up: [], down: [] }, timer: {}, queue: { up: [], down: [] }, waiting: {},
    };
    pairs.add(pair);
    const forget = () => {
      pairs.delete(pair);
      client.destroy();
      broker.destroy();
      for (const t of [...Object.values(pair.timer), ...Object.values(pair.waiting)]) clearTimeout(t);
    };
    client.on('close', forget);
    broker.on('close', forget);
    broker.write(['GET /mqtt HTTP/1.1', `Host: 127.0.0.1:${brokerPort}`, 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: mqtt', '', ''].join('\r\n'));
    readHeader(broker, (response, brokerRest) => {
      if (!response.startsWith('HTTP/1.1 101')) { forget(); return; }
      stats.connections++;
      for (const ok of waiting.splice(0)) ok();
      const accept = acceptKey(key);
      client.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accept}`, 'Sec-WebSocket-Protocol: mqtt', '', ''].join('\r\n'));
      pump(pair, client, broker, rest, true);
      pump(pair, broker, client, brokerRest, false);
    });
  }

  /** Frames from `from` to `to`; `toBroker` frames are masked, as a client's must be. */
  function pump(pair, from, to, first, toBroker) {
    let pending = Buffer.alloc(0);
    const onData = (d) => {
      const { frames, rest } = parseFrames(Buffer.concat([pending, d]));
      pending = rest;
      for (const { opcode, payload } of frames) {
        if (opcode === CLOSE) { pair.client.destroy(); pair.broker.destroy(); return; }
        if (opcode === PING) { from.write(encodeFrame(PONG, payload, !toBroker)); continue; }
        if (opcode === BINARY || opcode === 0) forward(pair, to, payload, toBroker);
      }
    };
    from.on('data', onData);
    if (first.length) onData(first);
    from.resume();
  }

  /** Frames go through a queue per direction: coalesced first, then each sent when its delay
   *  (latency, not serialised) has passed and no stall holds it, always in order. */
  function forward(pair, to, payload, toBroker) {
    const dir = toBroker ? 'up' : 'down';
    const coalesce = pair.faults.coalesceMs;
    if (coalesce > 0) {
      pair.held[dir].push(payload);
      pair.timer[dir] ??= setTimeout(() => {
        pair.timer[dir] = null;
        enqueue(pair, dir, to, Buffer.concat(pair.held[dir].splice(0)), toBroker);
      }, coalesce);
    } else {
      enqueue(pair, dir, to, payload, toBroker);
    }
  }

  function enqueue(pair, dir, to, bytes, toBroker) {
    const delay = toBroker ? 0 : pair.faults.delayMs;
    pair.queue[dir].push({ at: Date.now() + delay, bytes });
    drain(pair, dir, to, toBroker);
  }

  function drain(pair, dir, to, toBroker) {
    const queue = pair.queue[dir];
    if (pair.waiting[dir]) return;
    while (queue.length > 0) {
      if (to.destroyed) { queue.length = 0; return; }
      const wait = faults.stalled ? 5 : queue[0].at - Date.now();
      if (wait > 0) {
        pair.waiting[dir] = setTimeout(() => { pair.waiting[dir] = null; drain(pair, dir, to, toBroker); }, wait);
        return;
      }
      const { bytes } = queue.shift();
      const pieces = pair.faults.split ? [...bytes].map((b) => Buffer.from([b])) : [bytes];
      for (const piece of pieces) to.write(encodeFrame(BINARY, piece, toBroker));
      stats[toBroker ? 'framesToBroker' : 'framesToClient'] += pieces.length;
    }
  }

  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: `ws://127.0.0.1:${port}/mqtt`,
    faults,
    stats,
    /** Resolves when the next connection through the proxy is established. */
    opened() { return new Promise((ok) => waiting.push(ok)); },
    /** Connections open through the proxy now. */
    get open() { return pairs.size; },
    /** Drops every connection at once (TCP reset, no WebSocket close, no DISCONNECT). */
    cut() {
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy?.() ?? pair.client.destroy();
        pair.broker.destroy();
      }
      stats.cuts++;
    },
    stop() { this.cut(); server.close(); },
  };
}

/** Reads an HTTP header from `socket`, then calls `done(header, bytes after it)`. */
function readHeader(socket, done) {
  let buf = Buffer.alloc(0);
  const onData = (d) => {
    buf = Buffer.concat([buf, d]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    socket.off('data', onData);
    socket.pause(); // until the pump listens: bytes after the header must not be lost
    done(buf.subarray(0, end).toString('latin1'), buf.subarray(end + 4));
  };
  socket.on('data', onData);
}
