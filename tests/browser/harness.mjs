// Test harness for the browser client: a real mosquitto (WebSocket listener on a free
// loopback port), a static server for the repository (so pages import pkg/ exactly as a user
// would), and Debian's headless Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve } from 'node:path';
import { createServer as netServer, connect as netConnect } from 'node:net';
import { chromium } from 'playwright-core';
import { parseFrames, encodeFrame, acceptKey } from './ws-frames.mjs';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/**
 * A free loopback port below Linux's ephemeral range (32768-60999), so that no client
 * socket of the tests can take it between this check and the server's bind.
 */
let nextPort = 20000 + Math.floor(Math.random() * 12000);
export async function freePort() {
  for (let tries = 0; tries < 2000; tries++) {
    nextPort = 20000 + ((nextPort - 20000 + 7919) % 12000);
    const port = nextPort;
    const free = await new Promise((ok) => {
      const s = netServer();
      s.once('error', () => ok(false));
      s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000-31999');
}

/** An MQTT string: two length bytes, then UTF-8. */
export function mqttString(text) {
  const b = Buffer.from(text);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** An MQTT packet: the first byte, the remaining length as a variable byte integer, the body. */
export function mqttPacket(first, body) {
  const len = [];
  let n = body.length;
  do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 0x80; len.push(b); } while (n);
  return Buffer.concat([Buffer.from([first, ...len]), body]);
}

/**
 * Starts mosquitto with a WebSocket listener; resolves when it logs that it is running.
 * `extra` is more configuration lines. `more.listener` is lines for the WebSocket listener
 * (per-listener options such as `max_qos`); `more.port`, `more.tcpPort` and `more.dir` start
 * it on given ports and persistence directory: `restart()` uses them to bring a broker back
 * where it was.
 */
export async function startMosquitto(extra = '', more = {}) {
  const dir = more.dir ?? mkdtempSync(join(tmpdir(), 'wasmqtt-browser-'));
  const ws = more.port ?? await freePort();
  // mosquitto 2.0.11 exits ("Unable to start any listening sockets") when its only listener
  // is a WebSocket one, so a TCP listener comes along.
  const tcp = more.tcpPort ?? await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    'user root', 'per_listener_settings false', 'allow_anonymous true', 'log_dest stderr',
    'persistence true', `persistence_location ${dir}/`, extra,
    `listener ${tcp} 127.0.0.1`,
    `listener ${ws} 127.0.0.1`, 'protocol websockets', more.listener ?? '', '',
  ].join('\n'));
  const bin = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((ok) => child.once('exit', ok));
  await new Promise((ok, fail) => {
    let log = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`mosquitto did not start:\n${log}`)); }, 10000);
    child.stderr.on('data', (d) => {
      log += d;
      if (log.includes(' running')) { clearTimeout(timer); ok(); }
    });
    child.on('exit', (code) => fail(new Error(`mosquitto exited ${code}:\n${log}`)));
  });
  child.stderr.resume();
  return {
    url: `ws://127.0.0.1:${ws}/mqtt`, port: ws, tcpPort: tcp, dir,
    stop: () => child.kill('SIGKILL'),
    /** Kills it with `signal` (SIGTERM lets it write its persistence file) and waits for the exit. */
    kill: async (signal = 'SIGTERM') => { child.kill(signal); await exited; },
    /** A new mosquitto on the same ports, configuration and persistence directory. */
    restart: () => startMosquitto(extra, { ...more, port: ws, tcpPort: tcp, dir }),
  };
}

/**
 * A scripted WebSocket peer, for what no broker here does (split frames, incoming topic
 * aliases, a server that stays silent): Node's http upgrade, the RFC 6455 handshake and
 * framing by hand. `onConnection(conn)` gets each connection:
 *   conn.path, conn.protocols   the request path and the offered subprotocols
 *   await conn.next()           the next MQTT packet from the client: { type, flags, body, bytes }
 *   conn.send(...frames)        each argument (bytes) as one binary frame
 *   conn.closed                 resolves when the client's TCP connection ends
 * Errors thrown by `onConnection` are collected in the returned `errors`.
 */
export async function startWsPeer(onConnection) {
  const port = await freePort();
  const sockets = new Set();
  const server = createServer((req, res) => { res.writeHead(404); res.end(); });
  server.on('upgrade', (req, socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const accept = acceptKey(req.headers['sec-websocket-key']);
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`, ...(protocols.length ? [`Sec-WebSocket-Protocol: ${protocols[0]}`] : []),
      '', ''].join('\r\n'));
    const conn = new PeerConnection(req, socket, protocols);
    // A script that fails (a packet that never came) is recorded, not an unhandled rejection.
    Promise.resolve().then(() => onConnection(conn)).catch((e) => errors.push(e));
  });
  const errors = [];
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: (path = '/mqtt') => `ws://127.0.0.1:${port}${path}`,
    port,
    errors,
    stop: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

class PeerConnection {
  constructor(req, socket, protocols) {
    this.path = req.url;
    this.protocols = protocols;
    this.socket = socket;
    this.frames = Buffer.alloc(0);   // raw WebSocket bytes not yet parsed
    this.stream = Buffer.alloc(0);   // MQTT bytes not yet parsed
    this.packets = [];
    this.waiters = [];
    this.closed = new Promise((ok) => socket.once('close', ok));
    socket.on('data', (d) => this.onData(d));
    this.closed.then(() => { for (const w of this.waiters.splice(0)) w.fail(new Error('peer: connection closed')); });
  }

  onData(d) {
    const { frames, rest } = parseFrames(Buffer.concat([this.frames, d]));
    this.frames = rest;
    for (const { opcode, payload } of frames) {
      if (opcode === 0x8) { this.frame(0x8, payload.subarray(0, 2)); this.socket.end(); return; }
      if (opcode === 0x9) { this.frame(0xa, payload); continue; }
      if (opcode === 0x2 || opcode === 0x0) { this.stream = Buffer.concat([this.stream, payload]); this.parse(); }
    }
  }

  parse() {
    for (;;) {
      const s = this.stream;
      let len = 0;
      let shift = 0;
      let at = 1;
      for (;;) {
        if (at >= s.length) return;
        const b = s[at++];
        len |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) === 0) break;
      }
      if (s.length < at + len) return;
      const packet = { type: s[0] >> 4, flags: s[0] & 0x0f, body: Buffer.from(s.subarray(at, at + len)), bytes: Buffer.from(s.subarray(0, at + len)) };
      this.stream = s.subarray(at + len);
      const w = this.waiters.shift();
      if (w) w.ok(packet); else this.packets.push(packet);
    }
  }

  /** The next MQTT packet from the client. */
  next(timeout = 5000) {
    if (this.packets.length) return Promise.resolve(this.packets.shift());
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('peer: no packet from the client')), timeout);
      this.waiters.push({ ok: (p) => { clearTimeout(timer); ok(p); }, fail: (e) => { clearTimeout(timer); fail(e); } });
    });
  }

  frame(opcode, payload) {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(opcode, payload));
  }

  /** Sends each argument as one binary frame. */
  send(...frames) {
    for (const f of frames) this.frame(0x2, Buffer.from(f));
  }
}

const TYPES = { '.html': 'text/html', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves the repository root over HTTP on a free port. */
export async function startServer() {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(ROOT) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

const BROWSER_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** mosquitto 2.0.11 services its WebSocket listener (libwebsockets) only when its main loop
 *  wakes for other work, so each WebSocket handshake waits about 200 ms on an idle broker. A
 *  TCP client sending PINGREQ every 2 ms keeps the loop awake (handshakes take ~15 ms); tests
 *  that open hundreds of connections use it. Resolves to a function that stops it. */
export async function keepBrokerAwake(tcpPort) {
  const socket = netConnect(tcpPort, '127.0.0.1');
  await new Promise((ok, fail) => socket.once('connect', ok).once('error', fail));
  const clientId = mqttString(`awake-${process.pid}-${Date.now()}`);
  socket.write(mqttPacket(0x10, Buffer.concat([mqttString('MQTT'), Buffer.from([4, 2, 0, 0]), clientId])));
  socket.resume(); // CONNACK and PINGRESPs are read and dropped
  const pinger = setInterval(() => socket.write(Buffer.from([0xc0, 0])), 2);
  return () => {
    clearInterval(pinger);
    socket.destroy();
  };
}

/** Launches headless Chromium with the flags this machine needs, and `extraFlags`. */
export async function launchBrowser(extraFlags = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...BROWSER_FLAGS, ...extraFlags],
  });
}

/** A page with the package loaded as `window.wasmqtt`. */
export async function openPage(browser, origin) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${origin}/tests/browser/page.html`);
  await page.waitForFunction(() => window.wasmqttReady === true, null, { timeout: 10000 });
  page.errors = errors;
  return page;
}

/** The test page under a CSP that forbids workers: timers must fall back to the main thread. */
export async function openPageWithoutWorkers(browser, origin) {
  const page = await browser.newPage();
  await page.goto(`${origin}/tests/browser/page-no-workers.html`);
  await page.waitForFunction(() => window.wasmqttReady === true, null, { timeout: 10000 });
  return page;
}
