// The benchmark page: runs by itself (no DevTools protocol: its Network domain would copy
// every WebSocket frame and distort throughput) and reports to the server that served it.
import initCodec, { encodePublishes, decodeStream } from '../dist/codec/wasmqtt_codec_bench.js';
import { parser as mqttPacketParser, generate as mqttPacketGenerate, Buffer } from '../dist/mqtt-packet.js';
import { bareSelfLoop } from './bare.mjs';
import initMqtt5Wasm, * as mqtt5Wasm from '../dist/mqtt5-wasm/mqtt5_wasm_bench.js';

const params = new URL(location.href).searchParams;
// `pkg=` loads another build of the package (bench/profile.mjs: one with function names).
const { default: initWasmqtt, connectAsync: wasmqttConnect } = await import(`../../${params.get('pkg') ?? 'pkg'}/wasmqtt.js`);
const BROKER = params.get('broker');
const REPS = Number(params.get('reps') ?? 5);
const QUICK = params.has('quick');
const SECTIONS = (params.get('sections') ?? 'throughput,codec,memory').split(',');
const RUN_TIMEOUT_MS = QUICK ? 20_000 : 120_000;

async function report(kind, body) {
  await fetch(`/bench-report/${kind}`, { method: 'POST', body: JSON.stringify(body) });
}
const log = (line) => { document.getElementById('log').textContent += `${line}\n`; return report('log', line); };

let clientSeq = 0;
const clientId = (name) => `bench-${name}-${Date.now().toString(36)}-${clientSeq++}`;

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result in ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Subscribe, publish `n`, wait for `n` back: ms from the first publish to the last message. */
async function apiSelfLoop(connect, { url, version, qos, topic, payload, n }, options = {}) {
  const client = await connect(url, { protocolVersion: version, clean: true, reconnectPeriod: 0, keepalive: 60, clientId: clientId('api'), ...options });
  let received = 0;
  let finish;
  const finished = new Promise((ok) => { finish = ok; });
  client.on('message', () => { if (++received === n) finish(performance.now()); });
  await client.subscribeAsync(topic, { qos });
  const started = performance.now();
  for (let i = 0; i < n; i++) client.publish(topic, payload, { qos });
  const ended = await finished;
  await client.endAsync();
  return ended - started;
}

/**
 * The same self-loop with mqtt5-wasm's own API (it has no MQTT.js-shaped one): a callback per
 * subscription, and `publishWithOptions` taking bytes, so the string payload is encoded per
 * publish as its users must. Its promises are not awaited one by one, like the others' calls.
 */
async function mqtt5WasmSelfLoop({ url, version, qos, topic, payload, n }) {
  const options = new mqtt5Wasm.ConnectOptions();
  options.protocolVersion = version;
  options.cleanStart = true;
  options.keepAlive = 60;
  const client = new mqtt5Wasm.MqttClient(clientId('mqtt5-wasm'));
  try {
    await client.connectWithOptions(url, options);
    let received = 0;
    let finish;
    let fail;
    const finished = new Promise((ok, no) => { finish = ok; fail = no; });
    const subscribeOptions = new mqtt5Wasm.SubscribeOptions();
    subscribeOptions.qos = qos;
    await client.subscribeWithOptions(topic, () => { if (++received === n) finish(performance.now()); }, subscribeOptions);
    const publishOptions = new mqtt5Wasm.PublishOptions();
    publishOptions.qos = qos;
    const encoder = new TextEncoder();
    const started = performance.now();
    for (let i = 0; i < n; i++) client.publishWithOptions(topic, encoder.encode(payload), publishOptions).catch(fail);
    const ended = await finished;
    return ended - started;
  } finally {
    await client.disconnect().catch(() => {});
    client.free();
  }
}

const CLIENTS = {
  wasmqtt: (run) => apiSelfLoop(wasmqttConnect, run, { queueLimit: 1_000_000 }),
  'MQTT.js': (run) => apiSelfLoop(window.mqtt.connectAsync, run),
  'mqtt5-wasm': mqtt5WasmSelfLoop,
  'bare WebSocket': (run) => bareSelfLoop({ ...run, payload: new TextEncoder().encode(run.payload), clientId: clientId('bare') }),
};

async function throughput() {
  const results = [];
  const configs = [];
  for (const version of [5, 4]) {
    for (const qos of [0, 1, 2]) {
      for (const size of [16, 1024]) {
        const n = QUICK ? (qos === 2 ? 200 : 500) : (qos === 2 ? 5_000 : 20_000);
        // `only=5/1` (version/QoS/size prefixes) narrows the runs while working on one case.
        if (!`${version}/${qos}/${size}`.startsWith(params.get('only') ?? '')) continue;
        configs.push({ version, qos, size, n });
      }
    }
  }
  const names = Object.keys(CLIENTS).filter((n) => !params.get('clients') || params.get('clients').split(',').includes(n));
  // Warm-up (not reported): every client once, so no measured rep pays for JIT compilation.
  for (const name of names) {
    await withTimeout(CLIENTS[name]({ url: BROKER, version: 5, qos: 1, topic: `bench/warm/${clientSeq}`, payload: 'x'.repeat(16), n: 500 }), name);
  }
  for (const config of configs) {
    const payload = 'x'.repeat(config.size);
    const runs = Object.fromEntries(names.map((name) => [name, []]));
    for (let rep = 0; rep < REPS; rep++) {
      // Alternate the order rep by rep, so a drift in the machine's load hits every client.
      const order = names.map((_, i) => names[(i + rep) % names.length]);
      for (const name of order) {
        const topic = `bench/${config.version}/${config.qos}/${config.size}/${clientSeq}`;
        let rate = null;
        try {
          const ms = await withTimeout(CLIENTS[name]({ url: BROKER, topic, payload, ...config }), name);
          rate = config.n / (ms / 1000);
        } catch (e) {
          await log(`  ${name} failed: ${e.message}`);
        }
        runs[name].push(rate);
      }
    }
    results.push({ ...config, runs });
    const median = (xs) => { const s = xs.filter((x) => x !== null).sort((a, b) => a - b); return s.length ? Math.round(s[s.length >> 1]) : null; };
    await log(`v${config.version} QoS ${config.qos} ${config.size} B: ${names.map((n) => `${n} ${median(runs[n])}`).join(', ')} msg/s`);
  }
  return results;
}

async function codec() {
  const count = QUICK ? 10_000 : 100_000;
  const topic = 'bench/sensor/temperature';
  const payload = new Uint8Array(64).fill(7);
  const results = { count, wasmqtt: { encode: [], decode: [] }, 'mqtt-packet': { encode: [], decode: [] } };
  const stream = encodePublishes(count, topic, payload, 'source', 'bench');
  const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, messageId: 1, dup: false, retain: false, properties: { userProperties: { source: 'bench' } } };
  for (let rep = 0; rep < REPS; rep++) {
    let t = performance.now();
    const bytes = encodePublishes(count, topic, payload, 'source', 'bench');
    results.wasmqtt.encode.push(count / ((performance.now() - t) / 1000));
    if (bytes.length !== stream.length) throw new Error('wasmqtt encoded a different stream');
    t = performance.now();
    const decoded = decodeStream(stream);
    results.wasmqtt.decode.push(count / ((performance.now() - t) / 1000));
    if (decoded !== count) throw new Error(`wasmqtt decoded ${decoded} of ${count}`);

    t = performance.now();
    let length = 0;
    for (let i = 0; i < count; i++) {
      packet.messageId = (i % 65535) + 1;
      length += mqttPacketGenerate(packet, { protocolVersion: 5 }).length;
    }
    results['mqtt-packet'].encode.push(count / ((performance.now() - t) / 1000));
    if (length !== stream.length) throw new Error(`mqtt-packet encoded ${length} bytes, wasmqtt ${stream.length}`);
    const p = mqttPacketParser({ protocolVersion: 5 });
    let parsed = 0;
    p.on('packet', () => { parsed++; });
    p.on('error', (e) => { throw e; });
    const chunks = Buffer.from(stream.buffer, stream.byteOffset, stream.length);
    t = performance.now();
    for (let at = 0; at < chunks.length; at += 16 * 1024) p.parse(chunks.subarray(at, at + 16 * 1024));
    results['mqtt-packet'].decode.push(count / ((performance.now() - t) / 1000));
    if (parsed !== count) throw new Error(`mqtt-packet decoded ${parsed} of ${count}`);
  }
  results.bytes = stream.length;
  await log(`codec: ${count} PUBLISH packets, ${stream.length} bytes`);
  return results;
}

/** The JS heap after full collections (one may leave garbage the next one finds). */
async function heap() {
  for (let i = 0; i < 3; i++) {
    window.gc?.();
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return performance.memory?.usedJSHeapSize ?? 0;
}

/** JS heap and wasm memory: connected, peak while receiving, after release, after reconnects. */
async function memory(wasmMemory) {
  const n = QUICK ? 2_000 : 100_000;
  const cycles = QUICK ? 20 : 1_000;
  const out = {};
  const connects = { wasmqtt: (o) => wasmqttConnect(BROKER, { ...o, queueLimit: 1_000_000 }), 'MQTT.js': (o) => window.mqtt.connectAsync(BROKER, o) };
  const only = params.get('client');
  for (const [name, connect] of Object.entries(connects).filter(([n]) => !only || n === only)) {
    const wasm = () => (name === 'wasmqtt' ? wasmMemory.buffer.byteLength : 0);
    const base = await heap();
    const baseWasm = wasm();
    let client = await connect({ protocolVersion: 5, clean: true, reconnectPeriod: 0, clientId: clientId('mem') });
    const connectedHeap = (await heap()) - base;
    const connectedWasm = wasm() - baseWasm;
    const wasmTotal = name === 'wasmqtt' ? wasmMemory.buffer.byteLength : 0;
    const topic = `bench/mem/${clientSeq}`;
    let received = 0;
    let peak = 0;
    let finish;
    const finished = new Promise((ok) => { finish = ok; });
    client.on('message', () => {
      received++;
      if (received % 1000 === 0) peak = Math.max(peak, performance.memory.usedJSHeapSize - base);
      if (received === n) finish();
    });
    await client.subscribeAsync(topic, { qos: 0 });
    for (let i = 0; i < n; i++) client.publish(topic, 'x'.repeat(16), { qos: 0 });
    await withTimeout(finished, `${name} memory`);
    const peakWasm = wasm() - baseWasm;
    await client.endAsync();
    client = null;
    const releasedHeap = (await heap()) - base;
    const beforeCycles = await heap();
    const beforeCyclesWasm = wasm();
    for (let i = 0; i < cycles; i++) {
      const c = await connect({ protocolVersion: 5, clean: true, reconnectPeriod: 0, clientId: clientId('cycle') });
      await c.endAsync();
    }
    out[name] = {
      connectedHeap, connectedWasm, wasmTotal, peakHeap: peak, peakWasm, releasedHeap,
      cycles, cyclesHeap: (await heap()) - beforeCycles, cyclesWasm: wasm() - beforeCyclesWasm, messages: n,
    };
    await log(`memory ${name}: ${JSON.stringify(out[name])}`);
  }
  return out;
}

async function main() {
  const wasm = await initWasmqtt();
  await initCodec();
  await initMqtt5Wasm();
  const results = { userAgent: navigator.userAgent, reps: REPS, quick: QUICK };
  if (SECTIONS.includes('throughput')) results.throughput = await throughput();
  if (SECTIONS.includes('codec')) results.codec = await codec();
  if (SECTIONS.includes('memory')) results.memory = await memory(wasm.memory);
  await report('done', results);
}

main().catch((e) => report('error', `${e.stack ?? e}`));
