// No leaks (issue 7): 1,000 connect/end cycles and 1,000 subscribe/unsubscribe cycles in
// Chromium against mosquitto. JS heap (after forced collections), wasm memory and the page's
// event listener count (DevTools' DOM counters) are measured after a warm-up, half way and
// after the cycles, and printed, with the number of JS values the wasm holds. Tolerances over
// the 1,000 cycles: heap +256 KiB (a leak of 270 B per cycle would exceed it), wasm memory
// +128 KiB (two pages; a leaked client is kilobytes), listeners and held values unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage, keepBrokerAwake } from './harness.mjs';
import { installHelpers } from './features-support.mjs';

const CYCLES = Number(process.env.LEAK_CYCLES ?? 1000);
const WARM_UP = 50;
const HEAP_TOLERANCE = 256 * 1024;
const WASM_TOLERANCE = 128 * 1024;

let broker, server, browser, page, cdp, stopWaking;

before(async () => {
  [broker, server, browser] = await Promise.all([
    startMosquitto(), startServer(), launchBrowser(['--js-flags=--expose-gc', '--enable-precise-memory-info']),
  ]);
  page = await openPage(browser, server.origin);
  await installHelpers(page);
  cdp = await page.context().newCDPSession(page);
  stopWaking = await keepBrokerAwake(broker.tcpPort);
});

after(async () => {
  stopWaking?.();
  await browser?.close();
  server?.stop();
  broker?.stop();
});

/** Heap after three full collections, wasm memory size, event listeners in the page. */
async function measure() {
  const memory = await page.evaluate(async () => {
    for (let i = 0; i < 3; i++) {
      window.gc();
      await new Promise((ok) => setTimeout(ok, 20));
    }
    return { heap: performance.memory.usedJSHeapSize, wasm: wasmqttExports.memory.buffer.byteLength, refs: wasmqttExports.__wbindgen_externrefs.length };
  });
  return { ...memory, listeners: await listeners() };
}

async function listeners() {
  return (await cdp.send('Memory.getDOMCounters')).jsEventListeners;
}

/** The last client's socket may still be closing when its `end` resolves: waits (bounded)
 *  for the page's listener count to come back to `count`, and gives what it came to. */
async function listenersSettle(count) {
  const end = Date.now() + 3000;
  let now = await listeners();
  while (now !== count && Date.now() < end) {
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 10)));
    now = await listeners();
  }
  return now;
}

/** Runs CYCLES of the in-page `cycle(i, arg)` after a warm-up, measuring at the start, half
 *  way (printed: a leak grows in both halves) and the end; gives the growth. */
async function growth(what, cycle, arg) {
  const run = (from, to) => page.evaluate(async ({ from, to, cycle, arg }) => {
    const f = new Function(`return (${cycle})`)();
    for (let i = from; i < to; i++) {
      await f(i, arg);
      // A client's Rust side is freed when its JS object is collected (wasm-bindgen's
      // finalizer): collecting every 50 cycles keeps the allocator's high-water mark close to
      // the memory in use, so that what it shows is a leak and not the collector's timing.
      if (i % 50 === 49) window.gc();
    }
  }, { from, to, cycle: cycle.toString(), arg });
  await run(0, WARM_UP);
  const start = await measure();
  const t0 = performance.now();
  await run(WARM_UP, WARM_UP + CYCLES / 2);
  const mid = await measure();
  await run(WARM_UP + CYCLES / 2, WARM_UP + CYCLES);
  const seconds = (performance.now() - t0) / 1000;
  const end = await measure();
  end.listeners = await listenersSettle(start.listeners);
  const kib = (n) => `${n >= 0 ? '+' : ''}${(n / 1024).toFixed(1)} KiB`;
  console.log(`${what}: ${CYCLES} cycles in ${seconds.toFixed(1)} s; JS heap ${kib(end.heap - start.heap)}; `
    + `wasm memory ${kib(mid.wasm - start.wasm)} in the first half, ${kib(end.wasm - mid.wasm)} in the second (${end.wasm / 1024} KiB in all); `
    + `event listeners ${start.listeners} -> ${end.listeners}; JS values held by the wasm (table size) ${start.refs} -> ${mid.refs} -> ${end.refs}`);
  return { heap: end.heap - start.heap, wasm: end.wasm - start.wasm, listeners: end.listeners - start.listeners, refs: end.refs - start.refs };
}

function assertFlat(what, g) {
  assert.ok(g.heap <= HEAP_TOLERANCE, `${what}: JS heap grew ${g.heap} B`);
  assert.ok(g.wasm <= WASM_TOLERANCE, `${what}: wasm memory grew ${g.wasm} B`);
  assert.equal(g.listeners, 0, `${what}: event listeners`);
  assert.equal(g.refs, 0, `${what}: JS values held by the wasm`);
}

test(`no leak across ${CYCLES} connect/end cycles (each client with a message listener)`, async () => {
  const g = await growth('connect/end', async (i, url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, clientId: `leak-${i}` });
    client.on('message', () => {});
    await client.endAsync();
  }, broker.url);
  assertFlat('connect/end', g);
  assert.deepEqual(page.errors, []);
});

test(`no leak across ${CYCLES} reconnects of one client (end, then reconnect())`, async () => {
  await page.evaluate(async (url) => { window.reconnecting = await wasmqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 }); }, broker.url);
  const g = await growth('reconnect', async () => {
    const client = window.reconnecting;
    await client.endAsync();
    const connected = new Promise((ok) => client.once('connect', ok));
    client.reconnect();
    await connected;
  });
  const alive = await page.evaluate(async () => h.stillWorks(window.reconnecting, 'leak/reconnected'));
  assertFlat('reconnect', g);
  assert.deepEqual(alive, [true, 'still here']);
  assert.deepEqual(page.errors, []);
});

test(`no leak across ${CYCLES} subscribe/unsubscribe cycles (with a handler, a listener on and off)`, async () => {
  await page.evaluate(async (url) => { window.leakClient = await wasmqtt.connectAsync(url, { protocolVersion: 5 }); }, broker.url);
  const g = await growth('subscribe/unsubscribe', async (i) => {
    const client = window.leakClient;
    const listener = () => {};
    client.on('message', listener);
    await client.subscribeAsync(`leak/${i}`, { qos: 1, handler: () => {} });
    await client.unsubscribeAsync(`leak/${i}`);
    client.off('message', listener);
  });
  const alive = await page.evaluate(async () => h.stillWorks(window.leakClient, 'leak/after'));
  assertFlat('subscribe/unsubscribe', g);
  assert.deepEqual(alive, [true, 'still here']);
  assert.deepEqual(page.errors, []);
});

test('a client kept after end holds little: under 4 KiB of wasm memory each (200 kept)', async () => {
  const kept = 200;
  const before = await measure();
  await page.evaluate(async ({ url, kept }) => {
    window.keptClients = [];
    for (let i = 0; i < kept; i++) {
      const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, clientId: `kept-${i}` });
      await client.endAsync();
      window.keptClients.push(client);
    }
  }, { url: broker.url, kept });
  const after = await measure();
  const each = (after.wasm - before.wasm) / kept;
  console.log(`${kept} ended clients kept: wasm memory +${((after.wasm - before.wasm) / 1024).toFixed(0)} KiB, ${(each / 1024).toFixed(1)} KiB each`);
  assert.ok(each < 4096, `${each} B of wasm memory per ended client`);
  await page.evaluate(() => { window.keptClients = null; });
  assert.deepEqual(page.errors, []);
});
