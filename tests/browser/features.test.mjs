// The FEATURES.md rows through the JS API, in a real headless Chromium against real mosquittos
// (a default one, one with limits, one that is killed and restarted) and, where no broker here
// can play the other side (split frames, incoming topic aliases, a silent server, CONNACK
// properties mosquitto never sends), against a scripted WebSocket peer.
// Rows 1 to 12.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, startWsPeer } from './harness.mjs';
import { useFixtures, installHelpers, V, connack, packet, parseConnect, props, publish, str, subscribeFilter, u16, u32 } from './features-support.mjs';

let broker, limits, server, browser, page;

useFixtures((f) => ({ broker, limits, server, browser, page } = f));

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
      if (p.type === 8) {
        subscribed.push(subscribeFilter(p, true));
        // Granted QoS 0: nothing is left in flight, so end() disconnects at once.
        conn.send(packet(0x90, [p.body[0], p.body[1], ...props(), 0]));
      }
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
