// What the app's long tasks are made of: runs the app benchmark (bench/app.html) under a
// Chromium trace and prints, for each main-thread task over 50 ms, the events inside it that
// took longest (script, garbage collection, style, layout, paint). For finding work only.
//   node bench/trace-app.mjs            # TASK_MS=20 for tasks over 20 ms
import { chromium } from 'playwright-core';
import { startMosquitto } from '../tests/browser/harness.mjs';
import { startBenchServer } from './server.mjs';
import { publishFromNode } from './publisher.mjs';

const broker = await startMosquitto('max_inflight_messages 0\nmax_queued_messages 0');
let finish;
const done = new Promise((ok, fail) => { finish = { ok, fail }; });
const server = await startBenchServer((kind, body) => {
  if (kind === 'publish') return publishFromNode(broker.tcpPort, body);
  if (kind === 'done') finish.ok(body);
  else if (kind !== 'log') finish.fail(new Error(body));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing'] });
  await page.goto(`${server.origin}/bench/app.html?broker=${encodeURIComponent(broker.url)}`);
  await done;
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const events = trace.traceEvents.filter((e) => e.ph === 'X' && e.dur);
  // The renderer main thread: the one with the most RunTask time.
  const perThread = new Map();
  for (const e of events.filter((e) => e.name === 'RunTask')) perThread.set(`${e.pid}:${e.tid}`, (perThread.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
  const main = [...perThread].sort((a, b) => b[1] - a[1])[0][0];
  const mine = events.filter((e) => `${e.pid}:${e.tid}` === main);
  const tasks = mine.filter((e) => e.name === 'RunTask' && e.dur > Number(process.env.TASK_MS ?? 50) * 1000);
  for (const task of tasks) {
    const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    const byName = new Map();
    for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur);
    const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`);
    console.log(`task ${(task.dur / 1000).toFixed(1)} ms at ${((task.ts - tasks[0].ts) / 1e6).toFixed(2)} s: ${top.join(', ')}`);
  }
} finally {
  await browser.close();
  server.stop();
  broker.stop();
}
