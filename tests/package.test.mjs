// The npm package in pkg/ as npm would publish it, and the no-build example using it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startMosquitto, startServer, launchBrowser, ROOT } from './browser/harness.mjs';

test('npm pack lists exactly the intended files, with metadata from Cargo.toml', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: `${ROOT}/pkg`, stdio: ['ignore', 'pipe', 'ignore'] });
  const [packed] = JSON.parse(out);
  const files = packed.files.map((f) => f.path.replace(/snippets\/wasmqtt-[0-9a-f]+\//, 'snippets/<crate>/')).sort();
  assert.deepEqual(files, [
    'LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json',
    'snippets/<crate>/inline0.js', 'wasmqtt.d.ts', 'wasmqtt.js', 'wasmqtt_bg.wasm',
  ]);
  const pkg = JSON.parse(readFileSync(`${ROOT}/pkg/package.json`, 'utf8'));
  const cargo = readFileSync(`${ROOT}/Cargo.toml`, 'utf8');
  const version = cargo.match(/^\[package\][^[]*?^version = "([^"]+)"/m)[1];
  assert.equal(pkg.name, 'wasmqtt');
  assert.equal(pkg.version, version, 'the Cargo.toml version is the package version');
  assert.equal(pkg.license, 'MIT OR Apache-2.0');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.sideEffects, false);
  assert.deepEqual(pkg.exports['.'], { types: './wasmqtt.d.ts', default: './wasmqtt.js' });
  assert.ok(pkg.keywords.includes('mqtt'));
  assert.match(pkg.repository.url, /^https:\/\//);
});

test('examples/plain-html: one HTML file, no build step, receives its own message', async () => {
  const broker = await startMosquitto();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${server.origin}/examples/plain-html/index.html?broker=${encodeURIComponent(broker.url)}`);
    await page.getByRole('list', { name: 'Messages' }).getByText('examples/plain-html/hello: Hello from plain HTML').waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#status').textContent(), 'connected');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.stop();
    broker.stop();
  }
});
