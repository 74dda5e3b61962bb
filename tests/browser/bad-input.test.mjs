// Bad input through the JS API: a typed MqttUsageError naming the bad value, never a page error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFixtures, packet, publish } from './features-support.mjs';

let broker, limits, server, browser, page;

useFixtures((f) => ({ broker, limits, server, browser, page } = f));

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
      'connect authenticationData': [sync(() => wasmqtt.connect(url, { protocolVersion: 5, properties: { authenticationData: new Uint8Array([1]) } })), /authenticationData cannot be given/],
      'end reasonCode 256': [sync(() => c4.end(false, { reasonCode: 256 })), /reasonCode must be a whole number from 0 to 255, got 256/],
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
    const alive = { c4: await h.stillWorks(c4, 'after/4'), c5: await h.stillWorks(c5, 'after/5'), cl: await h.stillWorks(cl, 'ok/after') };
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
