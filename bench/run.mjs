// The benchmark: wasmqtt against MQTT.js 5 and a bare WebSocket in one headless Chromium run,
// against a local mosquitto over loopback WebSocket. Usage (via scripts/bench):
//   node bench/run.mjs [--quick] [--reps N] [--sections throughput,codec,memory] [--only 5/0/16]
//     [--app-rate N]   the app's ingest rate in msg/s (default 5000, the target)
// Prints medians and min–max per client and the ratios computed rep by rep; writes the raw
// figures to target/bench/results.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressed, scripts } from './compressed.mjs';
import { ROOT, startMosquitto } from '../tests/browser/harness.mjs';
import { startBenchServer } from './server.mjs';
import { publishFromNode } from './publisher.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const QUICK = flag('--quick');
const REPS = Number(value('--reps', QUICK ? 1 : 5));
const SECTIONS = value('--sections', 'throughput,codec,memory,app');
const ONLY = value('--only', '');
const APP_RATE = Number(value('--app-rate', 5000));
const TIMEOUT_MS = QUICK ? 300_000 : 3_600_000;

function sizes() {
  return {
    wasmqtt: compressed(['pkg/wasmqtt_bg.wasm', 'pkg/wasmqtt.js', ...scripts('pkg/snippets')]),
    'MQTT.js': compressed(['bench/node_modules/mqtt/dist/mqtt.min.js']),
    'mqtt5-wasm': compressed(['bench/dist/mqtt5-wasm/mqtt5_wasm_bench_bg.wasm', 'bench/dist/mqtt5-wasm/mqtt5_wasm_bench.js']),
  };
}

const sorted = (xs) => xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
const median = (xs) => { const s = sorted(xs); return s.length ? s[s.length >> 1] : NaN; };
const range = (xs) => { const s = sorted(xs); return s.length ? [s[0], s[s.length - 1]] : [NaN, NaN]; };
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'failed');
const fixed = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const spread = (xs) => { const [lo, hi] = range(xs); return `${int(median(xs))} (${int(lo)}–${int(hi)})`; };
const ratioSpread = (xs) => { const [lo, hi] = range(xs); return `${fixed(median(xs))} (${fixed(lo)}–${fixed(hi)})`; };
const perRep = (a, b) => a.map((x, i) => (x !== null && b[i] ? x / b[i] : null));
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;

function printThroughput(rows) {
  console.log('\n## Throughput: self-loop (subscribe, publish N, wait for N back), msg/s, median (min–max)\n');
  console.log('| MQTT | QoS | payload | N | wasmqtt | MQTT.js | mqtt5-wasm | bare WebSocket | wasmqtt ÷ MQTT.js | wasmqtt ÷ mqtt5-wasm | wasmqtt ÷ bare |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const none = r.runs.wasmqtt.map(() => null);
    const w = r.runs.wasmqtt;
    const m = r.runs['MQTT.js'] ?? none;
    const m5 = r.runs['mqtt5-wasm'] ?? none;
    const b = r.runs['bare WebSocket'] ?? none;
    console.log(`| ${r.version === 5 ? '5.0' : '3.1.1'} | ${r.qos} | ${r.size} B | ${r.n} | ${spread(w)} | ${spread(m)} | ${spread(m5)} | ${spread(b)} | ${ratioSpread(perRep(w, m))} | ${ratioSpread(perRep(w, m5))} | ${ratioSpread(perRep(w, b))} |`);
  }
}

function printCodec(c) {
  console.log(`\n## Codec: ${c.count} PUBLISH packets (QoS 1, 64 B payload, MQTT 5, one user property; ${c.bytes} bytes), packets/s, median (min–max)\n`);
  console.log('| | wasmqtt | mqtt-packet | wasmqtt ÷ mqtt-packet |');
  console.log('|---|---|---|---|');
  for (const op of ['decode', 'encode']) {
    const w = c.wasmqtt[op];
    const m = c['mqtt-packet'][op];
    console.log(`| ${op} | ${spread(w)} | ${spread(m)} | ${ratioSpread(perRep(w, m))} |`);
  }
}

function printSizes(s) {
  console.log('\n## Size (each file compressed on its own, as served)\n');
  console.log('| | raw | gzip -9 | brotli 11 |');
  console.log('|---|---|---|---|');
  for (const [name, v] of Object.entries(s)) console.log(`| ${name} | ${v.raw} | ${v.gzip} | ${v.brotli} |`);
  console.log(`\nwasmqtt ÷ MQTT.js: gzip ${(s.wasmqtt.gzip / s['MQTT.js'].gzip * 100).toFixed(1)} %, brotli ${(s.wasmqtt.brotli / s['MQTT.js'].brotli * 100).toFixed(1)} %`);
}

function printMemory(m) {
  console.log('\n## Memory: JS heap (after gc) over the page\'s baseline, + wasm memory growth\n');
  console.log('| | connected | whole wasm memory, connected | peak receiving | after release | after reconnect cycles |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, v] of Object.entries(m)) {
    const w = (x) => (name === 'wasmqtt' ? ` + wasm ${kib(x)}` : '');
    console.log(`| ${name} | ${kib(v.connectedHeap)}${w(v.connectedWasm)} | ${name === 'wasmqtt' ? kib(v.wasmTotal) : '-'} | ${mib(v.peakHeap)}${w(v.peakWasm)} (${v.messages} QoS 0 msgs) | ${kib(v.releasedHeap)} | ${kib(v.cyclesHeap)}${w(v.cyclesWasm)} (${v.cycles} cycles) |`);
  }
}

/** Loads the page in a fresh headless Chromium with `query`; resolves with what it reports. */
async function runPage(origin, query, page = 'page.html') {
  let finish;
  const done = new Promise((ok, fail) => { finish = { ok, fail }; });
  pageListener = (kind, body) => {
    if (kind === 'publish') return publishFromNode(brokerTcpPort, body);
    if (kind === 'log') console.error(`page: ${body}`);
    else if (kind === 'done') finish.ok(body);
    else finish.fail(new Error(`page: ${body}`));
  };
  const profile = mkdtempSync(join(tmpdir(), 'wasmqtt-bench-chromium-'));
  // No --remote-debugging-port: the page runs on its own and reports over HTTP.
  chromiumProcess = spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-dev-shm-usage', '--enable-precise-memory-info', '--js-flags=--expose-gc',
    '--window-size=1300,900', `--user-data-dir=${profile}`, `${origin}/bench/${page}?${query}`], { stdio: 'ignore' });
  const timer = setTimeout(() => finish.fail(new Error(`no result in ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
    chromiumProcess.kill('SIGKILL');
  }
}

let pageListener = () => {};
let brokerTcpPort = 0;
let chromiumProcess = null;
process.on('exit', () => chromiumProcess?.kill('SIGKILL'));

/** The app's runs (one page each): medians over the runs, and every run's longest frame. */
function printApp(runs) {
  const ms = (x) => `${x.toFixed(1)} ms`;
  const msSpread = (xs) => { const [lo, hi] = range(xs); return `${ms(median(xs))} (${ms(lo)}–${ms(hi)})`; };
  const first = runs[0];
  console.log(`\n## The app (www/dist) under load, frame times in its window: ${runs.length} runs, median (min–max) over the runs\n`);
  console.log('| | messages | achieved | median frame | p95 frame | longest frame |');
  console.log('|---|---|---|---|---|---|');
  const ingest = runs.map((r) => r.ingest);
  const scroll = runs.map((r) => r.scroll);
  console.log(`| ingest at ${first.ingest.rate} msg/s | ${first.ingest.messages} | ${spread(ingest.map((x) => x.achieved))} msg/s | ${msSpread(ingest.map((x) => x.median))} | ${msSpread(ingest.map((x) => x.p95))} | ${msSpread(ingest.map((x) => x.max))} |`);
  const fps = scroll.map((x) => 1000 / x.median);
  console.log(`| scroll through all, ${first.scroll.steps} frames | ${first.scroll.messages} (${first.scroll.rows} rows in the page) | ${spread(fps)} fps | ${msSpread(scroll.map((x) => x.median))} | ${msSpread(scroll.map((x) => x.p95))} | ${msSpread(scroll.map((x) => x.max))} |`);
  const at = (x) => `${ms(x.max)} (at ${(x.maxAt / 1000).toFixed(2)} s)`;
  console.log(`\nLongest frame of each run, and when it ended: ingest ${ingest.map(at).join(', ')}; scroll ${scroll.map(at).join(', ')}.`);
  // What ran in the long animation frames (Chromium's API, over 50 ms) of the runs whose
  // longest frame was over 50 ms: that API also counts frames the app never waited for.
  runs.forEach((a, run) => {
    for (const [what, part] of [['ingest', a.ingest], ['scroll', a.scroll]]) {
      if (part.max <= 50) continue;
      for (const f of part.long ?? []) {
        const scripts = f.scripts.map((x) => `${x.invoker} ${x.source} ${ms(x.duration)}`).join('; ');
        console.log(`  long frame (run ${run + 1}, ${what}, at ${(f.start / 1000).toFixed(2)} s): ${ms(f.duration)}, rendering ${ms(f.render)}, style and layout ${ms(f.styleAndLayout)}; scripts: ${scripts || 'none'}`);
      }
    }
  });
}

async function main() {
  // No in-flight or queue limit at the broker: with mosquitto's default of 20 in flight (its
  // CONNACK's Receive Maximum), MQTT.js 5.16's QoS 2 self-loop at MQTT 5 stalls (a check here:
  // 110 of 200 messages came back, no DISCONNECT), so there would be no ratio to report.
  const broker = await startMosquitto('max_inflight_messages 0\nmax_queued_messages 0');
  // Stopped with Ctrl+C: the broker and the browser go too.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => { broker.stop(); pageListener('error', `stopped by ${signal}`); process.exit(130); });
  }
  brokerTcpPort = broker.tcpPort;
  const server = await startBenchServer((kind, body) => pageListener(kind, body));
  const common = `broker=${encodeURIComponent(broker.url)}&reps=${REPS}&only=${ONLY}&rate=${APP_RATE}${QUICK ? '&quick' : ''}`;
  const sections = SECTIONS.split(',');
  try {
    const speed = sections.filter((s) => s !== 'memory' && s !== 'app').join(',');
    const results = speed ? await runPage(server.origin, `${common}&sections=${speed}`) : {};
    if (sections.includes('memory')) {
      // Each client in a page of its own, so that neither sees the other's heap or wasm memory.
      results.memory = {};
      for (const client of ['wasmqtt', 'MQTT.js']) {
        const page = await runPage(server.origin, `${common}&sections=memory&client=${encodeURIComponent(client)}`);
        Object.assign(results.memory, page.memory);
        results.userAgent = page.userAgent;
      }
    }
    if (sections.includes('app')) {
      if (!existsSync(join(ROOT, 'www/dist/index.html'))) throw new Error('the app is not built: scripts/bench builds it, or (cd www && trunk build --release)');
      // A page per run: the longest frame is a rare event, one run says little about it.
      results.app = [];
      for (let run = 0; run < REPS; run++) {
        const page = await runPage(server.origin, common, 'app.html');
        results.app.push(page.app);
        results.userAgent = page.userAgent;
      }
    }
    results.sizes = sizes();
    mkdirSync(join(ROOT, 'target/bench'), { recursive: true });
    writeFileSync(join(ROOT, 'target/bench/results.json'), JSON.stringify(results, null, 2));
    console.log(`# wasmqtt benchmark${QUICK ? ' (quick: figures not meaningful)' : ''}\n\n${results.userAgent}; ${REPS} reps, clients alternating rep by rep.`);
    if (results.throughput) printThroughput(results.throughput);
    if (results.codec) printCodec(results.codec);
    printSizes(results.sizes);
    if (results.memory) printMemory(results.memory);
    if (results.app) printApp(results.app);
    // MQTT.js failing is a finding to report, not a broken benchmark; ours or the reference failing is.
    const failed = (results.throughput ?? []).some((r) => r.runs.wasmqtt.includes(null) || r.runs['bare WebSocket'].includes(null));
    if (failed) throw new Error('a wasmqtt or bare WebSocket run failed (see the page lines above)');
  } finally {
    server.stop();
    broker.stop();
  }
}

main().catch((e) => { console.error(e.message); process.exit(1); });
