// Faults injected between the browser client and mosquitto (issue 7). One client ("faulty")
// goes through the fault-injecting proxy with a persistent session and an offline queue of
// at most 200 messages; another ("steady") is connected to the broker directly. Each publishes
// a numbered stream at QoS 1 and at QoS 2 to the other (at most 500 of a stream on their way
// at once) while the proxy cuts the faulty client's connection (100 times in the CI form), at
// random moments, with frames split to single bytes, coalesced, delayed or stalled in between.
// Then every number must have arrived (but those refused, with an error, because the queue was
// full): QoS 1 at least once (duplicates counted), QoS 2 exactly once, first arrivals in
// publish order; the queue never above its bound; the faulty client connected.
//
// Soak: FAULT_SOAK_SECONDS=3600 node --test tests/faults/   (cuts until the time is up)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, startServer, launchBrowser, openPage, keepBrokerAwake } from '../browser/harness.mjs';
import { installHelpers } from '../browser/features-support.mjs';
import { startFaultProxy } from './proxy.mjs';
import { startStreams, finishStreams, assertNothingLost } from './streams.mjs';

const CUTS = Number(process.env.FAULT_CUTS ?? 100);
const SOAK_SECONDS = Number(process.env.FAULT_SOAK_SECONDS ?? 0);

let broker, server, browser, page, proxy, stopWaking;

before(async () => {
  // No broker-side limits on queued or in-flight messages: a message the broker dropped
  // would be counted as the client's loss.
  [broker, server, browser] = await Promise.all([
    startMosquitto('max_queued_messages 0\nmax_inflight_messages 0'), startServer(), launchBrowser(),
  ]);
  proxy = await startFaultProxy(broker.port);
  stopWaking = await keepBrokerAwake(broker.tcpPort);
  page = await openPage(browser, server.origin);
  await installHelpers(page);
});

after(async () => {
  proxy?.stop();
  stopWaking?.();
  await browser?.close();
  server?.stop();
  broker?.stop();
});

/** Cuts the faulty client's connection `CUTS` times (or until the soak time is up), each at a
 *  random moment of a connection just established, with random faults on it. */
async function injectFaults() {
  const random = (lo, hi) => lo + Math.random() * (hi - lo);
  const endAt = Date.now() + SOAK_SECONDS * 1000;
  const figures = { cuts: 0, split: 0, coalesced: 0, delayed: 0, stalled: 0 };
  while (SOAK_SECONDS > 0 ? Date.now() < endAt : figures.cuts < CUTS) {
    // The faults of the next connection, then that connection.
    const f = proxy.faults;
    f.split = Math.random() < 0.3;
    f.coalesceMs = Math.random() < 0.2 ? 3 : 0;
    f.delayMs = Math.random() < 0.3 ? Math.round(random(5, 30)) : 0;
    if (figures.cuts > 0 || proxy.open === 0) await proxy.opened(); // the first is open already
    figures.split += f.split ? 1 : 0;
    figures.coalesced += f.coalesceMs ? 1 : 0;
    figures.delayed += f.delayMs ? 1 : 0;
    // The moment of the cut is the fault itself (not a wait for something): 0 to 60 ms in.
    await new Promise((ok) => setTimeout(ok, random(0, 60)));
    if (Math.random() < 0.1) {
      f.stalled = true;
      figures.stalled++;
      await new Promise((ok) => setTimeout(ok, random(50, 300)));
      f.stalled = false;
    }
    proxy.cut();
    figures.cuts++;
  }
  Object.assign(proxy.faults, { split: false, coalesceMs: 0, delayMs: 0, stalled: false });
  return figures;
}

test(`QoS 1 and 2 both ways through ${SOAK_SECONDS ? `${SOAK_SECONDS} s of` : CUTS} connection cuts: nothing lost, QoS 2 never duplicated, order kept`, async () => {
  await startStreams(page, {
    url: proxy.url,
    options: {
      protocolVersion: 5, clientId: 'faulty', clean: false, properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 20, reconnectMaxPeriod: 200, keepalive: 5, connectTimeout: 3000, queueLimit: 200,
    },
  }, { url: broker.url, options: { protocolVersion: 5, clientId: 'steady' } });
  const t0 = Date.now();
  const injected = await injectFaults();
  const result = await finishStreams(page);
  console.log(`faults: ${JSON.stringify(injected)} in ${((Date.now() - t0) / 1000).toFixed(1)} s; proxy ${JSON.stringify(proxy.stats)}`);
  assertNothingLost(assert, result);
  assert.ok(injected.cuts >= (SOAK_SECONDS ? 1 : CUTS));
  assert.deepEqual(page.errors, []);
});
