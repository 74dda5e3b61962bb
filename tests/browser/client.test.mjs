// The JS API in a real headless Chromium against a real mosquitto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage, startWsPeer } from './harness.mjs';

let broker, server, browser, page;

before(async () => {
  broker = await startMosquitto('max_inflight_messages 0');
  server = await startServer();
  browser = await launchBrowser();
  page = await openPage(browser, server.origin);
});

after(async () => {
  await browser?.close();
  server?.stop();
  broker?.stop();
});

for (const protocolVersion of [4, 5]) {
  test(`connect, subscribe, publish QoS 0/1/2 and receive (MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'})`, async () => {
    const result = await page.evaluate(async ({ url, protocolVersion }) => {
      const events = [];
      let three;
      const threeArrived = new Promise((ok) => { three = ok; });
      const client = await wasmqtt.connectAsync(url, { protocolVersion, clientId: `loop-${protocolVersion}` });
      client.on('message', (topic, payload, packet) => {
        events.push(['message', topic, new TextDecoder().decode(payload), packet.qos, payload instanceof Uint8Array]);
        if (events.length === 3) three();
      });
      const granted = await client.subscribeAsync('browser/#', { qos: 2 });
      for (const qos of [0, 1, 2]) {
        await client.publishAsync(`browser/${qos}`, `hello ${qos}`, { qos });
      }
      await threeArrived;
      const connected = client.connected;
      await client.endAsync();
      return { granted, events, connected, after: client.connected };
    }, { url: broker.url, protocolVersion });
    assert.deepEqual(result.granted, [{ topic: 'browser/#', qos: 2, nl: false, rap: false, rh: 0 }]);
    assert.deepEqual(result.events, [
      ['message', 'browser/0', 'hello 0', 0, true],
      ['message', 'browser/1', 'hello 1', 1, true],
      ['message', 'browser/2', 'hello 2', 2, true],
    ]);
    assert.equal(result.connected, true);
    assert.equal(result.after, false);
  });
}

test('inflightMessages counts QoS 1 and 2 publishes until their PUBACK or PUBCOMP; queuedMessages what waits offline', async () => {
  const counts = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'inflight-count' });
    const acked = [1, 2].map((qos) => client.publishAsync('browser/inflight', 'x', { qos }));
    client.publish('browser/inflight', 'x', { qos: 0 });
    const sent = [client.inflightMessages, client.queuedMessages];
    await Promise.all(acked);
    const done = [client.inflightMessages, client.queuedMessages];
    await client.endAsync();
    // Offline: accepted and queued, nothing in flight.
    const offline = wasmqtt.connect('ws://127.0.0.1:9/', { protocolVersion: 5, reconnectPeriod: 0 });
    offline.on('error', () => {});
    offline.publish('browser/inflight', 'x', { qos: 1 }, () => {});
    const queued = [offline.inflightMessages, offline.queuedMessages];
    offline.end(true);
    return { sent, done, queued };
  }, broker.url);
  assert.deepEqual(counts, { sent: [2, 0], done: [0, 0], queued: [0, 1] });
});

test('events come in MQTT.js order: connect, then close and end on end()', async () => {
  const order = await page.evaluate(async (url) => {
    const order = [];
    const client = wasmqtt.connect(url, { protocolVersion: 5 });
    client.on('connect', (connack) => order.push(`connect:${connack.cmd}:${connack.reasonCode}`));
    client.on('close', () => order.push('close'));
    client.on('end', () => order.push('end'));
    client.on('offline', () => order.push('offline'));
    await new Promise((r) => client.once('connect', r));
    await new Promise((r) => client.end(false, {}, r));
    return order;
  }, broker.url);
  assert.deepEqual(order, ['connect:connack:0', 'close', 'end']);
});

test('bad input is a typed error naming the bad value, never a crash', async () => {
  const errors = await page.evaluate(async (url) => {
    const caught = (f) => { try { f(); return null; } catch (e) { return { name: e.name, message: e.message, code: e.code }; } };
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 4 });
    const out = {
      wildcardTopic: caught(() => client.publish('a/+', 'x')),
      qos3: caught(() => client.publish('a', 'x', { qos: 3 })),
      payloadType: caught(() => client.publish('a', 42)),
      v5OnV3: caught(() => client.publish('a', 'x', { properties: { contentType: 'text/plain' } })),
      badFilter: caught(() => client.subscribe('a/#/b')),
      unknownOption: caught(() => wasmqtt.connect(url, { keepAlive: 10 })),
      badUrl: caught(() => wasmqtt.connect('http://example.com', {})),
      badKeepalive: caught(() => wasmqtt.connect(url, { keepalive: -1 })),
    };
    // The client still works after all that.
    await client.publishAsync('still/ok', 'yes', { qos: 1 });
    out.stillConnected = client.connected;
    await client.endAsync();
    return out;
  }, broker.url);
  for (const [what, e] of Object.entries(errors)) {
    if (what === 'stillConnected') continue;
    assert.ok(e, `${what} should throw`);
    assert.equal(e.name, 'MqttUsageError', what);
  }
  assert.match(errors.wildcardTopic.message, /"a\/\+"/);
  assert.match(errors.qos3.message, /qos must be 0, 1 or 2, got 3/);
  assert.match(errors.payloadType.message, /message must be a string or a Uint8Array, got 42/);
  assert.match(errors.v5OnV3.message, /needs MQTT 5\.0/);
  assert.match(errors.unknownOption.message, /unknown option "keepAlive"/);
  assert.match(errors.badUrl.message, /ws:\/\/ or wss:\/\//);
  assert.equal(errors.stillConnected, true);
  assert.deepEqual(page.errors, []);
});

test('connectAsync rejects with a typed error when nothing listens, and stops', async () => {
  const e = await page.evaluate(async () => {
    try {
      await wasmqtt.connectAsync('ws://127.0.0.1:9/mqtt', { connectTimeout: 3000 });
      return null;
    } catch (e) {
      return { name: e.name, message: e.message };
    }
  });
  assert.equal(e.name, 'MqttConnectionError');
  assert.match(e.message, /connection closed/);
});

test('MQTT 5 properties round trip with MQTT.js names', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const received = new Promise((r) => client.on('message', (t, p, packet) => r(packet)));
    await client.subscribeAsync('props/t', { qos: 1, properties: { subscriptionIdentifier: 7 } });
    await client.publishAsync('props/t', 'x', { qos: 1, properties: {
      contentType: 'text/plain', userProperties: { a: '1', b: ['2', '3'] },
      responseTopic: 'reply/here', correlationData: new Uint8Array([1, 2, 3]), payloadFormatIndicator: true,
    } });
    const packet = await received;
    await client.endAsync();
    return { ...packet.properties, correlationData: Array.from(packet.properties.correlationData), payload: Array.from(packet.payload) };
  }, broker.url);
  assert.equal(got.contentType, 'text/plain');
  assert.deepEqual(got.userProperties, { a: '1', b: ['2', '3'] });
  assert.equal(got.responseTopic, 'reply/here');
  assert.deepEqual(got.correlationData, [1, 2, 3]);
  assert.equal(got.payloadFormatIndicator, true);
  assert.equal(got.subscriptionIdentifier, 7);
});

test('per-subscription handlers: overlapping subscriptions reach only their own handler', async () => {
  const got = await page.evaluate(async (url) => {
    const out = { temp: [], all: [], v3: [] };
    let last;
    const lastArrived = new Promise((ok) => { last = ok; });
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    await client.subscribeAsync('home/+/temp', { qos: 1, handler: (topic) => out.temp.push(topic) });
    await client.subscribeAsync('home/#', { qos: 1, handler: (topic) => { out.all.push(topic); if (topic === 'home/end') last(); } });
    await client.publishAsync('home/kitchen/temp', '21', { qos: 1 });
    await client.publishAsync('home/kitchen/light', 'on', { qos: 1 });
    // The broker keeps the order of one publisher's messages: once this last one is in,
    // anything the two before could have caused has arrived too.
    await client.publishAsync('home/end', '', { qos: 1 });
    await lastArrived;
    await client.endAsync();
    // MQTT 3.1.1 has no subscription identifiers: filters are matched locally.
    let v3Arrived;
    const v3Done = new Promise((ok) => { v3Arrived = ok; });
    const v3 = await wasmqtt.connectAsync(url, { protocolVersion: 4 });
    await v3.subscribeAsync('v3/+', { qos: 0, handler: (topic) => { out.v3.push(topic); v3Arrived(); } });
    await v3.publishAsync('v3/a', 'x', { qos: 1 });
    await v3Done;
    await v3.endAsync();
    return out;
  }, broker.url);
  assert.deepEqual(got.temp, ['home/kitchen/temp']);
  assert.deepEqual(got.all, ['home/kitchen/temp', 'home/kitchen/light', 'home/end']);
  assert.deepEqual(got.v3, ['v3/a']);
});

test('request() resolves with the correlated response, and times out with a typed error', async () => {
  const got = await page.evaluate(async (url) => {
    const responder = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    await responder.subscribeAsync('svc/echo', { qos: 1 });
    responder.on('message', (topic, payload, packet) => {
      const { responseTopic, correlationData } = packet.properties;
      responder.publish(responseTopic, `pong:${new TextDecoder().decode(payload)}`, { qos: 1, properties: { correlationData } });
    });
    const requester = await wasmqtt.connectAsync(url, { protocolVersion: 5, properties: { requestResponseInformation: true } });
    const [a, b] = await Promise.all([
      requester.request('svc/echo', 'one', { qos: 1 }),
      requester.request('svc/echo', 'two', { qos: 1 }),
    ]);
    let timeout;
    try {
      await requester.request('svc/nobody', 'hello?', { timeout: 300 });
    } catch (e) {
      timeout = { name: e.name, message: e.message };
    }
    await requester.endAsync();
    await responder.endAsync();
    const text = (r) => new TextDecoder().decode(r.payload);
    return { a: text(a), b: text(b), topic: a.topic, timeout };
  }, broker.url);
  assert.equal(got.a, 'pong:one');
  assert.equal(got.b, 'pong:two');
  assert.match(got.topic, /\/wasmqtt_[0-9a-f]{8}$/);
  assert.deepEqual(got.timeout, { name: 'MqttTimeoutError', message: 'no response within 300 ms' });
});

test('servers rotate on reconnect, and transformWsUrl may answer with a promise', async () => {
  const got = await page.evaluate(async ({ url, port }) => {
    // The first URL has nothing listening; the next server in the rotation does.
    const events = [];
    const rotating = wasmqtt.connect('ws://127.0.0.1:9/mqtt', {
      reconnectPeriod: 50,
      servers: [{ host: '127.0.0.1', port, protocol: 'ws', path: '/mqtt' }],
    });
    rotating.on('reconnect', () => events.push('reconnect'));
    await new Promise((r) => rotating.once('connect', r));
    await rotating.endAsync();
    // An async transformWsUrl, called for every attempt (a presigned URL, say).
    const calls = [];
    const transformed = await wasmqtt.connectAsync('ws://placeholder.invalid/mqtt', {
      transformWsUrl: async (u) => { calls.push(u); await new Promise((r) => setTimeout(r, 10)); return url; },
    });
    const connected = transformed.connected;
    await transformed.endAsync();
    return { events, calls, connected };
  }, { url: broker.url, port: broker.port });
  assert.ok(got.events.includes('reconnect'));
  assert.deepEqual(got.calls, ['ws://placeholder.invalid/mqtt']);
  assert.equal(got.connected, true);
});

test('servers rotate after a connect timeout too: a silent server is not retried forever', async () => {
  // A scripted peer: it takes the WebSocket and never answers CONNECT, which no broker here
  // does. The timeout closes the transport itself, and the next attempt must go to the next
  // URL (with two URLs, counting that close as a step sent the client back to the silent one).
  let attempts = 0;
  const silent = await startWsPeer(async (conn) => { attempts++; await conn.next(); });
  try {
    const got = await page.evaluate(async ({ silentUrl, port }) => {
      const client = wasmqtt.connect(silentUrl, {
        connectTimeout: 300,
        reconnectPeriod: 50,
        servers: [{ host: '127.0.0.1', port, protocol: 'ws', path: '/mqtt' }],
      });
      const errors = [];
      client.on('error', (e) => errors.push(`${e.name}: ${e.message}`));
      // Connected, or gave up after four more attempts (the old rotation never got there).
      let reconnects = 0;
      const connected = await new Promise((r) => {
        client.once('connect', () => r(true));
        client.on('reconnect', () => { if (++reconnects === 4) r(false); });
      });
      await client.endAsync();
      return { errors, connected };
    }, { silentUrl: silent.url(), port: broker.port });
    assert.equal(got.connected, true, 'the broker, second in the rotation, is reached');
    assert.equal(attempts, 1, 'the silent server is tried once, then the broker');
    assert.deepEqual(got.errors, ['MqttConnectionError: connect timeout: no CONNACK in 300 ms']);
  } finally {
    silent.stop();
  }
});

test('end() waits for what is in flight; end(true) and reason code 4 make the broker publish the will', async () => {
  const got = await page.evaluate(async (url) => {
    const watcher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const inbox = [];
    watcher.on('message', (topic, payload) => inbox.push(`${topic}=${new TextDecoder().decode(payload)}`));
    const received = (n) => new Promise((ok) => {
      const check = () => { if (inbox.length >= n) { watcher.off('message', check); ok(); } };
      watcher.on('message', check);
      check();
    });
    await watcher.subscribeAsync('ending/#', { qos: 2 });

    // end() right after two publishes: their PUBACK and PUBCOMP come first, then the end.
    const order = [];
    const a = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    a.publish('ending/acked', 'one', { qos: 1 }, (err) => order.push(err ? `failed: ${err.message}` : 'puback'));
    a.publish('ending/acked', 'two', { qos: 2 }, (err) => order.push(err ? `failed: ${err.message}` : 'pubcomp'));
    const ended = new Promise((ok) => a.end((err) => { order.push(err ? `end failed: ${err.message}` : 'ended'); ok(); }));
    let late;
    try { a.publish('ending/late', 'x', { qos: 1 }); } catch (e) { late = `${e.name}: ${e.message}`; }
    await ended;
    await received(2);

    // end(true): no DISCONNECT, so the broker publishes the will [MQTT-3.1.2-8].
    const will = (payload) => ({ topic: 'ending/will', payload, qos: 1 });
    const forced = await wasmqtt.connectAsync(url, { protocolVersion: 5, will: will('forced') });
    await forced.endAsync(true);
    await received(3);
    // DISCONNECT with reason code 4 (Disconnect with Will Message) and a reason string.
    const withWill = await wasmqtt.connectAsync(url, { protocolVersion: 5, will: will('code 4') });
    await withWill.endAsync({ reasonCode: 4, properties: { reasonString: 'bye' } });
    await received(4);

    // Unknown keys are named; 3.1.1 has no reason codes, so they are left out, as MQTT.js does.
    const v3 = await wasmqtt.connectAsync(url, { protocolVersion: 4 });
    const refusals = [];
    for (const options of [{ reasonCode: 0, properties: { serverReference: 'x' } }, { force: true }]) {
      try { v3.end(false, options); } catch (e) { refusals.push(`${e.name}: ${e.message}`); }
    }
    await v3.endAsync({ reasonCode: 4, properties: { reasonString: 'ignored under 3.1.1' } });
    // reconnect() while an end waits for acknowledgements: the end finishes first, as in MQTT.js.
    const again = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const ends = [];
    again.publish('other/r', 'x', { qos: 1 });
    again.end(() => ends.push('ended'));
    again.reconnect();
    await new Promise((ok) => again.once('connect', ok));
    const reconnected = [again.connected, ...ends];
    await again.endAsync();
    await watcher.endAsync();
    return { order, late, inbox, refusals, reconnected, connected: [a.connected, forced.connected, withWill.connected] };
  }, broker.url);
  assert.deepEqual(got.order, ['puback', 'pubcomp', 'ended']);
  assert.equal(got.late, 'MqttUsageError: the client is ending: it waits for the messages in flight and takes no new commands');
  assert.deepEqual(got.inbox, ['ending/acked=one', 'ending/acked=two', 'ending/will=forced', 'ending/will=code 4']);
  assert.equal(got.refusals.length, 2);
  assert.match(got.refusals[0], /^MqttUsageError: .*serverReference/);
  assert.match(got.refusals[1], /^MqttUsageError: .*force/);
  assert.deepEqual(got.connected, [false, false, false]);
  assert.deepEqual(got.reconnected, [true, 'ended']);
});

test('client.options: the options given with the defaults in force and the client id in use, as MQTT.js', async () => {
  const got = await page.evaluate(async (url) => {
    const plain = await wasmqtt.connectAsync(url);
    const given = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'opts-1', keepalive: 20, reconnectPeriod: 0, properties: { sessionExpiryInterval: 5 } });
    // An empty client id under 5.0: the broker assigns one in CONNACK.
    const assigned = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: '' });
    const seen = [];
    const transformed = await wasmqtt.connectAsync('ws://placeholder.invalid/mqtt', {
      clientId: 'opts-2', transformWsUrl: (u, options) => { seen.push(options.clientId, options.keepalive); return url; },
    });
    const pick = (o) => ({ clientId: o.clientId, protocolVersion: o.protocolVersion, clean: o.clean, keepalive: o.keepalive, reconnectPeriod: o.reconnectPeriod, connectTimeout: o.connectTimeout, resubscribe: o.resubscribe, properties: o.properties });
    const result = { plain: pick(plain.options), given: pick(given.options), assigned: assigned.options.clientId, seen, same: plain.options === plain.options };
    for (const c of [plain, given, assigned, transformed]) await c.endAsync();
    return result;
  }, broker.url);
  assert.match(got.plain.clientId, /^wasmqtt_[0-9a-f]+$/);
  assert.deepEqual({ ...got.plain, clientId: undefined }, { clientId: undefined, protocolVersion: 4, clean: true, keepalive: 60, reconnectPeriod: 1000, connectTimeout: 30000, resubscribe: true, properties: undefined });
  assert.deepEqual(got.given, { clientId: 'opts-1', protocolVersion: 5, clean: true, keepalive: 20, reconnectPeriod: 0, connectTimeout: 30000, resubscribe: true, properties: { sessionExpiryInterval: 5 } });
  assert.ok(got.assigned.length > 0, 'the id mosquitto assigned');
  assert.deepEqual(got.seen, ['opts-2', 60]);
  assert.equal(got.same, true);
});

test('protocol, host, port and path options override the URL, or make it, as in MQTT.js', async () => {
  // A scripted peer: it records the request path each client asked for, which mosquitto
  // does not tell.
  const paths = [];
  const peer = await startWsPeer(async (conn) => {
    paths.push(conn.path);
    await conn.next();
    conn.send([0x20, 0x02, 0x00, 0x00]);
    await conn.closed;
  });
  try {
    const got = await page.evaluate(async ({ port }) => {
      const errors = [];
      for (const [url, options] of [
        [`ws://127.0.0.1:${port}/a`, { path: '/b?token=1' }],
        [`ws://127.0.0.1:${port}/a?old=1`, { path: '/e' }],
        [{ host: '127.0.0.1', port, path: '/c' }, undefined],
        ['ws://127.0.0.1:1/d', { port }],
        [{ protocol: 'mqtt', hostname: '127.0.0.1', port }, undefined],
      ]) {
        const client = await wasmqtt.connectAsync(url, options);
        await client.endAsync();
      }
      for (const [url, options] of [[{ port }, undefined], ['ws://127.0.0.1/', { protocol: 'tcp' }], ['ws://127.0.0.1/', { host: 'broker:9001' }]]) {
        try { wasmqtt.connect(url, options); } catch (e) { errors.push(`${e.name}: ${e.message}`); }
      }
      return errors;
    }, { port: peer.port });
    assert.deepEqual(paths, ['/b?token=1', '/e', '/c', '/d', '/']);
    assert.deepEqual(got, [
      'MqttUsageError: connect needs a ws:// or wss:// URL, or a host option',
      'MqttUsageError: protocol must be "ws" or "wss" (or "mqtt", "mqtts", which mean them in a browser), got the string "tcp"',
      'MqttUsageError: host "broker:9001" is not a host name',
    ]);
  } finally {
    peer.stop();
  }
});

test('packetsend and packetreceive give MQTT.js packet objects, properties included', async () => {
  const got = await page.evaluate(async (url) => {
    const packets = [];
    const client = wasmqtt.connect(url, { protocolVersion: 5, clientId: 'packets-5', keepalive: 40, properties: { sessionExpiryInterval: 0, userProperties: { app: 'test' } } });
    client.on('packetsend', (p) => packets.push(['send', p]));
    client.on('packetreceive', (p) => packets.push(['receive', p]));
    await new Promise((r) => client.once('connect', r));
    await client.subscribeAsync({ 'packets/#': { qos: 1, nl: false, rap: true, rh: 2 } });
    const message = new Promise((r) => client.once('message', r));
    await client.publishAsync('packets/a', 'hi', { qos: 1, properties: { contentType: 'text/plain' } });
    await message;
    await client.unsubscribeAsync('packets/#');
    await client.endAsync({ reasonCode: 0, properties: { reasonString: 'done' } });
    // Payloads as text, for comparing.
    return packets.map(([dir, p]) => [dir, p.payload ? { ...p, payload: new TextDecoder().decode(p.payload) } : p]);
  }, broker.url);
  const by = (dir, cmd) => got.filter(([d, p]) => d === dir && p.cmd === cmd).map(([, p]) => p);
  assert.deepEqual(by('send', 'connect'), [{ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 40, clientId: 'packets-5', properties: { sessionExpiryInterval: 0, userProperties: { app: 'test' } } }]);
  const [connack] = by('receive', 'connack');
  assert.deepEqual({ ...connack, properties: undefined }, { cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: undefined });
  assert.equal(connack.properties.topicAliasMaximum, 10);
  const [subscribe] = by('send', 'subscribe');
  assert.deepEqual(subscribe.subscriptions, [{ topic: 'packets/#', qos: 1, nl: false, rap: true, rh: 2 }]);
  assert.deepEqual(by('receive', 'suback'), [{ cmd: 'suback', messageId: subscribe.messageId, granted: [1] }]);
  const [sent] = by('send', 'publish');
  assert.deepEqual(sent, { cmd: 'publish', topic: 'packets/a', payload: 'hi', qos: 1, retain: false, dup: false, messageId: sent.messageId, properties: { contentType: 'text/plain' } });
  assert.deepEqual(by('receive', 'puback'), [{ cmd: 'puback', messageId: sent.messageId, reasonCode: 0 }]);
  const [received] = by('receive', 'publish');
  assert.equal(received.topic, 'packets/a');
  assert.equal(received.properties.contentType, 'text/plain');
  assert.deepEqual(by('send', 'puback'), [{ cmd: 'puback', messageId: received.messageId, reasonCode: 0 }]);
  const [unsubscribe] = by('send', 'unsubscribe');
  assert.deepEqual(unsubscribe, { cmd: 'unsubscribe', messageId: unsubscribe.messageId, unsubscriptions: ['packets/#'] });
  assert.deepEqual(by('receive', 'unsuback'), [{ cmd: 'unsuback', messageId: unsubscribe.messageId, granted: [0] }]);
  assert.deepEqual(by('send', 'disconnect'), [{ cmd: 'disconnect', reasonCode: 0, properties: { reasonString: 'done' } }]);
});

test('queue and reconnect options reach the session: queueLimit, queueQoSZero, maxReconnectAttempts, transformWsUrl per attempt', async () => {
  const got = await page.evaluate(async () => {
    const nowhere = 'ws://127.0.0.1:9/mqtt';
    const outcome = (f) => { try { f(); return 'accepted'; } catch (e) { return `${e.name}: ${e.message}`; } };
    // Offline: two messages fit the queue, the third does not; QoS 0 waits only if asked to.
    const queued = wasmqtt.connect(nowhere, { queueLimit: 2, queueQoSZero: false, reconnectPeriod: 60000 });
    queued.on('error', () => {});
    const queue = [1, 2, 3].map((i) => outcome(() => queued.publish('q/t', `m${i}`, { qos: 1 })));
    const qos0 = outcome(() => queued.publish('q/t', 'zero', { qos: 0 }));
    const waiting = queued.queuedMessages;
    await queued.endAsync(true);
    // Three attempts in all, each through transformWsUrl, then the end.
    const events = [];
    const urls = [];
    const limited = wasmqtt.connect('ws://placeholder.invalid/mqtt', {
      maxReconnectAttempts: 3, reconnectPeriod: 10, reconnectMaxPeriod: 20,
      transformWsUrl: (u) => { urls.push(u); return nowhere; },
    });
    for (const e of ['reconnect', 'offline', 'end']) limited.on(e, () => events.push(e));
    limited.on('error', () => {});
    await new Promise((r) => limited.once('end', r));
    return { queue, qos0, waiting, events, attempts: urls.length };
  });
  assert.deepEqual(got.queue.slice(0, 2), ['accepted', 'accepted']);
  assert.match(got.queue[2], /^MqttUsageError: the queue is full \(2 messages/);
  assert.equal(got.qos0, 'MqttUsageError: not connected');
  assert.equal(got.waiting, 2);
  assert.deepEqual(got.events, ['offline', 'reconnect', 'reconnect', 'end']);
  assert.equal(got.attempts, 3, 'transformWsUrl is asked for every attempt');
});

test('a Vite app importing the package by name bundles and runs it', async () => {
  const vitePage = await browser.newPage();
  await vitePage.goto(`${server.origin}/tests/vite-app/dist/index.html`);
  await vitePage.waitForFunction(() => window.viteReady === true, null, { timeout: 10000 });
  const message = await vitePage.evaluate((url) => window.runRoundTrip(url), broker.url);
  assert.equal(message, 'vite/t=bundled');
  await vitePage.close();
});

test('close says why: the WebSocket close code and reason MQTT.js hides', async () => {
  const info = await page.evaluate(async () => {
    const client = wasmqtt.connect('ws://127.0.0.1:9/mqtt', { reconnectPeriod: 0 });
    const info = await new Promise((r) => client.once('close', r));
    return { code: info.code, name: info.error.name, message: info.error.message };
  });
  assert.equal(info.code, 1006, 'abnormal closure');
  assert.equal(info.name, 'MqttConnectionError');
  assert.match(info.message, /code 1006/);
});

test('close says why: a close code and reason from the server reach the user', async () => {
  // A scripted peer: it answers CONNECT, then closes the WebSocket with code 4001 and a
  // reason, which mosquitto never sends.
  const peer = await startWsPeer(async (conn) => {
    await conn.next();
    conn.send([0x20, 0x02, 0x00, 0x00]);
    conn.frame(0x8, Buffer.concat([Buffer.from([4001 >> 8, 4001 & 255]), Buffer.from('maintenance window')]));
    conn.socket.end();
  });
  try {
    const info = await page.evaluate(async (url) => {
      const client = await wasmqtt.connectAsync(url, { reconnectPeriod: 0 });
      const info = await new Promise((r) => client.once('close', r));
      return { code: info.code, reason: info.reason, message: info.error.message };
    }, peer.url());
    assert.equal(info.code, 4001, JSON.stringify(info));
    assert.equal(info.reason, 'maintenance window');
    assert.match(info.message, /4001/);
    assert.match(info.message, /maintenance window/);
  } finally {
    peer.stop();
  }
});

test('writes follow bufferedAmount: a fast producer is held back, nothing is lost', async () => {
  // A scripted WebSocket peer as the sink: mosquitto 2.0.11's WebSocket listener stalls for
  // about a second per message under multi-MiB bursts (TCP does not), which would test the
  // broker rather than the client.
  let count;
  const counted = new Promise((resolve) => { count = resolve; });
  const sink = await startWsPeer(async (conn) => {
    await conn.next();                                   // CONNECT
    conn.send(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]));   // CONNACK, MQTT 5, success
    let publishes = 0;
    while (publishes < 160) {
      if ((await conn.next(20000)).type === 3) publishes += 1;
    }
    count(publishes);
  });
  try {
    const got = await page.evaluate(async (url) => {
      const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
      const payload = new Uint8Array(64 * 1024);
      let peak = 0;
      // A QoS 0 promise resolves once its bytes are handed to the WebSocket, not while they
      // wait behind the mark: when the last one resolves, only the browser's buffer is left.
      const written = [];
      for (let i = 0; i < 160; i++) {   // 10 MiB at once
        written.push(client.publishAsync('bulk/t', payload));
        peak = Math.max(peak, client.bufferedAmount);
      }
      let atResolve;
      written[159].then(() => { atResolve = client.bufferedAmount; });
      await Promise.all(written);
      return { peak, atResolve };
    }, sink.url());
    assert.equal(await counted, 160, 'every message reached the peer');
    assert.ok(got.peak > 4 << 20, `writes were held back past the 1 MiB mark (peak ${got.peak})`);
    assert.ok(got.atResolve <= (1 << 20) + (128 << 10), `the last QoS 0 promise resolved with ${got.atResolve} bytes still waiting`);
  } finally {
    sink.stop();
  }
});
