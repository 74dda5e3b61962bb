// The IndexedDB store: QoS 1 messages accepted while offline survive a page reload and are
// delivered once the broker is reachable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage, freePort } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('queued QoS 1 messages survive a page reload with store: true', async () => {
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}/mqtt`;
  const options = {
    store: true, clientId: 'reload-1', clean: false, protocolVersion: 5,
    properties: { sessionExpiryInterval: 300 }, reconnectPeriod: 100,
  };
  const page = await openPage(browser, server.origin);
  // No broker yet: the messages wait in the queue, and the queue goes to IndexedDB.
  await page.evaluate(({ url, options }) => {
    window.offline = wasmqtt.connect(url, options);
    for (const m of ['m1', 'm2', 'm3']) window.offline.publish('reload/t', m, { qos: 1 });
  }, { url, options });
  await page.waitForFunction(async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open('wasmqtt', 1); r.onsuccess = () => ok(r.result); });
    const stored = await new Promise((ok) => {
      const r = db.transaction('sessions').objectStore('sessions').get('default/reload-1');
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    const text = stored ? new TextDecoder('latin1').decode(stored) : '';
    return ['m1', 'm2', 'm3'].every((m) => text.includes(m));
  }, null, { timeout: 10000, polling: 50 });
  // The page reloads: everything in memory is gone.
  await page.reload();
  await page.waitForFunction(() => window.wasmqttReady === true && window.offline === undefined);
  const broker = await startMosquitto('', { port });
  try {
    const got = await page.evaluate(async ({ url, options }) => {
      const watcher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
      const received = [];
      watcher.on('message', (topic, payload) => received.push(new TextDecoder().decode(payload)));
      await watcher.subscribeAsync('reload/t', { qos: 1 });
      const restored = await wasmqtt.connectAsync(url, options);
      while (received.length < 3) await new Promise((r) => setTimeout(r, 10));
      await restored.endAsync();
      await watcher.endAsync();
      return received;
    }, { url, options });
    assert.deepEqual(got, ['m1', 'm2', 'm3']);
  } finally {
    broker.stop();
    await page.close();
  }
});
