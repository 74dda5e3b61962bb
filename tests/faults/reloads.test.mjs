// Page reloads in the middle of QoS 2 exchanges with the IndexedDB store on (issue 7). A
// "reloading" page runs a client with `store: true` and a persistent session: it publishes
// numbered QoS 1 and QoS 2 streams (f/up/1, f/up/2) and receives the ones a "peer" page
// publishes (f/down/1, f/down/2). The reloading page is reloaded 10 times (CI form) at random
// moments; each time the new page makes the client again from its stored session and goes on.
//
// What counts as sent by the reloading page: what `whenStored()` said was committed (what
// was published but not yet stored when the page went away never left it: the store writes
// ahead). Every message it receives is recorded at once in localStorage (synchronous, and it
// outlives the page; a call to the test through an exposed function made just before a reload
// can be dropped), so deliveries made just before a reload are counted. Then: QoS 1 at least
// once, QoS 2 exactly once, first arrivals in publish order, and the client connected at the
// end.
//
// Longer: FAULT_RELOADS=100 node --test tests/faults/reloads.test.mjs, or in the soak
// (FAULT_SOAK_SECONDS=3600) reloads until the time is up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage } from '../browser/harness.mjs';

const RELOADS = Number(process.env.FAULT_RELOADS ?? 10);
const SOAK_SECONDS = Number(process.env.FAULT_SOAK_SECONDS ?? 0);
/** The reloading page's client: stored, with a persistent session, reconnecting quickly. */
const STORED = {
  protocolVersion: 5, clientId: 'reloading', clean: false, store: true,
  properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 20, reconnectMaxPeriod: 200,
};
/** Each page publishes its own range of numbers: page k from k × SPAN. */
const SPAN = 1_000_000;

let broker, server, browser;

before(async () => {
  [broker, server, browser] = await Promise.all([
    startMosquitto('max_queued_messages 0\nmax_inflight_messages 0'), startServer(), launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  server?.stop();
  broker?.stop();
});

/** Added to every reloading page: records a delivery in localStorage under the next number
 *  (the numbering goes on across pages). Keys and values are short (base 36, one letter per
 *  stream): a long soak records hundreds of thousands, and localStorage holds 10 MiB. */
function recordDeliveries() {
  window.record = (topic, payload) => {
    const next = parseInt(localStorage.getItem('#') ?? '0', 36);
    const stream = topic === 'f/down/1' ? 'a' : 'b';
    localStorage.setItem(next.toString(36), stream + Number(new TextDecoder().decode(payload)).toString(36));
    localStorage.setItem('#', (next + 1).toString(36));
  };
}

/** In the test: the deliveries recorded in the reloading page, per stream, in order. */
async function readDeliveries(page) {
  return page.evaluate(() => {
    const down = { 'down/1': [], 'down/2': [] };
    const total = parseInt(localStorage.getItem('#') ?? '0', 36);
    for (let i = 0; i < total; i++) {
      const value = localStorage.getItem(i.toString(36));
      down[value[0] === 'a' ? 'down/1' : 'down/2'].push(parseInt(value.slice(1), 36));
    }
    return down;
  });
}

/** In the reloading page: the stored client, its message reports, and its numbered streams
 *  from `base` (every 4 ms one message per stream while fewer than 100 wait to be sent;
 *  committed numbers reported). */
async function startReloadingClient(page, url, base) {
  await page.evaluate(async ({ url, base, options }) => {
    const client = wasmqtt.connect(url, options);
    client.on('message', record);
    client.on('error', (e) => window.reportError(e.message));
    window.reloading = client;
    let n = base;
    setInterval(() => {
      // Closed loop: while 100 wait to be sent, no more (an open loop filled the offline
      // queue in a long soak, and a refused publish is not a lost one).
      if (client.queuedMessages >= 100) return;
      const number = n++;
      for (const qos of [1, 2]) client.publish(`f/up/${qos}`, String(number), { qos });
      client.whenStored().then(() => window.committed(number));
    }, 4);
  }, { url, base, options: STORED });
}

/** In the peer page: a plain client that receives f/up/# and publishes f/down/1 and f/down/2
 *  (every 4 ms one message per stream), counting what it sent. */
async function startPeer(page, url) {
  await page.evaluate(async (url) => {
    const peer = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'reload-peer' });
    window.received = { 'up/1': [], 'up/2': [] };
    window.sent = 0;
    window.errors = [];
    peer.on('message', (topic, payload) => window.received[topic.slice(2)]?.push(Number(new TextDecoder().decode(payload))));
    await peer.subscribeAsync('f/up/#', { qos: 2 });
    window.peerTimer = setInterval(() => {
      const number = window.sent++;
      for (const qos of [1, 2]) {
        peer.publish(`f/down/${qos}`, String(number), { qos }, (e) => e && window.errors.push(e.message));
      }
    }, 4);
  }, url);
}

/** Per stream: expected (a set of numbers), arrived (a list): duplicates, missing, order. */
function count(expected, arrived) {
  const seen = new Set();
  let outOfOrder = 0;
  let last = -1;
  for (const n of arrived) {
    if (seen.has(n)) continue;
    seen.add(n);
    if (n < last) outOfOrder++;
    last = n;
  }
  const missing = [...expected].filter((n) => !seen.has(n)).length;
  return { expected: expected.size, arrived: arrived.length, duplicates: arrived.length - seen.size, missing, outOfOrder };
}

test(`QoS 1 and 2 both ways through ${SOAK_SECONDS ? `${SOAK_SECONDS} s of` : RELOADS} page reloads with the IndexedDB store: nothing lost, QoS 2 never duplicated, order kept`, async () => {
  const reloading = await browser.newPage();
  const committed = [];
  const clientErrors = [];
  await reloading.addInitScript(recordDeliveries);
  await reloading.exposeFunction('committed', (n) => committed.push(n));
  await reloading.exposeFunction('reportError', (m) => clientErrors.push(m));
  const open = async () => {
    await reloading.waitForFunction(() => window.wasmqttReady === true, null, { timeout: 10000 });
  };
  await reloading.goto(`${server.origin}/tests/browser/page.html`);
  await open();
  await reloading.evaluate(() => localStorage.clear());
  // The first page subscribes; the persistent session keeps the subscription across reloads.
  await reloading.evaluate(async (url) => {
    const first = await wasmqtt.connectAsync(url, {
      protocolVersion: 5, clientId: 'reloading', clean: true, properties: { sessionExpiryInterval: 3600 },
    });
    await first.subscribeAsync('f/down/#', { qos: 2 });
    await first.endAsync();
  }, broker.url);
  const peer = await openPage(browser, server.origin);
  await startPeer(peer, broker.url);
  await startReloadingClient(reloading, broker.url, 0);
  const t0 = Date.now();
  const endAt = Date.now() + SOAK_SECONDS * 1000;
  let k = 0;
  while (SOAK_SECONDS > 0 ? Date.now() < endAt : k < RELOADS) {
    k++;
    // The moment of the reload is the fault itself (not a wait for something).
    await new Promise((ok) => setTimeout(ok, 100 + Math.random() * 700));
    await reloading.reload();
    await open();
    await startReloadingClient(reloading, broker.url, k * SPAN);
  }
  await new Promise((ok) => setTimeout(ok, 300));
  await reloading.evaluate(() => window.reloading.whenStored());
  const lastPage = k * SPAN;
  // Stop both publishers; the last page's numbers count up to what was committed.
  await reloading.reload();
  await open();
  await peer.evaluate(() => clearInterval(window.peerTimer));
  const stopped = Date.now();
  // The stored session of the last page finishes its exchanges in a page that publishes nothing.
  await reloading.evaluate(async ({ url, options }) => {
    window.reloading = wasmqtt.connect(url, options);
    window.reloading.on('message', record);
  }, { url: broker.url, options: STORED });
  const expectedUp = new Set(committed);
  const sentDown = await peer.evaluate(() => window.sent);
  const expectedDown = new Set(Array.from({ length: sentDown }, (_, i) => i));
  // Until everything has arrived, or nothing more has for 8 s.
  const arrivedCount = async () => (await peer.evaluate(() => window.received['up/1'].length + window.received['up/2'].length))
    + await reloading.evaluate(() => parseInt(localStorage.getItem('#') ?? '0', 36));
  const complete = async () => {
    const [up, down] = [await peer.evaluate(() => window.received), await readDeliveries(reloading)];
    const has = (list, expected) => { const got = new Set(list); return [...expected].every((n) => got.has(n)); };
    return [1, 2].every((q) => has(up[`up/${q}`], expectedUp) && has(down[`down/${q}`], expectedDown));
  };
  for (let last = -1, n = await arrivedCount(); n !== last && !(await complete()); last = n, n = await arrivedCount()) {
    await new Promise((ok) => setTimeout(ok, 8000));
  }
  const up = await peer.evaluate(() => window.received);
  const down = await readDeliveries(reloading);
  const figures = {
    'up/1': count(expectedUp, up['up/1']), 'up/2': count(expectedUp, up['up/2']),
    'down/1': count(expectedDown, down['down/1']), 'down/2': count(expectedDown, down['down/2']),
  };
  console.log(`reloads: ${k} in ${((stopped - t0) / 1000).toFixed(1)} s; last page's numbers from ${lastPage}`);
  for (const [stream, f] of Object.entries(figures)) console.log(`  ${stream.padEnd(6)} ${JSON.stringify(f)}`);
  for (const [stream, f] of Object.entries(figures)) {
    assert.equal(f.missing, 0, `${stream}: lost messages`);
    assert.equal(f.outOfOrder, 0, `${stream}: first arrivals out of order`);
    if (stream.endsWith('/2')) assert.equal(f.duplicates, 0, `${stream}: QoS 2 duplicated`);
  }
  assert.deepEqual(await peer.evaluate(() => window.errors), []);
  assert.deepEqual(clientErrors, []);
  assert.equal(await reloading.evaluate(() => window.reloading.connected), true);
});
