// Completes the package.json wasm-pack generated in pkg/ (name, version, description, license,
// repository and keywords come from Cargo.toml) with what wasm-pack does not write: an exports
// map for bundlers and browsers, sideEffects, the license files, homepage and bugs.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../pkg/package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(path, 'utf8'));
const repo = pkg.repository?.url ?? '';
const complete = {
  ...pkg,
  homepage: `${repo}#readme`,
  bugs: { url: `${repo}/issues` },
  main: 'wasmqtt.js',
  module: 'wasmqtt.js',
  types: 'wasmqtt.d.ts',
  exports: {
    '.': { types: './wasmqtt.d.ts', default: './wasmqtt.js' },
    './wasmqtt_bg.wasm': './wasmqtt_bg.wasm',
    './package.json': './package.json',
  },
  // Importing the module runs nothing with an effect outside it: the wasm starts in init(),
  // the rest defines functions and tables.
  sideEffects: false,
  files: ['wasmqtt_bg.wasm', 'wasmqtt.js', 'wasmqtt.d.ts', 'LICENSE-MIT', 'LICENSE-APACHE'],
};
writeFileSync(path, `${JSON.stringify(complete, null, 2)}\n`);
