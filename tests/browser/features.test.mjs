// The FEATURES.md rows through the JS API, in a real headless Chromium against real mosquittos
// (a default one, one with limits, one that is killed and restarted) and, where no broker here
// can play the other side (split frames, incoming topic aliases, a silent server, CONNACK
// properties mosquitto never sends), against a scripted WebSocket peer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, startServer, launchBrowser, openPage, startWsPeer } from './harness.mjs';

let broker, limits, server, browser, page;

/** In-page helpers, as `window.h`: no sleeps, every wait bounded so a test fails, not hangs. */
async function installHelpers(p) {
  await p.evaluate(() => {
    const h = {
      err: (e) => e && { name: e.name, message: e.message, code: e.code, reasonName: e.reasonName, isError: e instanceof Error },
      caught(f) {
        try { f(); return null; } catch (e) { return h.err(e); }
      },
      async rejected(promise) {
        try { await promise; return null; } catch (e) { return h.err(e); }
      },
      /** Polls an in-page condition (only where no event says it). */
      async until(cond, what = 'a condition', ms = 8000) {
        const end = performance.now() + ms;
        while (!cond()) {
          if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      event(client, name, ms = 8000) {
        return new Promise((ok, fail) => {
          const timer = setTimeout(() => fail(new Error(`no '${name}' event within ${ms} ms`)), ms);
          client.once(name, (arg) => { clearTimeout(timer); ok(arg); });
        });
      },
      /** Records every message a client receives. */
      inbox(client) {
        const list = [];
        client.on('message', (topic, payload, packet) => list.push({
          topic, text: new TextDecoder().decode(payload), size: payload.length, qos: packet.qos,
          retain: packet.retain, dup: packet.dup, properties: packet.properties,
        }));
        return list;
      },
      /** Records the named events of a client, in order. */
      events(client, names) {
        const list = [];
        for (const n of names) client.on(n, () => list.push(n));
        return list;
      },
    };
    window.h = h;
  });
}

before(async () => {
  const aclDir = mkdtempSync(join(tmpdir(), 'wasmqtt-acl-'));
  writeFileSync(join(aclDir, 'acl'), 'topic readwrite ok/#\n');
  // Each assigned as soon as it is up, so that after() stops it even if another fails.
  await Promise.all([
    startMosquitto().then((b) => { broker = b; }),
    // Limits the client must learn from CONNACK and respect; publishing outside ok/# is denied.
    startMosquitto(`max_packet_size 1000\nretain_available false\nmax_keepalive 10\nacl_file ${join(aclDir, 'acl')}`,
      { listener: 'max_qos 1' }).then((b) => { limits = b; }),
    startServer().then((s) => { server = s; }),
    launchBrowser().then((b) => { browser = b; }),
  ]);
  page = await openPage(browser, server.origin);
  await installHelpers(page);
});

after(async () => {
  await browser?.close();
  server?.stop();
  broker?.stop();
  limits?.stop();
});

const V = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5.0' };

// ---- MQTT bytes for the scripted peer ----------------------------------------------------

const vbi = (n) => {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const u16 = (n) => [n >> 8, n & 0xff];
const u32 = (n) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const str = (s) => { const b = Buffer.from(s); return [...u16(b.length), ...b]; };
const packet = (first, body) => Buffer.from([first, ...vbi(body.length), ...body]);
const props = (list = []) => [...vbi(list.length), ...list];
const connack = (v5, { code = 0, properties = [] } = {}) => packet(0x20, v5 ? [0, code, ...props(properties)] : [0, code]);
const publish = (v5, topic, payload, properties = []) => packet(0x30, [...str(topic), ...(v5 ? props(properties) : []), ...Buffer.from(payload)]);

/** Reads a CONNECT's header and payload fields. */
function parseConnect(p) {
  const b = p.body;
  let at = 0;
  const bytes = () => { const n = b.readUInt16BE(at); const s = b.subarray(at + 2, at + 2 + n); at += 2 + n; return s; };
  const skipProps = () => {
    let n = 0; let shift = 0; let x;
    do { x = b[at++]; n |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
    at += n;
  };
  assert.equal(p.type, 1, 'CONNECT first');
  const name = bytes().toString();
  const level = b[at++];
  const flags = b[at++];
  const keepalive = b.readUInt16BE(at);
  at += 2;
  if (level === 5) skipProps();
  const clientId = bytes().toString();
  if (flags & 0x04) { if (level === 5) skipProps(); bytes(); bytes(); }
  const username = flags & 0x80 ? bytes().toString() : undefined;
  const password = flags & 0x40 ? bytes().toString() : undefined;
  return { name, level, clean: (flags & 0x02) !== 0, keepalive, clientId, username, password };
}

/** Reads a SUBSCRIBE's first topic filter. */
function subscribeFilter(p, v5) {
  const b = p.body;
  let at = 2;
  if (v5) {
    let n = 0; let shift = 0; let x;
    do { x = b[at++]; n |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
    at += n;
  }
  return b.subarray(at + 2, at + 2 + b.readUInt16BE(at)).toString();
}

// ---- Rows ----------------------------------------------------------------------------------

test('row 1: ws URL path and subprotocol as given; packets split over frames and many in one frame (scripted peer)', async () => {
  const seen = [];
  const peer = await startWsPeer(async (conn) => {
    const connect = parseConnect(await conn.next());
    seen.push({ path: conn.path, protocols: conn.protocols, name: connect.name, level: connect.level });
    const v5 = connect.level === 5;
    const ack = connack(v5);
    const big = publish(v5, 'frames/big', 'x'.repeat(300));   // remaining length takes two bytes
    conn.send(ack.subarray(0, 1), ack.subarray(1));            // CONNACK over two frames
    conn.send(Buffer.concat([publish(v5, 'frames/one', '1'), publish(v5, 'frames/two', '22')]));   // two in one frame
    conn.send(big.subarray(0, 2), big.subarray(2, 3), big.subarray(3));   // split inside the length
  });
  try {
    const got = await page.evaluate(async ({ base, port }) => {
      const out = [];
      for (const [protocolVersion, path] of [[3, '/mqtt'], [4, '/custom/deep/path?token=a%2Fb'], [5, '/']]) {
        const client = wasmqtt.connect(base + path, { protocolVersion, reconnectPeriod: 0 });
        const inbox = h.inbox(client);
        await h.event(client, 'connect');
        await h.until(() => inbox.length >= 3, 'three messages');
        out.push(inbox.map((m) => [m.topic, m.size]));
        await client.endAsync();
      }
      // A `servers` entry without a path gets /mqtt.
      const rotating = wasmqtt.connect('ws://127.0.0.1:9/nothing', {
        protocolVersion: 4, reconnectPeriod: 20, servers: [{ host: '127.0.0.1', port }],
      });
      await h.event(rotating, 'connect');
      await rotating.endAsync();
      return out;
    }, { base: peer.url(''), port: peer.port });
    for (const inbox of got) assert.deepEqual(inbox, [['frames/one', 1], ['frames/two', 2], ['frames/big', 300]]);
    assert.deepEqual(seen, [
      { path: '/mqtt', protocols: ['mqttv3.1'], name: 'MQIsdp', level: 3 },
      { path: '/custom/deep/path?token=a%2Fb', protocols: ['mqtt'], name: 'MQTT', level: 4 },
      { path: '/', protocols: ['mqtt'], name: 'MQTT', level: 5 },
      { path: '/mqtt', protocols: ['mqtt'], name: 'MQTT', level: 4 },
    ]);
    assert.deepEqual(peer.errors, []);
  } finally {
    peer.stop();
  }
});

test('row 2: protocolVersion 3, 4 and 5 connect to mosquitto and carry messages', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    for (const protocolVersion of [3, 4, 5]) {
      const client = wasmqtt.connect(url, { protocolVersion });
      const connack = await h.event(client, 'connect');
      const inbox = h.inbox(client);
      await client.subscribeAsync(`row2/${protocolVersion}`, { qos: 1 });
      await client.publishAsync(`row2/${protocolVersion}`, `v${protocolVersion}`, { qos: 1 });
      await h.until(() => inbox.length >= 1, 'the message');
      out[protocolVersion] = { connack, received: inbox.map((m) => [m.topic, m.text, m.qos]) };
      await client.endAsync();
    }
    return out;
  }, broker.url);
  for (const v of [3, 4]) {
    assert.deepEqual(got[v].connack, { cmd: 'connack', sessionPresent: false, returnCode: 0 }, V[v]);
  }
  assert.equal(got[5].connack.reasonCode, 0);
  assert.equal(got[5].connack.returnCode, undefined);
  assert.equal(typeof got[5].connack.properties, 'object');
  for (const v of [3, 4, 5]) assert.deepEqual(got[v].received, [[`row2/${v}`, `v${v}`, 1]], V[v]);
});

test('row 3: CONNECT options: client id, clean, keep alive, username/password, generated and assigned ids, connect timeout', async () => {
  const connects = [];
  const peer = await startWsPeer(async (conn) => {
    const c = parseConnect(await conn.next());
    connects.push(c);
    conn.send(connack(c.level === 5));
  });
  const silent = await startWsPeer(async (conn) => { await conn.closed; });
  try {
    const got = await page.evaluate(async ({ url, peerUrl, silentUrl }) => {
      const out = { peer: [] };
      // What goes into CONNECT.
      for (const protocolVersion of [4, 5]) {
        for (const options of [
          { clientId: `row3-${protocolVersion}`, clean: false, keepalive: 42, username: 'alice', password: 'secret' },
          {},
          {},
          { clientId: '' },
        ]) {
          const client = await wasmqtt.connectAsync(peerUrl, { protocolVersion, reconnectPeriod: 0, ...options });
          await client.endAsync();
        }
      }
      // Accepted by an anonymous mosquitto; the client id is the session's: a second
      // connection with the same id takes the session over.
      for (const protocolVersion of [4, 5]) {
        const options = { protocolVersion, clientId: `row3-takeover-${protocolVersion}`, clean: true, keepalive: 30, username: 'alice', password: 'secret', reconnectPeriod: 0 };
        const first = await wasmqtt.connectAsync(url, options);
        const closed = h.event(first, 'close');
        const second = await wasmqtt.connectAsync(url, options);
        const info = await closed;
        out[`takeover${protocolVersion}`] = {
          firstConnected: first.connected, secondConnected: second.connected, error: h.err(info.error),
        };
        await second.endAsync();
      }
      // An empty client id: 5.0 gets one assigned in CONNACK; 3.1.1 with clean session is accepted.
      const assigned = wasmqtt.connect(url, { protocolVersion: 5, clientId: '' });
      out.assigned = (await h.event(assigned, 'connect')).properties.assignedClientIdentifier;
      await assigned.endAsync();
      const empty4 = await wasmqtt.connectAsync(url, { protocolVersion: 4, clientId: '', clean: true });
      out.empty4 = empty4.connected;
      await empty4.endAsync();
      // A server that never answers: connectTimeout.
      const t0 = performance.now();
      out.timeout = await h.rejected(wasmqtt.connectAsync(silentUrl, { connectTimeout: 300 }));
      out.timeoutMs = performance.now() - t0;
      return out;
    }, { url: broker.url, peerUrl: peer.url(), silentUrl: silent.url() });

    for (const [i, level] of [[0, 4], [4, 5]]) {
      const [fixed, gen1, gen2, empty] = connects.slice(i, i + 4);
      assert.deepEqual(fixed, { name: 'MQTT', level, clean: false, keepalive: 42, clientId: `row3-${level}`, username: 'alice', password: 'secret' });
      assert.equal(gen1.clean, true, 'clean defaults to true');
      assert.equal(gen1.keepalive, 60, 'keepalive defaults to 60');
      assert.ok(gen1.clientId.length > 0 && gen2.clientId.length > 0, 'an id is generated when none is given');
      assert.notEqual(gen1.clientId, gen2.clientId, 'generated ids differ');
      assert.equal(empty.clientId, '', 'an empty clientId is sent empty');
    }
    for (const v of [4, 5]) {
      const t = got[`takeover${v}`];
      assert.equal(t.secondConnected, true, V[v]);
      assert.equal(t.firstConnected, false, `${V[v]}: the first connection was taken over`);
      assert.equal(t.error.name, 'MqttConnectionError', V[v]);
    }
    assert.match(got.assigned, /^auto-[0-9A-F-]+$/);
    assert.equal(got.empty4, true);
    assert.equal(got.timeout.name, 'MqttConnectionError');
    assert.match(got.timeout.message, /no CONNACK in 300 ms/);
    assert.ok(got.timeoutMs >= 250 && got.timeoutMs < 3000, `timed out after ${got.timeoutMs} ms`);
    assert.deepEqual(peer.errors, []);
  } finally {
    peer.stop();
    silent.stop();
  }
});

test('row 5: CONNACK: session present, reason/return codes, server properties, applied to the session', async () => {
  const subscribed = [];
  const peer = await startWsPeer(async (conn) => {
    const c = parseConnect(await conn.next());
    const v5 = c.level === 5;
    if (c.clientId === 'refuse-me') {
      const why = 'who are you';
      conn.send(v5 ? connack(true, { code: 0x86, properties: [0x1f, ...str(why)] }) : connack(false, { code: 5 }));
      return;
    }
    conn.send(connack(true, { properties: [
      0x11, ...u32(120), 0x21, ...u16(7), 0x24, 1, 0x25, 0, 0x27, ...u32(4096),
      0x12, ...str('assigned-by-peer'), 0x22, ...u16(3), 0x1f, ...str('welcome'),
      0x26, ...str('k'), ...str('v1'), 0x26, ...str('k'), ...str('v2'),
      0x28, 0, 0x29, 0, 0x2a, 0, 0x13, ...u16(30), 0x1a, ...str('resp/base'),
    ] }));
    for (;;) {
      const p = await conn.next(10000);
      if (p.type === 8) subscribed.push(subscribeFilter(p, true));
      if (p.type === 14) return;
    }
  });
  try {
    const got = await page.evaluate(async ({ url, limitsUrl, peerUrl }) => {
      const out = {};
      const connack = async (u, options) => {
        const client = wasmqtt.connect(u, options);
        const c = await h.event(client, 'connect');
        await client.endAsync();
        return c;
      };
      out.mosquitto5 = await connack(url, { protocolVersion: 5 });
      out.mosquitto4 = await connack(url, { protocolVersion: 4 });
      out.limits5 = await connack(limitsUrl, { protocolVersion: 5 });
      // Every server property, and the session obeying them.
      const client = wasmqtt.connect(peerUrl, { protocolVersion: 5, clientId: '', reconnectPeriod: 0 });
      out.peer = await h.event(client, 'connect');
      out.refused = {
        qos2: await h.rejected(client.publishAsync('t', 'x', { qos: 2 })),
        retain: await h.rejected(client.publishAsync('t', 'x', { retain: true })),
        tooLarge: await h.rejected(client.publishAsync('t', new Uint8Array(5000))),
        wildcard: await h.rejected(client.subscribeAsync('a/#')),
        shared: await h.rejected(client.subscribeAsync('$share/g/a')),
        subscriptionId: await h.rejected(client.subscribeAsync('a', { properties: { subscriptionIdentifier: 5 } })),
      };
      // Response Information is the base of request()'s response topic.
      out.request = await h.rejected(client.request('svc', 'x', { timeout: 200 }));
      await client.endAsync();
      // Refusals: the 5.0 reason code with its reason string, the 3.1.1 return code mapped.
      for (const protocolVersion of [4, 5]) {
        const refused = wasmqtt.connect(peerUrl, { protocolVersion, clientId: 'refuse-me', reconnectPeriod: 20 });
        const events = h.events(refused, ['connect', 'error', 'close', 'offline', 'reconnect', 'end']);
        const [error] = await Promise.all([h.event(refused, 'error'), h.event(refused, 'end')]);
        out[`refused${protocolVersion}`] = { error: h.err(error), events, reconnecting: refused.reconnecting };
        out[`refusedAsync${protocolVersion}`] = await h.rejected(wasmqtt.connectAsync(peerUrl, { protocolVersion, clientId: 'refuse-me' }));
      }
      return out;
    }, { url: broker.url, limitsUrl: limits.url, peerUrl: peer.url() });

    assert.deepEqual(got.mosquitto5, { cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { receiveMaximum: 20, topicAliasMaximum: 10 } });
    assert.deepEqual(got.mosquitto4, { cmd: 'connack', sessionPresent: false, returnCode: 0 });
    assert.deepEqual(got.limits5.properties, { receiveMaximum: 20, maximumQoS: 1, retainAvailable: false, maximumPacketSize: 1000, topicAliasMaximum: 10, serverKeepAlive: 10 });
    assert.deepEqual(got.peer, { cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: {
      sessionExpiryInterval: 120, receiveMaximum: 7, maximumQoS: 1, retainAvailable: false, maximumPacketSize: 4096,
      assignedClientIdentifier: 'assigned-by-peer', topicAliasMaximum: 3, reasonString: 'welcome', userProperties: { k: ['v1', 'v2'] },
      wildcardSubscriptionAvailable: false, subscriptionIdentifiersAvailable: false, sharedSubscriptionAvailable: false,
      serverKeepAlive: 30, responseInformation: 'resp/base',
    } });
    const r = got.refused;
    for (const [what, code] of [['qos2', 0x9b], ['retain', 0x9a], ['tooLarge', 0x95], ['wildcard', 0xa2], ['shared', 0x9e], ['subscriptionId', 0xa1]]) {
      assert.equal(r[what]?.name, 'MqttUsageError', what);
      assert.equal(r[what].code, code, what);
    }
    assert.match(r.tooLarge.message, /maximum packet size of 4096/);
    assert.match(r.wildcard.message, /"a\/#"/);
    assert.equal(got.request.name, 'MqttTimeoutError');
    assert.deepEqual(subscribed, ['resp/base/assigned-by-peer']);
    for (const v of [4, 5]) {
      const refused = got[`refused${v}`];
      assert.equal(refused.error.name, 'MqttConnectionError', V[v]);
      assert.equal(refused.reconnecting, false, `${V[v]}: a refusal retrying cannot fix is not retried`);
      assert.deepEqual(refused.events, ['error', 'close', 'offline', 'end'], V[v]);
      assert.deepEqual(got[`refusedAsync${v}`], refused.error, V[v]);
    }
    assert.deepEqual([got.refused4.error.code, got.refused4.error.reasonName], [0x87, 'Not authorized'], 'return code 5');
    assert.deepEqual([got.refused5.error.code, got.refused5.error.reasonName], [0x86, 'Bad User Name or Password']);
    assert.match(got.refused5.error.message, /who are you/, 'the reason string is kept');
    assert.deepEqual(peer.errors, []);
  } finally {
    peer.stop();
  }
});

test('row 7: shared subscriptions: each message to one member, handlers see the plain topic', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    for (const protocolVersion of [4, 5]) {
      const seen = { a: [], b: [] };
      const a = await wasmqtt.connectAsync(url, { protocolVersion });
      const b = await wasmqtt.connectAsync(url, { protocolVersion });
      const filter = `$share/g${protocolVersion}/row7/${protocolVersion}/+`;
      await a.subscribeAsync(filter, { qos: 1, handler: (topic, payload) => seen.a.push([topic, new TextDecoder().decode(payload)]) });
      await b.subscribeAsync(filter, { qos: 1, handler: (topic, payload) => seen.b.push([topic, new TextDecoder().decode(payload)]) });
      for (let i = 0; i < 6; i++) await a.publishAsync(`row7/${protocolVersion}/t`, `${i}`, { qos: 1 });
      await h.until(() => seen.a.length + seen.b.length >= 6, 'six messages');
      out[protocolVersion] = seen;
      await a.endAsync();
      await b.endAsync();
    }
    return out;
  }, broker.url);
  for (const v of [4, 5]) {
    const { a, b } = got[v];
    const all = [...a, ...b];
    assert.deepEqual(all.map(([, p]) => p).sort(), ['0', '1', '2', '3', '4', '5'], `${V[v]}: each message once`);
    assert.ok(all.every(([t]) => t === `row7/${v}/t`), V[v]);
    assert.ok(a.length > 0 && b.length > 0, `${V[v]}: both members got some (${a.length}/${b.length})`);
  }
});

test('row 8: persistent session: offline QoS 1 message delivered on reconnect with sessionPresent; clean start drops it', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    for (const protocolVersion of [4, 5]) {
      const topic = `row8/${protocolVersion}`;
      const persistent = { protocolVersion, clientId: `row8-${protocolVersion}`, clean: false, ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 300 } } : {}) };
      const first = wasmqtt.connect(url, persistent);
      const firstConnack = await h.event(first, 'connect');
      await first.subscribeAsync(topic, { qos: 1 });
      await first.endAsync();
      const publisher = await wasmqtt.connectAsync(url, { protocolVersion });
      await publisher.publishAsync(topic, 'while away', { qos: 1 });
      const again = wasmqtt.connect(url, persistent);
      const inbox = h.inbox(again);
      const sent = [];
      again.on('packetsend', (p) => sent.push(p.cmd));
      const againConnack = await h.event(again, 'connect');
      await h.until(() => inbox.length >= 1, 'the message kept by the session');
      await again.endAsync();
      // Clean start: the session and its subscription are gone.
      const clean = { protocolVersion, clientId: `row8-${protocolVersion}`, clean: true };
      const fresh = wasmqtt.connect(url, clean);
      const freshInbox = h.inbox(fresh);
      const freshConnack = await h.event(fresh, 'connect');
      await fresh.subscribeAsync(`${topic}/marker`, { qos: 1 });
      await publisher.publishAsync(topic, 'nobody subscribed', { qos: 1 });
      await publisher.publishAsync(`${topic}/marker`, 'marker', { qos: 1 });
      await h.until(() => freshInbox.length >= 1, 'the marker');
      await fresh.endAsync();
      await publisher.endAsync();
      out[protocolVersion] = {
        first: firstConnack.sessionPresent, again: againConnack.sessionPresent, fresh: freshConnack.sessionPresent,
        received: inbox.map((m) => [m.topic, m.text, m.qos]), sent: sent.filter((c) => c === 'subscribe'),
        freshReceived: freshInbox.map((m) => m.text),
      };
    }
    return out;
  }, broker.url);
  for (const v of [4, 5]) {
    const r = got[v];
    assert.equal(r.first, false, V[v]);
    assert.equal(r.again, true, `${V[v]}: sessionPresent on reconnect`);
    assert.deepEqual(r.received, [[`row8/${v}`, 'while away', 1]], V[v]);
    assert.deepEqual(r.sent, [], `${V[v]}: nothing to resubscribe`);
    assert.equal(r.fresh, false, `${V[v]}: clean start has no session`);
    assert.deepEqual(r.freshReceived, ['marker'], V[v]);
  }
});

test('row 9 + 23: QoS 0/1/2 both ways: each delivered exactly once, with the right acknowledgement packets', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    for (const protocolVersion of [4, 5]) {
      const client = await wasmqtt.connectAsync(url, { protocolVersion });
      const packets = [];
      client.on('packetsend', (p) => packets.push(`>${p.cmd}`));
      client.on('packetreceive', (p) => packets.push(`<${p.cmd}`));
      const inbox = h.inbox(client);
      await client.subscribeAsync(`row9/${protocolVersion}/#`, { qos: 2 });
      const results = await Promise.all([0, 1, 2].flatMap((qos) => [0, 1, 2, 3, 4].map((i) => client.publishAsync(`row9/${protocolVersion}/${qos}`, `${qos}:${i}`, { qos }))));
      // A last QoS 2 message, published after all the others completed, arrives after them.
      await client.publishAsync(`row9/${protocolVersion}/end`, 'end', { qos: 2 });
      const count = (what) => packets.filter((p) => p === what).length;
      await h.until(() => inbox.some((m) => m.text === 'end') && count('>pubcomp') >= 6, 'the last message and its PUBCOMP');
      await client.endAsync();
      out[protocolVersion] = {
        results: results.map((r) => r?.reasonCode),
        received: [0, 1, 2].map((qos) => inbox.filter((m) => m.topic === `row9/${protocolVersion}/${qos}`).map((m) => `${m.text}@${m.qos}`).sort()),
        total: inbox.length,
        dups: inbox.filter((m) => m.dup).length,
        packets: Object.fromEntries(['>publish', '<publish', '>puback', '<puback', '>pubrec', '<pubrec', '>pubrel', '<pubrel', '>pubcomp', '<pubcomp'].map((p) => [p, count(p)])),
      };
    }
    return out;
  }, broker.url);
  for (const v of [4, 5]) {
    const r = got[v];
    // QoS 0 resolves with nothing, QoS 1 and 2 with their PUBACK / PUBCOMP (reason code 0).
    assert.deepEqual(r.results, [...Array(5).fill(undefined), ...Array(10).fill(0)], V[v]);
    assert.deepEqual(r.received, [0, 1, 2].map((qos) => [0, 1, 2, 3, 4].map((i) => `${qos}:${i}@${qos}`)), V[v]);
    assert.equal(r.total, 16, `${V[v]}: nothing delivered twice`);
    assert.equal(r.dups, 0, V[v]);
    // Out: 5 QoS 1 and 6 QoS 2 publishes; in: the same back at the same QoS.
    assert.deepEqual(r.packets, {
      '>publish': 16, '<publish': 16, '>puback': 5, '<puback': 5, '>pubrec': 6, '<pubrec': 6,
      '>pubrel': 6, '<pubrel': 6, '>pubcomp': 6, '<pubcomp': 6,
    }, V[v]);
  }
});

test('row 9: publishAsync resolves with the acknowledging packet like MQTT.js (pubcomp for QoS 2, nothing for QoS 0)', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const r = await Promise.all([0, 1, 2].map((qos) => client.publishAsync('row9/ack', 'x', { qos })));
    await client.endAsync();
    return r.map((p) => p?.cmd ?? null);
  }, broker.url);
  assert.deepEqual(got, [null, 'puback', 'pubcomp']);
});

test('row 10: the will is published when the page holding the client closes, not after end()', async () => {
  const other = await openPage(browser, server.origin);
  await installHelpers(other);
  try {
    await page.evaluate(async (url) => {
      window.row10 = {};
      for (const protocolVersion of [4, 5]) {
        const watcher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
        window.row10[protocolVersion] = { watcher, inbox: h.inbox(watcher) };
        await watcher.subscribeAsync(`row10/${protocolVersion}/will`, { qos: 1 });
      }
    }, broker.url);
    const will = (v, payload) => ({
      topic: `row10/${v}/will`, payload, qos: 1, retain: false,
      ...(v === 5 ? { properties: { contentType: 'text/plain', userProperties: { why: 'gone' }, willDelayInterval: 0, messageExpiryInterval: 60 } } : {}),
    });
    // end(): a normal DISCONNECT, so the will is discarded.
    await page.evaluate(async ({ url, wills }) => {
      for (const protocolVersion of [4, 5]) {
        const client = await wasmqtt.connectAsync(url, { protocolVersion, will: wills[protocolVersion] });
        await client.endAsync();
      }
    }, { url: broker.url, wills: { 4: will(4, 'after end'), 5: will(5, 'after end') } });
    // The other page connects, then goes away without a word.
    await other.evaluate(async ({ url, wills }) => {
      window.keep = [];
      for (const protocolVersion of [4, 5]) {
        window.keep.push(await wasmqtt.connectAsync(url, { protocolVersion, will: wills[protocolVersion], reconnectPeriod: 0 }));
      }
    }, { url: broker.url, wills: { 4: will(4, 'page closed'), 5: will(5, 'page closed') } });
    assert.deepEqual(other.errors, []);
    await other.close();
    const got = await page.evaluate(async () => {
      const out = {};
      for (const v of [4, 5]) {
        const { watcher, inbox } = window.row10[v];
        await h.until(() => inbox.length >= 1, 'the will');
        out[v] = inbox.map((m) => ({ topic: m.topic, text: m.text, qos: m.qos, retain: m.retain, contentType: m.properties.contentType, userProperties: m.properties.userProperties, expiry: m.properties.messageExpiryInterval }));
        await watcher.endAsync();
      }
      return out;
    });
    assert.deepEqual(got[4], [{ topic: 'row10/4/will', text: 'page closed', qos: 1, retain: false, contentType: undefined, userProperties: undefined, expiry: undefined }]);
    assert.equal(got[5].length, 1);
    const [w5] = got[5];
    assert.deepEqual({ ...w5, expiry: undefined }, { topic: 'row10/5/will', text: 'page closed', qos: 1, retain: false, contentType: 'text/plain', userProperties: { why: 'gone' }, expiry: undefined });
    assert.ok(w5.expiry > 0 && w5.expiry <= 60, `will message expiry ${w5.expiry}`);
  } finally {
    if (!other.isClosed()) await other.close();
  }
});

test('row 11: keep alive: PINGREQ when idle (3.1.1 and 5.0), Server Keep Alive overrides ours, a missing PINGRESP closes', async () => {
  let connackAt = 0;
  let pingAt = 0;
  const peer = await startWsPeer(async (conn) => {
    parseConnect(await conn.next());
    conn.send(connack(true, { properties: [0x13, ...u16(1)] }));   // Server Keep Alive 1 s
    connackAt = Date.now();
    const ping = await conn.next(10000);
    assert.equal(ping.type, 12, 'PINGREQ');
    pingAt = Date.now();
    // ... and never answered.
  });
  try {
    const got = await page.evaluate(async ({ url, peerUrl }) => {
      const pings = async (protocolVersion) => {
        const client = await wasmqtt.connectAsync(url, { protocolVersion, keepalive: 1 });
        const seen = [];
        client.on('packetsend', (p) => seen.push(`send:${p.cmd}`));
        client.on('packetreceive', (p) => seen.push(`receive:${p.cmd}`));
        while (seen.filter((s) => s === 'receive:pingresp').length < 2) await h.event(client, 'packetreceive', 5000);
        const connected = client.connected;
        await client.endAsync();
        return { seen, connected };
      };
      const late = async () => {
        const client = wasmqtt.connect(peerUrl, { protocolVersion: 5, keepalive: 60, reconnectPeriod: 0 });
        const connack = await h.event(client, 'connect');
        const info = await h.event(client, 'close', 8000);
        return { serverKeepAlive: connack.properties.serverKeepAlive, error: h.err(info.error) };
      };
      const [v4, v5, lateResult] = await Promise.all([pings(4), pings(5), late()]);
      return { v4, v5, late: lateResult };
    }, { url: broker.url, peerUrl: peer.url() });
    for (const v of [4, 5]) {
      const r = got[`v${v}`];
      assert.deepEqual(r.seen.slice(0, 4), ['send:pingreq', 'receive:pingresp', 'send:pingreq', 'receive:pingresp'], V[v]);
      assert.equal(r.connected, true, V[v]);
    }
    assert.equal(got.late.serverKeepAlive, 1);
    const delay = pingAt - connackAt;
    assert.ok(delay >= 500 && delay < 2500, `PINGREQ ${delay} ms after CONNACK: Server Keep Alive 1 s, not ours (60 s)`);
    assert.equal(got.late.error.name, 'MqttConnectionError');
    assert.deepEqual([got.late.error.code, got.late.error.reasonName], [0x8d, 'Keep Alive timeout']);
    assert.deepEqual(peer.errors, []);
  } finally {
    peer.stop();
  }
});

test('row 12: retained messages: retain flag on a late subscriber, not on live ones; cleared by an empty retained payload', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    for (const protocolVersion of [4, 5]) {
      const topic = `row12/${protocolVersion}/t`;
      const live = await wasmqtt.connectAsync(url, { protocolVersion });
      const liveInbox = h.inbox(live);
      await live.subscribeAsync(`row12/${protocolVersion}/#`, { qos: 1 });
      const publisher = await wasmqtt.connectAsync(url, { protocolVersion });
      await publisher.publishAsync(topic, 'kept', { qos: 1, retain: true });
      await h.until(() => liveInbox.length >= 1, 'the live copy');
      const late = await wasmqtt.connectAsync(url, { protocolVersion });
      const lateInbox = h.inbox(late);
      await late.subscribeAsync(`row12/${protocolVersion}/#`, { qos: 1 });
      await h.until(() => lateInbox.length >= 1, 'the retained copy');
      await publisher.publishAsync(topic, '', { qos: 1, retain: true });   // clears it
      const later = await wasmqtt.connectAsync(url, { protocolVersion });
      const laterInbox = h.inbox(later);
      await later.subscribeAsync(`row12/${protocolVersion}/#`, { qos: 1 });
      await publisher.publishAsync(`row12/${protocolVersion}/marker`, 'marker', { qos: 1 });
      await h.until(() => laterInbox.length >= 1, 'the marker');
      const pick = (list) => list.map((m) => [m.topic, m.text, m.retain]);
      out[protocolVersion] = { live: pick(liveInbox), late: pick(lateInbox), later: pick(laterInbox) };
      for (const c of [live, publisher, late, later]) await c.endAsync();
    }
    return out;
  }, broker.url);
  for (const v of [4, 5]) {
    const t = `row12/${v}/t`;
    assert.deepEqual(got[v].late[0], [t, 'kept', true], `${V[v]}: retained copy flagged`);
    assert.deepEqual(got[v].late.slice(1), [[t, '', false], [`row12/${v}/marker`, 'marker', false]], `${V[v]}: then live copies`);
    assert.deepEqual(got[v].live.slice(0, 2), [[t, 'kept', false], [t, '', false]], `${V[v]}: live copies not flagged`);
    assert.deepEqual(got[v].later, [[`row12/${v}/marker`, 'marker', false]], `${V[v]}: nothing retained after clearing`);
  }
});

test('row 13: request(): response topic and correlation data handled, a wrong correlation ignored; 3.1.1 refused', async () => {
  const got = await page.evaluate(async (url) => {
    const responder = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const requests = [];
    responder.on('message', (topic, payload, packet) => {
      const { responseTopic, correlationData, userProperties } = packet.properties;
      requests.push({ topic, responseTopic, correlationLength: correlationData?.length, userProperties });
      // A stray reply with other correlation data first, then the real one.
      responder.publish(responseTopic, 'stray', { qos: 1, properties: { correlationData: new Uint8Array([9, 9, 9]) } });
      responder.publish(responseTopic, `re:${new TextDecoder().decode(payload)}`, { qos: 1, properties: { correlationData, userProperties } });
    });
    await responder.subscribeAsync('row13/svc', { qos: 1 });
    const requester = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'row13-requester' });
    const strays = [];
    requester.on('message', (topic, payload) => strays.push(new TextDecoder().decode(payload)));
    const auto = await requester.request('row13/svc', 'one', { qos: 1, properties: { userProperties: { trace: 'abc' } } });
    const explicit = await requester.request('row13/svc', 'two', { qos: 1, properties: { responseTopic: 'row13/replies/mine' } });
    await h.until(() => strays.length >= 4, 'all replies');
    await requester.endAsync();
    await responder.endAsync();
    const v4 = await wasmqtt.connectAsync(url, { protocolVersion: 4 });
    const refused = await h.rejected(v4.request('row13/svc', 'x', { timeout: 100 }));
    await v4.endAsync();
    const view = (r) => ({ topic: r.topic, text: new TextDecoder().decode(r.payload), userProperties: r.packet.properties.userProperties });
    return { auto: view(auto), explicit: view(explicit), requests, strays, refused };
  }, broker.url);
  assert.deepEqual(got.auto, { topic: 'wasmqtt/responses/row13-requester', text: 're:one', userProperties: { trace: 'abc' } });
  assert.deepEqual(got.explicit, { topic: 'row13/replies/mine', text: 're:two', userProperties: undefined });
  assert.deepEqual(got.requests, [
    { topic: 'row13/svc', responseTopic: 'wasmqtt/responses/row13-requester', correlationLength: 16, userProperties: { trace: 'abc' } },
    { topic: 'row13/svc', responseTopic: 'row13/replies/mine', correlationLength: 16, userProperties: undefined },
  ]);
  assert.deepEqual(got.strays.filter((s) => s === 'stray').length, 2, 'the stray replies reached the message event only');
  assert.equal(got.refused.name, 'MqttUsageError');
  assert.match(got.refused.message, /request\(\) needs MQTT 5\.0/);
});

test('row 14: user properties keep order and repeats on PUBLISH; accepted on CONNECT, SUBSCRIBE, UNSUBSCRIBE', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, properties: { userProperties: { app: 'tests', tag: ['a', 'b'] } } });
    const inbox = h.inbox(client);
    await client.subscribeAsync('row14/t', { qos: 1, properties: { userProperties: { sub: 'yes' } } });
    const sent = { zebra: '1', alpha: ['2', '2'], mid: 'x y', 'ünï': 'cödé', alpha2: '', beta: ['b', 'a'] };
    await client.publishAsync('row14/t', 'x', { qos: 1, properties: { userProperties: sent } });
    await h.until(() => inbox.length >= 1, 'the message');
    const unsub = await client.unsubscribeAsync('row14/t', { properties: { userProperties: { bye: 'now' } } });
    await client.endAsync();
    return { entries: Object.entries(inbox[0].properties.userProperties), unsub };
  }, broker.url);
  assert.deepEqual(got.entries, [['zebra', '1'], ['alpha', ['2', '2']], ['mid', 'x y'], ['ünï', 'cödé'], ['alpha2', ''], ['beta', ['b', 'a']]]);
  assert.deepEqual(got.unsub, { cmd: 'unsuback', reasonCodes: [0] });
});

test('row 14: three or more values for one user property key all arrive', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const inbox = h.inbox(client);
    await client.subscribeAsync('row14/many', { qos: 1 });
    await client.publishAsync('row14/many', 'x', { qos: 1, properties: { userProperties: { a: ['1', '2', '1', '3'], b: 'x' } } });
    await h.until(() => inbox.length >= 1, 'the message');
    await client.endAsync();
    return inbox[0].properties.userProperties;
  }, broker.url);
  assert.deepEqual(got, { a: ['1', '2', '1', '3'], b: 'x' });
});

test('row 15: topic aliases: outgoing assigned within the server maximum (LRU), alias-only repeats; incoming map, unknown alias is 0x82, reset on reconnect', async () => {
  const disconnects = [];
  const peer = await startWsPeer(async (conn) => {
    parseConnect(await conn.next());
    conn.send(connack(true));
    const alias = (n) => [0x23, ...u16(n)];
    if (disconnects.length === 0) {
      conn.send(publish(true, 'in/a', '1', alias(1)), publish(true, '', '2', alias(1)), publish(true, '', '3', alias(3)));
    } else {
      conn.send(publish(true, '', '4', alias(1)));   // a new connection knows no aliases
    }
    const p = await conn.next();
    disconnects.push([p.type, p.body[0]]);
  });
  try {
    const got = await page.evaluate(async ({ url, peerUrl }) => {
      const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, autoAssignTopicAlias: true });
      const sent = [];
      client.on('packetsend', (p) => { if (p.cmd === 'publish') sent.push([p.topic, p.topicAlias]); });
      const inbox = h.inbox(client);
      await client.subscribeAsync('row15/#', { qos: 1 });
      const topics = ['row15/a', 'row15/a', 'row15/a', ...Array.from({ length: 11 }, (_, i) => `row15/t${i}`), 'row15/a', 'row15/t10'];
      for (const t of topics) await client.publishAsync(t, t, { qos: 1 });
      await h.until(() => inbox.length >= topics.length, 'all messages');
      await client.endAsync();
      // Incoming, from the scripted peer.
      const incoming = wasmqtt.connect(peerUrl, { protocolVersion: 5, properties: { topicAliasMaximum: 5 }, reconnectPeriod: 20 });
      const inboxIn = h.inbox(incoming);
      const closes = [];
      const ended = h.event(incoming, 'end');
      incoming.on('close', (info) => {
        closes.push(h.err(info.error));
        if (closes.length === 2) incoming.end();
      });
      await ended;
      return { topics, sent, received: inbox.map((m) => [m.topic, m.text]), incoming: inboxIn.map((m) => [m.topic, m.text]), closes };
    }, { url: broker.url, peerUrl: peer.url() });
    assert.deepEqual(got.received, got.topics.map((t) => [t, t]), 'full topics on delivery');
    const s = got.sent;
    assert.equal(s.length, 16);
    assert.deepEqual(s.slice(0, 3), [['row15/a', 1], ['', 1], ['', 1]], 'alias set, then alias-only');
    assert.ok(s.every(([, a]) => a >= 1 && a <= 10), 'within mosquitto\'s Topic Alias Maximum of 10');
    assert.ok(s.slice(3, 14).every(([t]) => t !== ''), 'a new topic is sent in full');
    assert.equal(s[12][1], 1, 'the 11th topic takes the least recently used alias (row15/a\'s)');
    assert.equal(s[14][0], 'row15/a', 'row15/a lost its alias: sent in full again');
    assert.deepEqual(s[15], ['', s[13][1]], 'row15/t10 repeats with its alias only');
    assert.deepEqual(got.incoming, [['in/a', '1'], ['in/a', '2']]);
    assert.deepEqual(disconnects, [[14, 0x82], [14, 0x82]], 'DISCONNECT Protocol Error, also after reconnect');
    assert.deepEqual(got.closes.slice(0, 2).map((e) => [e.name, e.code, e.reasonName]), [['MqttConnectionError', 0x82, 'Protocol Error'], ['MqttConnectionError', 0x82, 'Protocol Error']]);
    assert.deepEqual(peer.errors, []);
  } finally {
    peer.stop();
  }
});

test('row 16: payload format indicator and content type round trip; a payload marked UTF-8 must be UTF-8', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const inbox = h.inbox(client);
    await client.subscribeAsync('row16/#', { qos: 1 });
    await client.publishAsync('row16/json', '{"ü":1}', { qos: 1, properties: { payloadFormatIndicator: true, contentType: 'application/json; charset=utf-8' } });
    await client.publishAsync('row16/bin', new Uint8Array([0xff, 0x00, 0xfe]), { qos: 1, properties: { payloadFormatIndicator: false, contentType: 'application/octet-stream' } });
    await client.publishAsync('row16/none', 'x', { qos: 1 });
    const invalid = await h.rejected(client.publishAsync('row16/bad', new Uint8Array([0xc3, 0x28]), { properties: { payloadFormatIndicator: true } }));
    await h.until(() => inbox.length >= 3, 'three messages');
    await client.endAsync();
    return { received: inbox.map((m) => [m.topic, m.size, m.properties.payloadFormatIndicator, m.properties.contentType]), invalid };
  }, broker.url);
  assert.deepEqual(got.received, [
    ['row16/json', 8, true, 'application/json; charset=utf-8'],
    ['row16/bin', 3, false, 'application/octet-stream'],
    ['row16/none', 1, undefined, undefined],
  ]);
  assert.equal(got.invalid.name, 'MqttUsageError');
  assert.match(got.invalid.message, /not valid UTF-8/);
});

test('row 17: subscription options: No Local, Retain As Published, Retain Handling 0/1/2', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    const publisher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    // No Local: our own message is not echoed, another client's is.
    const self = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const selfInbox = h.inbox(self);
    out.nlGranted = await self.subscribeAsync('row17/nl', { qos: 1, nl: true });
    await self.publishAsync('row17/nl', 'own', { qos: 1 });
    await publisher.publishAsync('row17/nl', 'other', { qos: 1 });
    await h.until(() => selfInbox.length >= 1, 'the other client\'s message');
    out.nl = selfInbox.map((m) => m.text);
    // Retain As Published, on live subscriptions.
    const rap = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const rapInbox = h.inbox(rap);
    await rap.subscribeAsync({ 'row17/rap/kept': { qos: 1, rap: true }, 'row17/rap/+': { qos: 1 } });
    await publisher.publishAsync('row17/rap/kept', 'r', { qos: 1, retain: true });
    await h.until(() => rapInbox.length >= 2, 'both copies');
    out.rap = rapInbox.map((m) => m.retain).sort();
    // Retain Handling, against one retained message.
    await publisher.publishAsync('row17/rh/t', 'kept', { qos: 1, retain: true });
    for (const rh of [0, 1, 2]) {
      const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
      const inbox = h.inbox(client);
      const granted = await client.subscribeAsync('row17/rh/+', { qos: 1, rh });
      await client.subscribeAsync('row17/rh/+', { qos: 1, rh });   // again, on the existing subscription
      await publisher.publishAsync('row17/rh/marker', 'marker', { qos: 1 });
      await h.until(() => inbox.some((m) => m.text === 'marker'), 'the marker');
      out[`rh${rh}`] = { granted, texts: inbox.map((m) => m.text) };
      await client.endAsync();
    }
    for (const t of ['row17/rap/kept', 'row17/rh/t']) await publisher.publishAsync(t, '', { qos: 1, retain: true });
    for (const c of [publisher, self, rap]) await c.endAsync();
    return out;
  }, broker.url);
  assert.deepEqual(got.nlGranted, [{ topic: 'row17/nl', qos: 1, nl: true, rap: false, rh: 0 }]);
  assert.deepEqual(got.nl, ['other']);
  assert.deepEqual(got.rap, [false, true], 'rap keeps the retain flag, the other subscription clears it');
  assert.deepEqual(got.rh0.texts, ['kept', 'kept', 'marker'], 'rh 0: retained on every subscribe');
  assert.deepEqual(got.rh1.texts, ['kept', 'marker'], 'rh 1: only on a new subscription');
  assert.deepEqual(got.rh2.texts, ['marker'], 'rh 2: never');
  for (const rh of [0, 1, 2]) assert.deepEqual(got[`rh${rh}`].granted, [{ topic: 'row17/rh/+', qos: 1, nl: false, rap: false, rh }]);
});

test('row 18: overlapping subscriptions with handlers: identifiers sent and received (5.0), filters matched locally (3.1.1)', async () => {
  const got = await page.evaluate(async (url) => {
    const out = {};
    for (const protocolVersion of [4, 5]) {
      const calls = { temp: [], all: [], message: [] };
      const client = await wasmqtt.connectAsync(url, { protocolVersion });
      client.on('message', (topic, payload, packet) => calls.message.push([topic, packet.properties.subscriptionIdentifier ?? null]));
      const p = `row18/${protocolVersion}`;
      await client.subscribeAsync(`${p}/+/temp`, { qos: 1, handler: (topic) => calls.temp.push(topic) });
      await client.subscribeAsync(`${p}/#`, { qos: 1, handler: (topic) => calls.all.push(topic) });
      await client.publishAsync(`${p}/kitchen/temp`, '21', { qos: 1 });
      await client.publishAsync(`${p}/kitchen/light`, 'on', { qos: 1 });
      await client.publishAsync(`${p}/end`, 'end', { qos: 1 });
      await h.until(() => calls.all.includes(`${p}/end`), 'the last message');
      await client.endAsync();
      out[protocolVersion] = calls;
    }
    return out;
  }, broker.url);
  // mosquitto sends one PUBLISH per matching subscription under 5.0 (each with its identifier).
  assert.deepEqual(got[5].temp, ['row18/5/kitchen/temp']);
  assert.deepEqual(got[5].all, ['row18/5/kitchen/temp', 'row18/5/kitchen/light', 'row18/5/end']);
  assert.deepEqual(got[5].message.map(([, id]) => id).filter((id) => id !== null).sort(), [1, 2, 2, 2]);
  // mosquitto sends one PUBLISH under 3.1.1; both matching handlers get it.
  assert.deepEqual(got[4].temp, ['row18/4/kitchen/temp']);
  assert.deepEqual(got[4].all, ['row18/4/kitchen/temp', 'row18/4/kitchen/light', 'row18/4/end']);
  assert.deepEqual(got[4].message, [['row18/4/kitchen/temp', null], ['row18/4/kitchen/light', null], ['row18/4/end', null]]);
});

test('row 19: message expiry interval: sent, received as the remaining time (never more than sent)', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const inbox = h.inbox(client);
    await client.subscribeAsync('row19/live', { qos: 1 });
    await client.publishAsync('row19/live', 'live', { qos: 1, properties: { messageExpiryInterval: 60 } });
    await client.publishAsync('row19/live', 'forever', { qos: 1 });
    await client.publishAsync('row19/kept', 'kept', { qos: 1, retain: true, properties: { messageExpiryInterval: 30 } });
    await client.subscribeAsync('row19/kept', { qos: 1 });
    await h.until(() => inbox.length >= 3, 'three messages');
    await client.publishAsync('row19/kept', '', { qos: 1, retain: true });
    await client.endAsync();
    return inbox.slice(0, 3).map((m) => [m.text, m.properties.messageExpiryInterval ?? null]);
  }, broker.url);
  assert.deepEqual(got.map(([t]) => t), ['live', 'forever', 'kept']);
  assert.ok(got[0][1] > 0 && got[0][1] <= 60, `live: ${got[0][1]}`);
  assert.equal(got[1][1], null, 'no expiry, none received');
  assert.ok(got[2][1] > 0 && got[2][1] <= 30, `retained: ${got[2][1]}`);
});

test('row 20: maximum packet size: ours makes the server drop larger messages; the server\'s is enforced before sending', async () => {
  const got = await page.evaluate(async ({ url, limitsUrl }) => {
    const small = await wasmqtt.connectAsync(url, { protocolVersion: 5, properties: { maximumPacketSize: 200 } });
    const inbox = h.inbox(small);
    await small.subscribeAsync('row20/t', { qos: 1 });
    const publisher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    await publisher.publishAsync('row20/t', new Uint8Array(600), { qos: 1 });
    await publisher.publishAsync('row20/t', 'fits', { qos: 1 });
    await h.until(() => inbox.length >= 1, 'the small message');
    await publisher.endAsync();
    const stillConnected = small.connected;
    await small.endAsync();
    // mosquitto with max_packet_size 1000.
    const limited = await wasmqtt.connectAsync(limitsUrl, { protocolVersion: 5 });
    const tooLarge = await h.rejected(limited.publishAsync('ok/big', new Uint8Array(2000), { qos: 1 }));
    const viaCallback = await new Promise((r) => limited.publish('ok/big', new Uint8Array(2000), { qos: 0 }, (e) => r(h.err(e))));
    const fits = await limited.publishAsync('ok/fits', new Uint8Array(900), { qos: 1 });
    const connected = limited.connected;
    await limited.endAsync();
    return { received: inbox.map((m) => m.text), stillConnected, tooLarge, viaCallback, fits, connected };
  }, { url: broker.url, limitsUrl: limits.url });
  assert.deepEqual(got.received, ['fits'], 'the 600-byte message was not sent to a client that accepts 200');
  assert.equal(got.stillConnected, true);
  for (const e of [got.tooLarge, got.viaCallback]) {
    assert.equal(e.name, 'MqttUsageError');
    assert.deepEqual([e.code, e.reasonName], [0x95, 'Packet too large']);
    assert.match(e.message, /above the server's maximum packet size of 1000/);
  }
  assert.equal(got.fits.reasonCode, 0x10, 'accepted: No matching subscribers');
  assert.equal(got.connected, true);
});

test('row 21: reason codes: granted QoS, UNSUBACK codes, server refusals, server DISCONNECT and local refusals with code and reasonName', async () => {
  // mosquitto 2.0.11 sends no DISCONNECT this test can provoke: a scripted peer does.
  const peer = await startWsPeer(async (conn) => {
    parseConnect(await conn.next());
    conn.send(connack(true));
    conn.send(packet(0xe0, [0x9c, ...props([0x1f, ...str('moving out'), 0x1c, ...str('elsewhere:8083')])]));
  });
  let got;
  try {
    got = await page.evaluate(async ({ limitsUrl, peerUrl }) => {
      const out = {};
      const moved = wasmqtt.connect(peerUrl, { protocolVersion: 5, reconnectPeriod: 0 });
      const [disconnect, close] = await Promise.all([h.event(moved, 'disconnect'), h.event(moved, 'close')]);
      out.moved = { disconnect, error: h.err(close.error) };
      for (const protocolVersion of [4, 5]) {
        const client = await wasmqtt.connectAsync(limitsUrl, { protocolVersion, keepalive: 10 });
        out[`granted${protocolVersion}`] = await client.subscribeAsync({ 'ok/a': { qos: 2 }, 'ok/b': 0 });
        out[`unsub${protocolVersion}`] = await client.unsubscribeAsync(['ok/a', 'ok/never']);
        out[`denied${protocolVersion}`] = await h.rejected(client.publishAsync('secret/x', 'x', { qos: 1 }));
        await client.endAsync();
      }
      const v5 = await wasmqtt.connectAsync(limitsUrl, { protocolVersion: 5 });
      out.qos2 = await h.rejected(v5.publishAsync('ok/x', 'x', { qos: 2 }));
      out.retain = await h.rejected(v5.publishAsync('ok/x', 'x', { retain: true }));
      out.callback = await new Promise((r) => v5.publish('secret/y', 'x', { qos: 1 }, (e) => r(h.err(e))));
      await v5.endAsync();
      return out;
    }, { limitsUrl: limits.url, peerUrl: peer.url() });
  } finally {
    peer.stop();
  }
  assert.deepEqual(got.moved.disconnect, { cmd: 'disconnect', reasonCode: 0x9c, properties: { reasonString: 'moving out', serverReference: 'elsewhere:8083' } });
  assert.equal(got.moved.error.name, 'MqttConnectionError');
  assert.deepEqual([got.moved.error.code, got.moved.error.reasonName], [0x9c, 'Use another server']);
  assert.match(got.moved.error.message, /moving out/);
  // max_qos 1 on the listener: QoS 2 asked, QoS 1 granted.
  for (const v of [4, 5]) {
    assert.deepEqual(got[`granted${v}`], [
      { topic: 'ok/a', qos: 1, nl: false, rap: false, rh: 0 },
      { topic: 'ok/b', qos: 0, nl: false, rap: false, rh: 0 },
    ], V[v]);
  }
  assert.deepEqual(got.unsub5, { cmd: 'unsuback', reasonCodes: [0x00, 0x11] });
  assert.deepEqual(got.unsub4, { cmd: 'unsuback', reasonCodes: [] }, '3.1.1 UNSUBACK has no codes');
  assert.equal(got.denied4, null, '3.1.1 PUBACK cannot refuse');
  for (const e of [got.denied5, got.callback]) {
    assert.deepEqual(e, { name: 'MqttPublishError', message: 'the server rejected the message: 0x87 Not authorized', code: 0x87, reasonName: 'Not authorized', isError: true });
  }
  assert.deepEqual(got.qos2, { name: 'MqttUsageError', message: "QoS 2 is above the server's maximum QoS 1", code: 0x9b, reasonName: 'QoS not supported', isError: true });
  assert.deepEqual([got.retain.name, got.retain.code, got.retain.reasonName], ['MqttUsageError', 0x9a, 'Retain not supported']);
});

test('row 24: broker killed and restarted on the same port: offline, reconnect, connect in order; offline publishes delivered in order', async () => {
  let b24 = await startMosquitto('queue_qos0_messages true');
  try {
    await page.evaluate(async (url) => {
      window.row24 = {};
      for (const protocolVersion of [4, 5]) {
        const persistent = (role) => ({
          protocolVersion, clientId: `row24-${role}-${protocolVersion}`, clean: false, reconnectPeriod: 100, reconnectMaxPeriod: 400,
          ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 600 } } : {}),
        });
        const subscriber = await wasmqtt.connectAsync(url, persistent('sub'));
        const inbox = h.inbox(subscriber);
        await subscriber.subscribeAsync(`row24/${protocolVersion}/#`, { qos: 1 });
        const publisher = await wasmqtt.connectAsync(url, persistent('pub'));
        const events = h.events(publisher, ['connect', 'reconnect', 'close', 'offline', 'disconnect', 'end']);
        await publisher.publishAsync(`row24/${protocolVersion}/t`, 'before', { qos: 1 });
        await h.until(() => inbox.length >= 1, 'the first message');
        window.row24[protocolVersion] = { subscriber, inbox, publisher, events, down: h.event(publisher, 'offline') };
      }
    }, b24.url);
    await b24.kill('SIGTERM');   // mosquitto writes its persistence file on SIGTERM
    await page.evaluate(async () => {
      for (const v of [4, 5]) {
        const r = window.row24[v];
        await r.down;
        r.reconnecting = r.publisher.reconnecting;
        r.connected = r.publisher.connected;
        // Published while the broker is down: queued, sent in order after reconnect.
        r.sent = Promise.all([
          r.publisher.publishAsync(`row24/${v}/t`, 'down-1', { qos: 1 }),
          r.publisher.publishAsync(`row24/${v}/t`, 'down-2', { qos: 0 }),
          r.publisher.publishAsync(`row24/${v}/t`, 'down-3', { qos: 1 }),
        ]);
      }
    });
    b24 = await b24.restart();
    const got = await page.evaluate(async () => {
      const out = {};
      for (const v of [4, 5]) {
        const r = window.row24[v];
        const results = await r.sent;
        await h.until(() => r.inbox.length >= 4, 'the queued messages');
        out[v] = {
          events: r.events.slice(), reconnecting: r.reconnecting, connected: r.connected, results: results.map((x) => x?.reasonCode),
          received: r.inbox.map((m) => [m.text, m.qos]), nowConnected: r.publisher.connected,
        };
        await r.publisher.endAsync();
        await r.subscriber.endAsync();
      }
      return out;
    });
    for (const v of [4, 5]) {
      const r = got[v];
      assert.equal(r.connected, false, V[v]);
      assert.equal(r.reconnecting, true, V[v]);
      assert.deepEqual(r.results, [0, undefined, 0], V[v]);
      assert.deepEqual(r.received, [['before', 1], ['down-1', 1], ['down-2', 0], ['down-3', 1]], `${V[v]}: in order, once`);
      assert.equal(r.nowConnected, true, V[v]);
      // Recorded from after the first connect.
      const ev = r.events.filter((e) => e !== 'disconnect');
      assert.equal(ev[0], 'close', `${V[v]}: ${ev}`);
      assert.equal(ev[1], 'offline', `${V[v]}: ${ev}`);
      assert.equal(ev[2], 'reconnect', `${V[v]}: ${ev}`);
      assert.equal(ev.at(-1), 'connect', `${V[v]}: ${ev}`);
      assert.equal(ev.filter((e) => e === 'connect').length, 1, `${V[v]}: ${ev}`);
      assert.equal(ev.at(-2), 'reconnect', `${V[v]}: connect follows a reconnect: ${ev}`);
      assert.ok(!ev.includes('end'), V[v]);
    }
  } finally {
    b24.stop();
  }
});

test('row 24: \'offline\' once per outage, like MQTT.js', async () => {
  const events = await page.evaluate(async () => {
    const client = wasmqtt.connect('ws://127.0.0.1:9/mqtt', { reconnectPeriod: 20, reconnectMaxPeriod: 20 });
    const events = h.events(client, ['close', 'offline', 'reconnect']);
    await h.until(() => events.filter((e) => e === 'reconnect').length >= 3, 'three reconnect attempts');
    await client.endAsync();
    return events;
  });
  // MQTT.js: _setupReconnect emits 'offline' only while not yet reconnecting.
  assert.equal(events.filter((e) => e === 'offline').length, 1, `${events}`);
});

test('bad input: typed MqttUsageError naming the bad value, thrown or rejected, never a page error; the clients keep working', async () => {
  const got = await page.evaluate(async ({ url, limitsUrl }) => {
    const c4 = await wasmqtt.connectAsync(url, { protocolVersion: 4 });
    const c5 = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const cl = await wasmqtt.connectAsync(limitsUrl, { protocolVersion: 5 });
    const sync = (f) => h.caught(f);
    const async_ = (f) => h.rejected(Promise.resolve().then(f));
    const cases = {
      // wrong types
      'publish topic 42': [sync(() => c5.publish(42, 'x')), /topic must be a string, got 42/],
      'publishAsync topic null': [await async_(() => c5.publishAsync(null, 'x')), /topic must be a string/],
      'publish payload object': [sync(() => c5.publish('a', { x: 1 })), /message must be a string or a Uint8Array, got an object/],
      'publishAsync payload 42': [await async_(() => c4.publishAsync('a', 42)), /message must be a string or a Uint8Array, got 42/],
      'publish qos "1"': [sync(() => c5.publish('a', 'x', { qos: '1' })), /qos must be 0, 1 or 2, got the string "1"/],
      'publish retain "yes"': [sync(() => c5.publish('a', 'x', { retain: 'yes' })), /retain must be a boolean, got the string "yes"/],
      'subscribe topic 42': [sync(() => c5.subscribe(42)), /topic must be a string, an array or an object, got 42/],
      'subscribe [a, 7]': [sync(() => c5.subscribe(['a', 7])), /topics must be strings, got 7/],
      'subscribe rh 3': [sync(() => c5.subscribe('a', { rh: 3 })), /rh must be a whole number from 0 to 2, got 3/],
      'subscribe nl "yes"': [sync(() => c5.subscribe('a', { nl: 'yes' })), /nl must be a boolean, got the string "yes"/],
      'unsubscribe 5': [sync(() => c5.unsubscribe(5)), /topic must be a string, got 5/],
      'connect options "x"': [sync(() => wasmqtt.connect(url, 'x')), /options must be an object, got the string "x"/],
      'connect protocolVersion 6': [sync(() => wasmqtt.connect(url, { protocolVersion: 6 })), /protocolVersion must be a whole number from 3 to 5, got 6/],
      'connect clientId 42': [sync(() => wasmqtt.connect(url, { clientId: 42 })), /clientId must be a string, got 42/],
      'connect clean "no"': [sync(() => wasmqtt.connect(url, { clean: 'no' })), /clean must be a boolean, got the string "no"/],
      'connect password 42': [sync(() => wasmqtt.connect(url, { username: 'u', password: 42 })), /password must be a string or a Uint8Array, got 42/],
      'connect keepalive 1.5': [sync(() => wasmqtt.connect(url, { keepalive: 1.5 })), /keepalive must be a whole number from 0 to 65535, got 1\.5/],
      'connectAsync reconnectPeriod "x"': [await async_(() => wasmqtt.connectAsync(url, { reconnectPeriod: 'x' })), /reconnectPeriod must be a whole number .* got the string "x"/],
      'connect will without topic': [sync(() => wasmqtt.connect(url, { will: { payload: 'x' } })), /will\.topic is required/],
      'connect sessionExpiryInterval -1': [sync(() => wasmqtt.connect(url, { protocolVersion: 5, properties: { sessionExpiryInterval: -1 } })), /sessionExpiryInterval must be a whole number from 0 to 4294967295, got -1/],
      // invalid topics
      'publish a/+': [sync(() => c5.publish('a/+', 'x')), /"a\/\+"/],
      'publishAsync a/#': [await async_(() => c4.publishAsync('a/#', 'x')), /"a\/#"/],
      'publish ""': [sync(() => c5.publish('', 'x')), /invalid topic "": it is empty/],
      'publish NUL': [sync(() => c5.publish('a\u0000b', 'x')), /"a\\0b".*null character/],
      'subscribe a/#/b': [sync(() => c5.subscribe('a/#/b')), /"a\/#\/b"/],
      'subscribeAsync a+/b': [await async_(() => c4.subscribeAsync('a+/b')), /"a\+\/b"/],
      'subscribe ""': [sync(() => c4.subscribe('')), /invalid topic "": it is empty/],
      'unsubscribeAsync a/#/b': [await async_(() => c5.unsubscribeAsync('a/#/b')), /"a\/#\/b"/],
      'will topic a/+': [sync(() => wasmqtt.connect(url, { will: { topic: 'a/+' } })), /"a\/\+"/],
      // qos 3
      'publish qos 3': [sync(() => c4.publish('a', 'x', { qos: 3 })), /qos must be 0, 1 or 2, got 3/],
      'subscribeAsync qos 3': [await async_(() => c5.subscribeAsync('a', { qos: 3 })), /qos must be 0, 1 or 2, got 3/],
      'subscribe {a: 3}': [sync(() => c5.subscribe({ a: 3 })), /qos must be 0, 1 or 2, got 3/],
      // 5.0 on 3.1.1
      'publish properties on 3.1.1': [sync(() => c4.publish('a', 'x', { properties: { userProperties: { k: 'v' } } })), /publish properties needs MQTT 5\.0/],
      'subscribe nl on 3.1.1': [sync(() => c4.subscribe('a', { nl: true })), /nl, rap and rh needs MQTT 5\.0/],
      'subscribe properties on 3.1.1': [sync(() => c4.subscribe('a', { properties: { subscriptionIdentifier: 3 } })), /subscribe properties needs MQTT 5\.0/],
      'unsubscribe properties on 3.1.1': [sync(() => c4.unsubscribe('a', { properties: { userProperties: { k: 'v' } } })), /unsubscribe properties needs MQTT 5\.0/],
      'connect properties on 3.1.1': [sync(() => wasmqtt.connect(url, { protocolVersion: 4, properties: { sessionExpiryInterval: 10 } })), /connect properties needs MQTT 5\.0/],
      'will properties on 3.1.1': [sync(() => wasmqtt.connect(url, { protocolVersion: 4, will: { topic: 'w', properties: { contentType: 'x' } } })), /will properties needs MQTT 5\.0/],
      'request on 3.1.1': [await async_(() => c4.request('a', 'x')), /request\(\) needs MQTT 5\.0/],
      // oversized for the server's Maximum Packet Size (1000)
      'publish 2000 bytes': [sync(() => cl.publish('ok/x', new Uint8Array(2000))), /the packet would be \d+ bytes, above the server's maximum packet size of 1000/],
      // unknown options
      'connect keepAlive': [sync(() => wasmqtt.connect(url, { keepAlive: 10 })), /unknown option "keepAlive"/],
      'connectAsync reconnectPeriodMs': [await async_(() => wasmqtt.connectAsync(url, { reconnectPeriodMs: 10 })), /unknown option "reconnectPeriodMs"/],
      // non-function handler
      'subscribe handler "nope"': [sync(() => c5.subscribe('a', { handler: 'nope' })), /handler must be a function, got the string "nope"/],
      'subscribeAsync handler {}': [await async_(() => c4.subscribeAsync('a', { handler: {} })), /handler must be a function, got an object/],
      'transformWsUrl 42': [sync(() => wasmqtt.connect(url, { transformWsUrl: 42 })), /transformWsUrl must be a function, got 42/],
    };
    // Still working: a round trip on each client.
    const alive = {};
    for (const [name, client, topic] of [['c4', c4, 'after/4'], ['c5', c5, 'after/5'], ['cl', cl, 'ok/after']]) {
      const inbox = h.inbox(client);
      await client.subscribeAsync(topic, { qos: 1 });
      await client.publishAsync(topic, 'still here', { qos: 1 });
      await h.until(() => inbox.length >= 1, `${name}'s round trip`);
      alive[name] = [client.connected, inbox[0].text];
      await client.endAsync();
    }
    return { cases: Object.fromEntries(Object.entries(cases).map(([k, [e, re]]) => [k, { e, re: re.source }])), alive };
  }, { url: broker.url, limitsUrl: limits.url });
  for (const [what, { e, re }] of Object.entries(got.cases)) {
    assert.ok(e, `${what}: should throw or reject`);
    assert.equal(e.name, 'MqttUsageError', `${what}: ${e.message}`);
    assert.equal(e.isError, true, what);
    assert.match(e.message, new RegExp(re), what);
  }
  assert.deepEqual(got.alive, { c4: [true, 'still here'], c5: [true, 'still here'], cl: [true, 'still here'] });
  assert.deepEqual(page.errors, []);
});

test('bad input: a listener that is not a function is refused (on/once/off)', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const out = {
      on: h.caught(() => client.on('message', 42)),
      once: h.caught(() => client.once('connect', null)),
      off: h.caught(() => client.off('message', 'x')),
    };
    await client.endAsync();
    return out;
  }, broker.url);
  for (const [what, e] of Object.entries(got)) {
    assert.equal(e?.name, 'MqttUsageError', what);
    assert.match(e.message, /listener must be a function/, what);
  }
  assert.deepEqual(page.errors, []);
});

test('bad input: unknown option names below the top level are refused by name', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const caught = h.caught;
    const out = {
      'properties.sessionExpiry': [caught(() => wasmqtt.connect(url, { protocolVersion: 5, properties: { sessionExpiry: 10 } }).end()), 'sessionExpiry'],
      'will.retian': [caught(() => wasmqtt.connect(url, { protocolVersion: 5, will: { topic: 'w', retian: true } }).end()), 'retian'],
      'publish qoss': [caught(() => client.publish('a', 'x', { qoss: 1 })), 'qoss'],
      'publish properties.contentTyp': [caught(() => client.publish('a', 'x', { properties: { contentTyp: 'x' } })), 'contentTyp'],
      'subscribe noLocal': [caught(() => client.subscribe('a', { noLocal: true })), 'noLocal'],
    };
    await client.endAsync();
    return out;
  }, broker.url);
  for (const [what, [e, name]] of Object.entries(got)) {
    assert.equal(e?.name, 'MqttUsageError', what);
    assert.match(e.message, new RegExp(`unknown option "${name}"`), what);
  }
});

test('bad input: publish/subscribe options that are not an object are refused', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const out = {
      publishNumber: h.caught(() => client.publish('a', 'x', 1)),
      publishString: h.caught(() => client.publish('a', 'x', 'qos1')),
      subscribeNumber: h.caught(() => client.subscribe('a', 2)),
    };
    await client.endAsync();
    return out;
  }, broker.url);
  for (const [what, e] of Object.entries(got)) {
    assert.equal(e?.name, 'MqttUsageError', what);
    assert.match(e.message, /options must be an object/, what);
  }
});
