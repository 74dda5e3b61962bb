// Where the time goes: runs one throughput case of the benchmark page under the DevTools
// profiler and prints the functions with the most self time. For finding work, not for
// figures: Playwright's Network domain slows the page (use scripts/bench for figures).
//   node bench/profile.mjs [--only 5/1/16] [--client wasmqtt] [--pkg target/profiling-pkg]
//   node bench/profile.mjs --app      # the app benchmark (www/dist) instead: ingest and scroll
// `--pkg` points at a build with function names:
//   wasm-pack build --profiling --target web --out-dir target/profiling-pkg
import { chromium } from 'playwright-core';
import { startMosquitto } from '../tests/browser/harness.mjs';
import { startBenchServer } from './server.mjs';
import { publishFromNode } from './publisher.mjs';

const args = process.argv.slice(2);
const value = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const only = value('--only', '5/1/16');
const client = value('--client', 'wasmqtt');
const pkg = value('--pkg', 'pkg');
const app = args.includes('--app');

const broker = await startMosquitto('max_inflight_messages 0\nmax_queued_messages 0');
let finish;
const done = new Promise((ok, fail) => { finish = { ok, fail }; });
const server = await startBenchServer((kind, body) => {
  if (kind === 'publish') return publishFromNode(broker.tcpPort, body);
  if (kind === 'log') console.error(`page: ${body}`);
  else if (kind === 'done') finish.ok(body);
  else finish.fail(new Error(body));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(app ? `${server.origin}/bench/app.html?broker=${encodeURIComponent(broker.url)}` : `${server.origin}/bench/page.html?broker=${encodeURIComponent(broker.url)}&reps=3&sections=throughput&only=${only}&clients=${encodeURIComponent(client)}&pkg=${encodeURIComponent(pkg)}`);
  await done;
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const [id, us] of dt) {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + us);
    total += us;
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
  for (const [name, us] of top) console.log(`${(us / total * 100).toFixed(1).padStart(5)} %  ${name}`);
} finally {
  await browser.close();
  server.stop();
  broker.stop();
}
