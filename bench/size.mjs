// What the package weighs, and where the bytes are: gzip -9 and brotli of pkg/ and of the core
// behind a minimal interface (bench/size-core), then the package's code by crate and module
// from the function names of the unoptimised wasm (before wasm-opt; the shares carry over).
//   node bench/size.mjs        (scripts/size builds what it reads)
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressed, scripts } from './compressed.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A LEB128 reader over `bytes`. */
function reader(bytes) {
  let at = 0;
  const u32 = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
      shift += 7;
    }
  };
  return { u32, skip: (n) => { at += n; }, get at() { return at; }, set at(v) { at = v; }, done: () => at >= bytes.length };
}

/** Body size of every defined function, by name, and the data segments' total. */
function functionSizes(bytes) {
  const r = reader(bytes);
  r.skip(8);
  let imported = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  while (!r.done()) {
    const id = bytes[r.at];
    r.skip(1);
    const size = r.u32();
    const end = r.at + size;
    if (id === 2) {
      // Imports: count the functions, whose indices come before the defined ones.
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.skip(r.u32());
        r.skip(r.u32());
        const kind = bytes[r.at];
        r.skip(1);
        if (kind === 0) { r.u32(); imported++; }
        else if (kind === 1) { r.skip(1); const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); }
        else if (kind === 2) { const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); }
        else if (kind === 3) r.skip(2);
        else r.u32();
      }
    } else if (id === 10) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const len = r.u32();
        bodies.push(len);
        r.skip(len);
      }
    } else if (id === 11) {
      data = size;
    } else if (id === 0) {
      const nameLen = r.u32();
      const name = new TextDecoder().decode(bytes.subarray(r.at, r.at + nameLen));
      r.skip(nameLen);
      if (name === 'name') {
        while (r.at < end) {
          const sub = bytes[r.at];
          r.skip(1);
          const subSize = r.u32();
          const subEnd = r.at + subSize;
          if (sub === 1) {
            const count = r.u32();
            for (let i = 0; i < count; i++) {
              const index = r.u32();
              const len = r.u32();
              names.set(index, new TextDecoder().decode(bytes.subarray(r.at, r.at + len)));
              r.skip(len);
            }
          }
          r.at = subEnd;
        }
      }
    }
    r.at = end;
  }
  return { functions: bodies.map((size, i) => ({ size, name: names.get(imported + i) ?? `function ${imported + i}` })), data };
}

/** A legacy-mangled Rust symbol (`_ZN...E`) as a path; other names as they are. */
function demangle(symbol) {
  const m = /^_ZN(.*)E$/.exec(symbol);
  if (!m) return symbol;
  let rest = m[1];
  const parts = [];
  for (let d = /^\d+/.exec(rest); d; d = /^\d+/.exec(rest)) {
    const n = Number(d[0]);
    parts.push(rest.slice(d[0].length, d[0].length + n).replace(/^_\$/, '$'));
    rest = rest.slice(d[0].length + n);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  const escapes = { LT: '<', GT: '>', RF: '&', C: ',', BP: '*', SP: '@', u20: ' ', u27: "'", u5b: '[', u5d: ']', u7b: '{', u7d: '}', u7e: '~' };
  return parts.join('::').replace(/\$([A-Za-z0-9]+)\$/g, (all, e) => escapes[e] ?? all).replace(/\.\./g, '::');
}

/** Where a function belongs: a module of wasmqtt, core::fmt, the allocator, or its crate. */
function part(symbol) {
  const name = demangle(symbol);
  if (/dlmalloc|talc|__rdl_|__rust_(alloc|dealloc|realloc)/.test(name)) return 'allocator (talc, or std\'s dlmalloc)';
  if (name.startsWith('__wbg_') || name.startsWith('__wbindgen') || name.includes('wasm_bindgen')) return 'wasm-bindgen runtime and imports';
  if (name.startsWith('_R')) return 'std and core (v0 symbols)';
  // The first path in the name: an impl's type (`<wasmqtt::codec::Packet as Clone>`) counts
  // for the type's module.
  const path = /[a-z_][a-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*/.exec(name.replace(/^<(&(mut )?|\[)?/, ''))?.[0] ?? name;
  const segments = path.split('::');
  if (segments[0] === 'wasmqtt') return segments.slice(0, 2).join('::');
  if (segments[0] === 'core' && segments[1] === 'fmt') return 'core::fmt';
  if (['sha2', 'hmac', 'pbkdf2', 'digest', 'block_buffer', 'crypto_common'].includes(segments[0])) return 'sha2, hmac, pbkdf2 (SCRAM)';
  return segments[0];
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const row = (name, s) => `| ${name} | ${s.raw.toLocaleString('en-US')} | ${s.gzip.toLocaleString('en-US')} | ${s.brotli.toLocaleString('en-US')} |`;

const pkg = compressed(['pkg/wasmqtt_bg.wasm', 'pkg/wasmqtt.js', ...scripts('pkg/snippets')]);
const pkgWasm = compressed(['pkg/wasmqtt_bg.wasm']);
const core = compressed(['target/size-core/pkg/wasmqtt_size_core_bg.wasm', 'target/size-core/pkg/wasmqtt_size_core.js']);
const coreWasm = compressed(['target/size-core/pkg/wasmqtt_size_core_bg.wasm']);
const minJs = existsSync(join(ROOT, 'bench/node_modules/mqtt/dist/mqtt.min.js')) ? compressed(['bench/node_modules/mqtt/dist/mqtt.min.js']) : null;

console.log('## Size of the package and of its core, bytes (each file compressed on its own)\n');
console.log('| | raw | gzip -9 | brotli 11 |');
console.log('|---|---|---|---|');
console.log(row('package (pkg/: wasm, JS glue, snippets)', pkg));
console.log(row('  its wasm', pkgWasm));
console.log(row('core behind a minimal interface (wasm + glue)', core));
console.log(row('  its wasm', coreWasm));
if (minJs) console.log(row('MQTT.js mqtt.min.js', minJs));
console.log(`\nThe MQTT.js-shaped API layer (options, packet objects, errors, listeners, store, timers, SCRAM): ${(pkg.gzip - core.gzip).toLocaleString('en-US')} B gzip of ${pkg.gzip.toLocaleString('en-US')}.`);
if (minJs) console.log(`Package ÷ mqtt.min.js, gzip: ${(100 * pkg.gzip / minJs.gzip).toFixed(1)} % (budget 40 %, 42 KB).`);

/** The code of one unoptimised wasm file by part, and its largest functions. */
function breakdown(title, file) {
  const all = functionSizes(readFileSync(join(ROOT, file)));
  // wasm-bindgen reads its `describe` functions and removes them: they never ship.
  const functions = all.functions.filter((f) => !/__wbindgen_describe|wasm_bindgen::describe::WasmDescribe/.test(demangle(f.name)));
  const byPart = new Map();
  for (const f of functions) {
    const p = part(f.name);
    byPart.set(p, (byPart.get(p) ?? 0) + f.size);
  }
  const code = functions.reduce((n, f) => n + f.size, 0);
  console.log(`\n## ${title}'s unoptimised wasm by part: code ${kib(code)}, data ${kib(all.data)}\n`);
  console.log('| part | code | share |');
  console.log('|---|---|---|');
  for (const [p, size] of [...byPart].sort((a, b) => b[1] - a[1]).filter(([, s]) => s >= 1024)) {
    console.log(`| ${p} | ${kib(size)} | ${(100 * size / code).toFixed(1)} % |`);
  }
  console.log('\nLargest functions:\n');
  for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, 12)) console.log(`- ${kib(f.size)} ${demangle(f.name)}`);
}

breakdown('The package', 'target/wasm32-unknown-unknown/release/wasmqtt.wasm');
breakdown('The core', 'target/size-core/wasm32-unknown-unknown/release/wasmqtt_size_core.wasm');
