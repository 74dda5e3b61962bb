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
// The peer publishes only while the reloading page has recorded all but WINDOW of its
// messages: the stored client receives more slowly than a plain one (it writes ahead), and an
// unbounded backlog made a long soak's drain last longer than the soak. What arrived is
// counted in the pages, a chunk at a time, and only the figures come out.
//
// Longer: FAULT_RELOADS=100 node --test tests/faults/reloads.test.mjs, or in the soak
// (FAULT_SOAK_SECONDS=3600) reloads until the time is up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage } from '../browser/harness.mjs';
import { WINDOW } from './streams.mjs';

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
    startMosquitto('max_queued_messages 0\nmax_inflight_messages 0'), startServer(),
    // gc(), so that the soak's heap figures are of what is alive, not of what waits to be collected.
    launchBrowser(['--js-flags=--expose-gc']),
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
    // QoS 2 deliveries apart: they come once each, so they tell how far the page got.
    if (stream === 'b') localStorage.setItem('#2', (parseInt(localStorage.getItem('#2') ?? '0', 36) + 1).toString(36));
  };
}

/** Added to every reloading page: `window.recorded.down` gains the deliveries recorded since
 *  the last call, per stream, in order (read a chunk at a time, so that the check of a long
 *  soak does not read hundreds of thousands of entries again every time). */
function readRecorded() {
  window.recorded = { read: 0, down: { 'down/1': [], 'down/2': [] } };
  window.readRecorded = () => {
    const total = parseInt(localStorage.getItem('#') ?? '0', 36);
    for (; window.recorded.read < total; window.recorded.read++) {
      const value = localStorage.getItem(window.recorded.read.toString(36));
      window.recorded.down[value[0] === 'a' ? 'down/1' : 'down/2'].push(parseInt(value.slice(1), 36));
    }
    return total;
  };
}

/** In the reloading page: the stored client, its message reports, and its numbered streams
 *  from `base` (every 4 ms one message per stream while fewer than 100 wait to be sent or acknowledged;
 *  committed numbers reported). */
async function startReloadingClient(page, url, base) {
  await page.evaluate(async ({ url, base, options }) => {
    const client = wasmqtt.connect(url, options);
    client.on('message', record);
    client.on('error', (e) => window.reportError(e.message));
    window.reloading = client;
    let n = base;
    setInterval(() => {
      // Closed loop: while 100 wait to be sent or acknowledged, no more. An open loop filled
      // the offline queue in a long soak (and a refused publish is not a lost one); bounding
      // only the queue let the stored session grow to thousands of messages in flight, each
      // sent again by every page (a page may go before its acknowledgements are stored).
      if (client.queuedMessages + client.inflightMessages >= 100) return;
      const number = n++;
      for (const qos of [1, 2]) client.publish(`f/up/${qos}`, String(number), { qos });
      client.whenStored().then(() => window.committed(number));
    }, 4);
  }, { url, base, options: STORED });
}

/** In the peer page: a plain client that receives f/up/# and publishes f/down/1 and f/down/2
 *  (every 4 ms one message per stream while fewer than `window.allowed` are sent), counting
 *  what it sent. */
async function startPeer(page, url) {
  await page.evaluate(async (url) => {
    const peer = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'reload-peer' });
    window.received = { 'up/1': [], 'up/2': [] };
    window.sent = 0;
    window.allowed = 0;
    window.errors = [];
    peer.on('message', (topic, payload) => window.received[topic.slice(2)]?.push(Number(new TextDecoder().decode(payload))));
    await peer.subscribeAsync('f/up/#', { qos: 2 });
    window.peerTimer = setInterval(() => {
      if (window.sent >= window.allowed) return;
      const number = window.sent++;
      for (const qos of [1, 2]) {
        peer.publish(`f/down/${qos}`, String(number), { qos }, (e) => e && window.errors.push(e.message));
      }
    }, 4);
  }, url);
}

/** Per stream: expected (a list of numbers), arrived (a list): duplicates, missing, order.
 *  Run in the pages (passed as source), where the lists are. */
function count(expectedList, arrived) {
  const expected = new Set(expectedList);
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
  let t0 = Date.now();
  const reloading = await browser.newPage();
  const committed = [];
  const clientErrors = [];
  await reloading.addInitScript(recordDeliveries);
  await reloading.addInitScript(readRecorded);
  reloading.on('crash', () => console.log(`reloading page crashed after ${((Date.now() - t0) / 1000).toFixed(0)} s`));
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
  /** A soak's progress line: how far each side got, and the pages' memory. */
  const progress = async (what) => {
    const [r, p] = await Promise.all([
      reloading.evaluate(async () => {
        window.gc?.();
        // The stored session's size: the IndexedDB copy, and the QoS 2 receive ids.
        const stored = await new Promise((ok) => {
          const r = indexedDB.open('wasmqtt', 1);
          r.onsuccess = () => {
            const all = r.result.transaction('sessions').objectStore('sessions').getAll();
            all.onsuccess = () => ok(all.result.map((b) => b.byteLength ?? b.length));
          };
        });
        const qos2In = Object.keys(localStorage).filter((k) => k.startsWith('wasmqtt:')).map((k) => localStorage.getItem(k).split(',').length);
        return { recorded: parseInt(localStorage.getItem('#') ?? '0', 36), heap: performance.memory?.usedJSHeapSize, stored, qos2In, queued: window.reloading?.queuedMessages };
      }),
      peer.evaluate(() => (window.gc?.(), { sent: window.sent, received: window.received['up/1'].length + window.received['up/2'].length, heap: performance.memory?.usedJSHeapSize })),
    ]);
    const mib = (b) => `${((b ?? 0) / 2 ** 20).toFixed(1)} MiB`;
    console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s, ${what}: up committed ${committed.length}, peer received ${p.received}, peer sent ${p.sent}, recorded ${r.recorded}; stored ${r.stored} B, qos2-in ${r.qos2In}, queued ${r.queued}; heap ${mib(r.heap)} / peer ${mib(p.heap)}`);
  };
  /** Lets the peer send up to WINDOW per stream beyond what the reloading page recorded of
   *  its QoS 2 stream (QoS 1 repeats would inflate a count of both). */
  const allowPeer = async () => {
    const recorded = await reloading.evaluate(() => parseInt(localStorage.getItem('#2') ?? '0', 36));
    await peer.evaluate((allowed) => { window.allowed = allowed; }, recorded + WINDOW);
  };
  await allowPeer();
  await startReloadingClient(reloading, broker.url, 0);
  t0 = Date.now();
  const endAt = Date.now() + SOAK_SECONDS * 1000;
  let k = 0;
  while (SOAK_SECONDS > 0 ? Date.now() < endAt : k < RELOADS) {
    k++;
    // The moment of the reload is the fault itself (not a wait for something).
    await new Promise((ok) => setTimeout(ok, 100 + Math.random() * 700));
    await reloading.reload();
    await open();
    await allowPeer();
    await startReloadingClient(reloading, broker.url, k * SPAN);
    if (SOAK_SECONDS > 0 && k % 50 === 0) await progress(`${k} reloads`);
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
  const expectedUp = [...new Set(committed)];
  const sentDown = await peer.evaluate(() => window.sent);
  const expectedDown = Array.from({ length: sentDown }, (_, i) => i);
  await peer.evaluate((expected) => { window.expectedUp = new Set(expected); }, expectedUp);
  // In the pages: everything arrived yet? and how much has arrived.
  const upProgress = () => peer.evaluate(() => {
    const { 'up/1': one, 'up/2': two } = window.received;
    const has = (list) => { const got = new Set(list); return [...window.expectedUp].every((n) => got.has(n)); };
    return { arrived: one.length + two.length, complete: has(one) && has(two) };
  });
  const downProgress = () => reloading.evaluate((sent) => {
    const arrived = window.readRecorded();
    // The peer sent 0 .. sent - 1 and nothing else: complete once that many distinct arrived.
    const has = (list) => new Set(list).size >= sent;
    return { arrived, complete: has(window.recorded.down['down/1']) && has(window.recorded.down['down/2']) };
  }, sentDown);
  // Until everything has arrived, or nothing more has for 8 s.
  for (let last = -1; ;) {
    const [up, down] = [await upProgress(), await downProgress()];
    if ((up.complete && down.complete) || up.arrived + down.arrived === last) break;
    last = up.arrived + down.arrived;
    if (SOAK_SECONDS > 0) await progress(`draining (${JSON.stringify({ up, down })})`);
    await new Promise((ok) => setTimeout(ok, 8000));
  }
  const countSource = count.toString();
  const upFigures = await peer.evaluate(({ countSource, expected }) => {
    const count = new Function(`return (${countSource})`)();
    return { 'up/1': count(expected, window.received['up/1']), 'up/2': count(expected, window.received['up/2']) };
  }, { countSource, expected: expectedUp });
  const downFigures = await reloading.evaluate(({ countSource, expected }) => {
    const count = new Function(`return (${countSource})`)();
    window.readRecorded();
    const { down } = window.recorded;
    return { 'down/1': count(expected, down['down/1']), 'down/2': count(expected, down['down/2']) };
  }, { countSource, expected: expectedDown });
  const figures = { ...upFigures, ...downFigures };
  // Every exchange completed: no QoS 2 receive state left behind (a leak would grow across reloads).
  const openQos2 = await reloading.evaluate(async () => {
    const ids = () => localStorage.getItem('wasmqtt:default/reloading:qos2-in');
    // Waiting for the last PUBRELs (bounded: a test fails, it does not hang).
    for (let i = 0; i < 100 && ids() !== ''; i++) await new Promise((ok) => setTimeout(ok, 100));
    return ids();
  });
  console.log(`open QoS 2 receive exchanges at the end: ${JSON.stringify(openQos2)}`);
  console.log(`reloads: ${k} in ${((stopped - t0) / 1000).toFixed(1)} s; last page's numbers from ${lastPage}`);
  for (const [stream, f] of Object.entries(figures)) console.log(`  ${stream.padEnd(6)} ${JSON.stringify(f)}`);
  for (const [stream, f] of Object.entries(figures)) {
    assert.equal(f.missing, 0, `${stream}: lost messages`);
    assert.equal(f.outOfOrder, 0, `${stream}: first arrivals out of order`);
    if (stream.endsWith('/2')) assert.equal(f.duplicates, 0, `${stream}: QoS 2 duplicated`);
  }
  assert.equal(openQos2, '', 'every QoS 2 receive exchange completed, none left in the stored state');
  assert.deepEqual(await peer.evaluate(() => window.errors), []);
  assert.deepEqual(clientErrors, []);
  assert.equal(await reloading.evaluate(() => window.reloading.connected), true);
});
