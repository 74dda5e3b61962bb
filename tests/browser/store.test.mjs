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

/** In-page: the stored session of `reload-1` holds the three queued messages. */
async function storedHasAll() {
  const db = await new Promise((ok) => { const r = indexedDB.open('wasmqtt', 1); r.onsuccess = () => ok(r.result); });
  const stored = await new Promise((ok) => {
    const r = db.transaction('sessions').objectStore('sessions').get('default/reload-1');
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  const text = stored ? new TextDecoder('latin1').decode(stored) : '';
  return ['m1', 'm2', 'm3'].every((m) => text.includes(m));
}

test('queued QoS 1 messages survive a page reload with store: true, before anything published after it', async () => {
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}/mqtt`;
  const options = {
    store: true, clientId: 'reload-1', clean: false, protocolVersion: 5,
    properties: { sessionExpiryInterval: 300 }, reconnectPeriod: 100,
  };
  const page = await openPage(browser, server.origin);
  // No broker yet: the messages wait in the queue, and the queue goes to IndexedDB.
  await page.evaluate(async ({ url, options }) => {
    window.offline = wasmqtt.connect(url, options);
    for (const m of ['m1', 'm2', 'm3']) window.offline.publish('reload/t', m, { qos: 1 });
    await window.offline.whenStored();
  }, { url, options });
  // Committed, not merely visible: Chromium may drop a write whose transaction has not
  // completed when the page goes away (seen here on 7 of 20 reloads before whenStored).
  assert.ok(await page.evaluate(storedHasAll), 'whenStored() resolved before the state was stored');
  // The page reloads: everything in memory is gone, the stored session is still there.
  await page.reload();
  await page.waitForFunction(() => window.wasmqttReady === true && window.offline === undefined);
  assert.ok(await page.evaluate(storedHasAll), 'the stored session survives the reload');
  const broker = await startMosquitto('', { port });
  try {
    const got = await page.evaluate(async ({ url, options }) => {
      const watcher = await wasmqtt.connectAsync(url, { protocolVersion: 5 });
      const received = [];
      watcher.on('message', (topic, payload) => received.push(new TextDecoder().decode(payload)));
      await watcher.subscribeAsync('reload/t', { qos: 1 });
      // The application publishes at once, while the stored state is still being read:
      // the stored messages keep their place before it.
      const restored = wasmqtt.connect(url, options);
      const m4 = restored.publishAsync('reload/t', 'm4', { qos: 1 });
      await m4;
      const end = performance.now() + 10000;
      while (received.length < 4 && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
      await restored.endAsync();
      await watcher.endAsync();
      return received;
    }, { url, options });
    assert.deepEqual(got, ['m1', 'm2', 'm3', 'm4']);
  } finally {
    broker.stop();
    await page.close();
  }
});
