// The client object's own rules, in Chromium against mosquitto: callbacks that throw, a
// once-listener whose event comes again while it runs, request() options read like publish()
// options, end() on an ended client, and MQTT 5 properties that are strings with awkward
// content (a NUL, user property keys that are Object.prototype names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage } from './features-support.mjs';

let broker, page;

usePage((f) => ({ broker, page } = f));

test('a callback that throws becomes an unhandled rejection; the acknowledgements and messages around it are still reported', async () => {
  const got = await page.evaluate(async (url) => {
    const rejections = [];
    const onRejection = (e) => { rejections.push(e.reason?.message); e.preventDefault(); };
    window.addEventListener('unhandledrejection', onRejection);
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const inbox = h.inbox(client);
    await client.subscribeAsync('callbacks/throw', { qos: 1 });
    // Ten publishes in one task: their PUBACKs come back together, the first callback throws.
    const acked = [];
    const all = new Promise((ok) => {
      for (let i = 0; i < 10; i++) {
        client.publish('callbacks/throw', String(i), { qos: 1 }, (err) => {
          acked.push(err ?? i);
          if (acked.length === 10) ok();
          if (i === 0) throw new Error('callback failed');
        });
      }
    });
    await all;
    await h.until(() => inbox.length === 10, 'the ten messages');
    const received = inbox.map((m) => m.text);
    const subscribeThrew = await new Promise((ok) => client.subscribe('callbacks/other', (err, granted) => { ok(granted); throw new Error('subscribe callback failed'); }));
    const works = await h.stillWorks(client, 'callbacks/after');
    await new Promise((ok) => setTimeout(ok, 0));
    window.removeEventListener('unhandledrejection', onRejection);
    return { acked, received, granted: subscribeThrew.map((g) => g.qos), works, rejections: rejections.sort() };
  }, broker.url);
  assert.deepEqual(got.acked, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(got.received, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(got.granted, [0]);
  assert.deepEqual(got.works, [true, 'still here']);
  assert.deepEqual(got.rejections, ['callback failed', 'subscribe callback failed']);
  assert.deepEqual(page.errors, []);
});

test('a once-listener runs once even when its event is emitted again while it runs', async () => {
  const calls = await page.evaluate(async (url) => {
    const client = wasmqtt.connect(url, { protocolVersion: 5 });
    const calls = [];
    client.once('custom', (n) => {
      calls.push(`once:${n}`);
      client.emit('custom', n + 1);
    });
    client.on('custom', (n) => calls.push(`on:${n}`));
    client.emit('custom', 1);
    client.emit('custom', 3);
    await client.endAsync();
    return calls;
  }, broker.url);
  // The inner emit already sees the once-listener gone; the outer one still calls `on`.
  assert.deepEqual(calls, ['once:1', 'on:2', 'on:1', 'on:3']);
});

test('request() reads its options like publish(): inherited fields, getters that throw named, null properties as none', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const responder = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    await responder.subscribeAsync('callbacks/service', { qos: 1 });
    responder.on('message', (topic, payload, packet) => {
      responder.publish(packet.properties.responseTopic, `qos ${packet.qos}`, { qos: 1, properties: { correlationData: packet.properties.correlationData } });
    });
    const inherited = await client.request('callbacks/service', 'x', Object.create({ qos: 1, timeout: 5000 }));
    const nullProps = await client.request('callbacks/service', 'x', { qos: 1, properties: null });
    const throwing = await h.rejected(client.request('callbacks/service', 'x', { get qos() { throw new Error('boom'); } }));
    const notObject = await h.rejected(client.request('callbacks/service', 'x', { properties: 'p' }));
    const filter = await h.rejected(client.request('callbacks/service', 'x', { properties: { responseTopic: 'replies/#' } }));
    await responder.endAsync();
    await client.endAsync();
    return { inherited: new TextDecoder().decode(inherited.payload), nullProps: new TextDecoder().decode(nullProps.payload), throwing, notObject, filter };
  }, broker.url);
  assert.equal(got.inherited, 'qos 1');
  assert.equal(got.nullProps, 'qos 1');
  assert.equal(got.throwing.name, 'MqttUsageError');
  assert.match(got.throwing.message, /reading qos threw: boom/);
  assert.match(got.notObject.message, /properties must be an object, got the string "p"/);
  assert.match(got.filter.message, /"replies\/#"/);
});

test('end() on a client that has ended settles at once, by callback and by promise', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    await client.endAsync();
    const second = await Promise.race([client.endAsync().then(() => 'resolved'), new Promise((ok) => setTimeout(() => ok('hung'), 2000))]);
    const callback = await new Promise((ok) => { client.end(() => ok('called')); setTimeout(() => ok('hung'), 2000); });
    return { second, callback };
  }, broker.url);
  assert.deepEqual(got, { second: 'resolved', callback: 'called' });
});

test('MQTT 5 string properties: a NUL is refused naming the property; user property keys named like Object.prototype members arrive as plain keys', async () => {
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const nul = {
      contentType: h.caught(() => client.publish('a', 'x', { properties: { contentType: 'text\u0000plain' } })),
      userValue: h.caught(() => client.publish('a', 'x', { properties: { userProperties: { k: 'v\u0000' } } })),
    };
    await client.subscribeAsync('callbacks/props', { qos: 1 });
    // JSON.parse makes `__proto__` an own key, as a server's user property would be.
    const userProperties = JSON.parse('{"toString":"a","__proto__":"b","constructor":["c","d"]}');
    const packet = await new Promise((ok) => {
      client.once('message', (t, p, packet) => ok(packet));
      client.publish('callbacks/props', 'y', { qos: 1, properties: { userProperties } });
    });
    const up = packet.properties.userProperties;
    await client.endAsync();
    return {
      nul,
      own: Object.keys(up).sort(),
      values: [up.toString, Object.getOwnPropertyDescriptor(up, '__proto__')?.value, up.constructor],
    };
  }, broker.url);
  assert.match(got.nul.contentType.message, /^contentType: string "text\\u0000plain" contains the null character U\+0000/);
  assert.match(got.nul.userValue.message, /^userProperties\.k: string .* contains the null character U\+0000/);
  assert.deepEqual(got.own, ['__proto__', 'constructor', 'toString']);
  assert.deepEqual(got.values, ['a', 'b', ['c', 'd']]);
});
