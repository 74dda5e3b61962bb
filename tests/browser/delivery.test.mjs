// How `message` listeners are called (EventEmitter's rules, which the one-call delivery path
// must keep), and `publish` options read in one call, in Chromium against mosquitto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage } from './features-support.mjs';

let broker, page;

usePage((f) => ({ broker, page } = f), { config: 'max_inflight_messages 0' });

test('message listeners: registration order with a once-listener among them, added and removed during a delivery, a throwing one', async () => {
  const result = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'delivery-order' });
    const calls = [];
    const rejections = [];
    const onRejection = (e) => { rejections.push(e.reason?.message); e.preventDefault(); };
    window.addEventListener('unhandledrejection', onRejection);
    const text = (payload) => new TextDecoder().decode(payload);
    const late = (topic, payload) => calls.push(`late:${text(payload)}`);
    const removed = (topic, payload) => calls.push(`removed:${text(payload)}`);
    client.on('message', (topic, payload) => {
      calls.push(`a:${text(payload)}`);
      // EventEmitter calls the listeners as they were when the emit began.
      if (text(payload) === '1') {
        client.on('message', late);
        client.off('message', removed);
      }
    });
    client.once('message', (topic, payload) => calls.push(`once:${text(payload)}`));
    client.on('message', removed);
    client.on('message', () => { throw new Error('listener failed'); });
    let third;
    const thirdArrived = new Promise((ok) => { third = ok; });
    client.on('message', (topic, payload, packet) => {
      calls.push(`b:${text(payload)}:${packet.topic === topic}:${packet.payload === payload}`);
      if (text(payload) === '3') third();
    });
    await client.subscribeAsync('delivery/order', { qos: 1 });
    for (const n of ['1', '2', '3']) await client.publishAsync('delivery/order', n, { qos: 1 });
    await thirdArrived;
    await client.endAsync();
    // Unhandled rejections are reported after the microtasks that made them.
    await new Promise((ok) => setTimeout(ok, 0));
    window.removeEventListener('unhandledrejection', onRejection);
    return { calls, rejections };
  }, broker.url);
  assert.deepEqual(result.calls, [
    'a:1', 'once:1', 'removed:1', 'b:1:true:true',
    'a:2', 'b:2:true:true', 'late:2',
    'a:3', 'b:3:true:true', 'late:3',
  ]);
  assert.deepEqual(result.rejections, ['listener failed', 'listener failed', 'listener failed']);
});

test('messages on 600 topics keep their own topic (the cache of topic strings starts afresh past 256)', async () => {
  const wrong = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'delivery-topics' });
    const n = 600;
    const wrong = [];
    let seen = 0;
    let all;
    const allArrived = new Promise((ok) => { all = ok; });
    client.on('message', (topic, payload, packet) => {
      const expected = `delivery/topics/${new TextDecoder().decode(payload)}`;
      if (topic !== expected || packet.topic !== expected) wrong.push([topic, expected]);
      if (++seen === 2 * n) all();
    });
    await client.subscribeAsync('delivery/topics/#', { qos: 1 });
    // Each topic twice, the second round after the cache has been cleared twice over.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < n; i++) client.publish(`delivery/topics/${i}`, String(i), { qos: 1 });
    }
    await allArrived;
    await client.endAsync();
    return wrong;
  }, broker.url);
  assert.deepEqual(wrong, []);
});

test('publish options: inherited getters, retain and dup read like the full reader; anything else goes through it and is named', async () => {
  const result = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'delivery-options' });
    const got = [];
    let count;
    const three = new Promise((ok) => { count = ok; });
    client.on('message', (topic, payload, packet) => {
      got.push([new TextDecoder().decode(payload), packet.qos, packet.retain]);
      if (got.length === 3) count();
    });
    await client.subscribeAsync('delivery/options', { qos: 2, rap: true });
    // qos from the prototype, as MQTT.js reads it.
    await client.publishAsync('delivery/options', 'inherited', Object.create({ qos: 2 }));
    await client.publishAsync('delivery/options', 'retained', { qos: 1, retain: true, dup: false });
    await client.publishAsync('delivery/options', 'plain', { qos: undefined, retain: null });
    await three;
    const errors = [];
    for (const options of [{ qos: 3 }, { retain: 'yes' }, { qos: 1, color: 'red' }, Object.create({ properties: 7 })]) {
      try {
        client.publish('delivery/options', 'x', options);
        errors.push('accepted');
      } catch (e) {
        errors.push(`${e.name}: ${e.message}`);
      }
    }
    await client.unsubscribeAsync('delivery/options');
    // Clears the retained message, for a later run on the same broker.
    await client.publishAsync('delivery/options', '', { qos: 1, retain: true });
    await client.endAsync();
    return { got, errors };
  }, broker.url);
  assert.deepEqual(result.got, [['inherited', 2, false], ['retained', 1, true], ['plain', 0, false]]);
  assert.equal(result.errors.length, 4);
  assert.match(result.errors[0], /^MqttUsageError: .*qos must be 0, 1 or 2, got 3/);
  assert.match(result.errors[1], /^MqttUsageError: .*retain must be a boolean, got the string "yes"/);
  assert.match(result.errors[2], /^MqttUsageError: .*unknown option "color" in publish options/);
  assert.match(result.errors[3], /^MqttUsageError: .*properties/);
});
