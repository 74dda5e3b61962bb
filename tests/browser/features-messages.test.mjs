// The FEATURES.md rows through the JS API, in a real headless Chromium against real mosquittos
// (a default one, one with limits, one that is killed and restarted) and, where no broker here
// can play the other side (split frames, incoming topic aliases, a silent server, CONNACK
// properties mosquitto never sends), against a scripted WebSocket peer.
// Rows 13 to 24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startWsPeer } from './harness.mjs';
import { useFixtures, V, connack, packet, parseConnect, props, publish, str, u16 } from './features-support.mjs';

let broker, limits, server, browser, page;

useFixtures((f) => ({ broker, limits, server, browser, page } = f));

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

test('row 15: topic aliases set by hand, as MQTT.js programs do: the alias alone to an empty topic, autoUseTopicAlias', async () => {
  const got = await page.evaluate(async (url) => {
    const watcher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const inbox = h.inbox(watcher);
    await watcher.subscribeAsync('row15m/#', { qos: 1 });
    const sent = [];
    const record = (client) => client.on('packetsend', (p) => { if (p.cmd === 'publish') sent.push([p.topic, p.properties?.topicAlias]); });
    const manual = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    record(manual);
    await manual.publishAsync('row15m/a', '1', { qos: 1, properties: { topicAlias: 3 } });
    await manual.publishAsync('', '2', { qos: 1, properties: { topicAlias: 3 } });
    await manual.publishAsync('row15m/a', '3', { qos: 1, properties: { topicAlias: 3 } });
    const unmapped = await h.rejected(manual.publishAsync('', '4', { qos: 1, properties: { topicAlias: 4 } }));
    const reuse = await wasmqtt.connectAsync(url, { protocolVersion: 5, autoUseTopicAlias: true });
    record(reuse);
    await reuse.publishAsync('row15m/b', '5', { qos: 1, properties: { topicAlias: 1 } });
    await reuse.publishAsync('row15m/b', '6', { qos: 1 });
    await reuse.publishAsync('row15m/c', '7', { qos: 1 });
    await h.until(() => inbox.length >= 6, 'six messages');
    for (const c of [watcher, manual, reuse]) await c.endAsync();
    return { sent, unmapped, received: inbox.map((m) => `${m.topic}=${m.text}`) };
  }, broker.url);
  assert.deepEqual(got.sent, [['row15m/a', 3], ['', 3], ['', 3], ['row15m/b', 1], ['', 1], ['row15m/c', undefined]]);
  assert.equal(got.unmapped.name, 'MqttUsageError');
  assert.match(got.unmapped.message, /topicAlias 4 stands for no topic on this connection/);
  assert.deepEqual(got.received, ['row15m/a=1', 'row15m/a=2', 'row15m/a=3', 'row15m/b=5', 'row15m/b=6', 'row15m/c=7']);
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
      client.on('packetsend', (p) => { if (p.cmd === 'publish') sent.push([p.topic, p.properties?.topicAlias]); });
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
