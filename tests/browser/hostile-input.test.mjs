// Hostile values through the JS API (issue 7): huge strings, deep nesting, getters and proxies
// that throw, NaN and negative numbers, 64 KiB topics, invalid UTF-8 marked as UTF-8. Each is
// a typed MqttUsageError whose message names the bad value and stays short (a preview of a
// huge value, not the value); never a page error, never a raw exception out of the wasm (a
// throwing trap unwinding through Rust would skip its cleanup); the clients keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFixtures } from './features-support.mjs';

let broker, page;

useFixtures((f) => ({ broker, page } = f));

test('hostile values: typed MqttUsageError naming the bad value, short messages, never a page error; the clients keep working', async () => {
  const got = await page.evaluate(async ({ url }) => {
    const c4 = await wasmqtt.connectAsync(url, { protocolVersion: 4 });
    const c5 = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const sync = (f) => h.caught(f);
    const async_ = (f) => h.rejected(Promise.resolve().then(f));
    const nested = (depth, leaf) => { let v = leaf; for (let i = 0; i < depth; i++) v = { a: v }; return v; };
    const boom = (what) => { throw new Error(`boom from ${what}`); };
    const cases = {
      // huge strings
      'publish topic of 65,536 bytes': [sync(() => c5.publish('t'.repeat(65536), 'x')), /longer than 65535 bytes/],
      'subscribe filter of 1 MiB': [await async_(() => c4.subscribeAsync('f'.repeat(1 << 20))), /longer than 65535 bytes/],
      'unsubscribe filter of 70,000 two-byte characters': [sync(() => c5.unsubscribe('é'.repeat(35000))), /longer than 65535 bytes/],
      'clientId of 1 MiB': [sync(() => wasmqtt.connect(url, { clientId: 'c'.repeat(1 << 20) })), /clientId: string of 1048576 bytes is longer than the 65535 bytes MQTT allows/],
      'username of 100,000 bytes': [sync(() => wasmqtt.connect(url, { username: 'u'.repeat(100000) })), /username: string of 100000 bytes is longer than the 65535 bytes/],
      'user property value of 70,000 bytes': [sync(() => c5.publish('a', 'x', { properties: { userProperties: { k: 'v'.repeat(70000) } } })), /userProperties\.k: string of 70000 bytes is longer than the 65535 bytes/],
      'contentType of 70,000 bytes': [sync(() => c5.publish('a', 'x', { properties: { contentType: 'c'.repeat(70000) } })), /contentType: string of 70000 bytes is longer than the 65535 bytes/],
      // deep nesting
      'options nested 100,000 deep': [sync(() => wasmqtt.connect(url, nested(100000, 1))), /unknown option "a"/],
      'will.payload nested 100,000 deep': [sync(() => wasmqtt.connect(url, { will: { topic: 'w', payload: nested(100000, 1) } })), /will\.payload must be a string or a Uint8Array, got an object/],
      'userProperties value nested': [sync(() => c5.publish('a', 'x', { properties: { userProperties: { k: nested(10000, 'v') } } })), /userProperties.*got an object/],
      // getters and proxies that throw
      'keepalive getter throws': [sync(() => wasmqtt.connect(url, { get keepalive() { return boom('keepalive'); } })), /reading keepalive threw: boom from keepalive/],
      'publish qos getter throws': [sync(() => c5.publish('a', 'x', { get qos() { return boom('qos'); } })), /reading qos threw: boom from qos/],
      'publishAsync properties getter throws': [await async_(() => c5.publishAsync('a', 'x', { get properties() { return boom('properties'); } })), /reading properties threw: boom from properties/],
      'subscribe options proxy with throwing get': [sync(() => c5.subscribe('a', new Proxy({}, { get: () => boom('get trap') }))), /reading \w+ threw: boom from get trap/],
      'connect options proxy with throwing ownKeys': [sync(() => wasmqtt.connect(url, new Proxy({}, { ownKeys: () => boom('ownKeys trap') }))), /reading the keys of options threw: boom from ownKeys trap/],
      'subscribe topic array proxy that throws': [sync(() => c5.subscribe(new Proxy(['a'], { get: () => boom('array get') }))), /reading topics threw: boom from array get/],
      'will getter throws': [sync(() => wasmqtt.connect(url, { get will() { return boom('will'); } })), /reading will threw: boom from will/],
      // NaN, negative, infinite, out of range
      'publish qos NaN': [sync(() => c5.publish('a', 'x', { qos: NaN })), /qos must be 0, 1 or 2, got NaN/],
      'subscribe qos -1': [sync(() => c5.subscribe('a', { qos: -1 })), /qos must be 0, 1 or 2, got -1/],
      'keepalive NaN': [sync(() => wasmqtt.connect(url, { keepalive: NaN })), /keepalive must be a whole number from 0 to 65535, got NaN/],
      'keepalive Infinity': [sync(() => wasmqtt.connect(url, { keepalive: Infinity })), /keepalive must be a whole number from 0 to 65535, got Infinity/],
      'connectTimeout -5': [sync(() => wasmqtt.connect(url, { connectTimeout: -5 })), /connectTimeout must be a whole number .* got -5/],
      'reconnectPeriod NaN': [sync(() => wasmqtt.connect(url, { reconnectPeriod: NaN })), /reconnectPeriod must be a whole number .* got NaN/],
      'messageExpiryInterval -1': [sync(() => c5.publish('a', 'x', { properties: { messageExpiryInterval: -1 } })), /messageExpiryInterval must be a whole number from 0 to 4294967295, got -1/],
      'topicAlias 0': [sync(() => c5.publish('a', 'x', { properties: { topicAlias: 0 } })), /topicAlias.*got 0/],
      'topicAlias 65536': [sync(() => c5.publish('a', 'x', { properties: { topicAlias: 65536 } })), /topicAlias.*got 65536/],
      'subscriptionIdentifier 0': [sync(() => c5.subscribe('a', { properties: { subscriptionIdentifier: 0 } })), /subscriptionIdentifier.*got 0/],
      'subscriptionIdentifier 2^28': [sync(() => c5.subscribe('a', { properties: { subscriptionIdentifier: 2 ** 28 } })), /subscriptionIdentifier.*got 268435456/],
      'sessionExpiryInterval NaN': [sync(() => wasmqtt.connect(url, { protocolVersion: 5, properties: { sessionExpiryInterval: NaN } })), /sessionExpiryInterval must be a whole number .* got NaN/],
      // invalid UTF-8 marked as UTF-8 [MQTT-3.3.2-4]
      'payload 0xff 0xfe with payloadFormatIndicator': [sync(() => c5.publish('a', new Uint8Array([0x68, 0xff, 0xfe]), { properties: { payloadFormatIndicator: true } })), /the payload is marked as UTF-8 \(payload format indicator 1\) but is not valid UTF-8/],
      'will payload invalid UTF-8 with payloadFormatIndicator': [sync(() => wasmqtt.connect(url, { protocolVersion: 5, will: { topic: 'w', payload: new Uint8Array([0xc3]), properties: { payloadFormatIndicator: true } } })), /the will payload is marked as UTF-8 \(payload format indicator 1\) but is not valid UTF-8/],
    };
    const alive = { c4: await h.stillWorks(c4, 'hostile/4'), c5: await h.stillWorks(c5, 'hostile/5') };
    return { cases: Object.fromEntries(Object.entries(cases).map(([k, [e, re]]) => [k, { e, re: re.source }])), alive };
  }, { url: broker.url });
  const failures = [];
  for (const [what, { e, re }] of Object.entries(got.cases)) {
    if (!e) { failures.push(`${what}: neither threw nor rejected`); continue; }
    if (e.name !== 'MqttUsageError' || !new RegExp(re).test(e.message) || e.message.length > 400 || !e.isError) {
      failures.push(`${what}: ${e.name}: ${e.message.slice(0, 300)} (${e.message.length} chars)`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(got.alive, { c4: [true, 'still here'], c5: [true, 'still here'] });
  assert.deepEqual(page.errors, []);
});

test('hostile values: a topic of exactly 65,535 bytes (the most MQTT allows) goes through mosquitto and back', async () => {
  const got = await page.evaluate(async ({ url }) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
    const topic = 'é'.repeat(32767) + 't';   // 65,535 UTF-8 bytes
    const inbox = h.inbox(client);
    const [grant] = await client.subscribeAsync(topic, { qos: 1 });
    await client.publishAsync(topic, 'edge', { qos: 1 });
    await h.until(() => inbox.length >= 1, 'the message on the longest topic');
    await client.endAsync();
    return { granted: grant.qos, bytes: new TextEncoder().encode(inbox[0].topic).length, same: inbox[0].topic === topic, text: inbox[0].text };
  }, { url: broker.url });
  assert.deepEqual(got, { granted: 1, bytes: 65535, same: true, text: 'edge' });
  assert.deepEqual(page.errors, []);
});
