// Session deadlines run from a dedicated Worker (not throttled in hidden tabs), and fall back
// to main-thread timers where a CSP forbids blob: workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage, openPageWithoutWorkers } from './harness.mjs';

let broker, server, browser;

before(async () => {
  broker = await startMosquitto();
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  broker?.stop();
});

/** Connects with keepalive 1 s and waits for two PINGREQ/PINGRESP rounds. */
async function pings(page, url) {
  return page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { keepalive: 1, protocolVersion: 5 });
    const seen = [];
    client.on('packetsend', (p) => seen.push(`send:${p.cmd}`));
    client.on('packetreceive', (p) => seen.push(`receive:${p.cmd}`));
    while (seen.filter((s) => s === 'receive:pingresp').length < 2) {
      await new Promise((r) => client.once('packetreceive', r));
    }
    await client.endAsync();
    return seen.filter((s) => s.includes('ping'));
  }, url);
}

test('keep alive pings are driven by the timer worker', async () => {
  const page = await openPage(browser, server.origin);
  const seen = await pings(page, broker.url);
  assert.deepEqual(seen.slice(0, 4), ['send:pingreq', 'receive:pingresp', 'send:pingreq', 'receive:pingresp']);
  // The timers run in the client's Worker (a blob: script), not on the main thread.
  assert.deepEqual(page.workers().map((w) => w.url().slice(0, 5)), ['blob:']);
  await page.close();
});

test('without workers (CSP worker-src none) the main thread keeps the timers', async () => {
  const page = await openPageWithoutWorkers(browser, server.origin);
  const seen = await pings(page, broker.url);
  assert.deepEqual(seen.slice(0, 4), ['send:pingreq', 'receive:pingresp', 'send:pingreq', 'receive:pingresp']);
  const violations = await page.evaluate(() => window.cspViolations);
  assert.ok(violations.some((v) => v.startsWith('worker-src')), `the worker was refused: ${violations}`);
  assert.deepEqual(page.workers(), [], 'no worker runs');
  await page.close();
});
