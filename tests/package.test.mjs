// The npm package in pkg/ as npm would publish it, and the no-build example using it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { startMosquitto, startServer, launchBrowser, ROOT } from './browser/harness.mjs';

test('npm pack lists exactly the intended files, with metadata from Cargo.toml', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: `${ROOT}/pkg`, stdio: ['ignore', 'pipe', 'ignore'] });
  const [packed] = JSON.parse(out);
  // The JS is one module: the glue and its snippets bundled (build_pkg).
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json', 'wasmqtt.d.ts', 'wasmqtt.js', 'wasmqtt_bg.wasm',
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

/** Opens examples/`path` against a fresh mosquitto (named in ?broker=) and runs `check`. */
async function withExample(path, check) {
  const broker = await startMosquitto();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${server.origin}/examples/${path}?broker=${encodeURIComponent(broker.url)}`);
    await check(page, errors);
  } finally {
    await browser.close();
    server.stop();
    broker.stop();
  }
}

test('examples/plain-html: one HTML file, no build step, receives its own message', async () => {
  await withExample('plain-html/index.html', async (page, errors) => {
    await page.getByRole('list', { name: 'Messages' }).getByText('examples/plain-html/hello: Hello from plain HTML').waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#status').textContent(), 'connected');
    assert.deepEqual(errors, []);
  });
});

test('examples/dashboard: live values with sparklines, online from retained status, a crash shows offline by will, Ping answered by request/response', async () => {
  await withExample('dashboard/dist/index.html', async (page, errors) => {
    const sensors = page.getByRole('main', { name: 'Sensors' });
    for (const id of ['sensor-1', 'sensor-2', 'sensor-3']) {
      await sensors.getByRole('region', { name: id }).locator('.status[data-state="online"]').waitFor({ timeout: 15000 });
    }
    const one = sensors.getByRole('region', { name: 'sensor-1' });
    // Values keep coming: the sparkline grows point by point.
    await page.waitForFunction(() => {
      const points = document.querySelector('[aria-label="sensor-1"] polyline')?.getAttribute('points') ?? '';
      return points.split(' ').length >= 3;
    }, null, { timeout: 10000 });
    assert.match(await one.locator('.value').textContent(), /^\d+\.\d\d °C$/);
    await one.getByRole('button', { name: 'Ping' }).click();
    await one.getByRole('status').getByText('pong from sensor-1').waitFor({ timeout: 5000 });
    const two = sensors.getByRole('region', { name: 'sensor-2' });
    await two.getByRole('button', { name: 'Crash' }).click();
    await two.locator('.status[data-state="offline"]').waitFor({ timeout: 10000 });
    assert.equal(await one.locator('.status').textContent(), 'online', 'the others stay online');
    mkdirSync(`${ROOT}/target/screenshots`, { recursive: true });
    await page.screenshot({ path: `${ROOT}/target/screenshots/example-dashboard.png` });
    assert.deepEqual(errors, []);
  });
});

test('examples/leptos: the crate from a Leptos component (the Rust path) receives what it publishes', async () => {
  await withExample('leptos/dist/index.html', async (page, errors) => {
    await page.locator('#status').getByText('connected').waitFor({ timeout: 10000 });
    await page.getByRole('textbox', { name: 'Payload' }).fill('Hello from Rust');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('list', { name: 'Messages' }).getByText('examples/leptos/hello: Hello from Rust').waitFor({ timeout: 10000 });
    assert.equal(await page.getByRole('list', { name: 'Messages' }).getByRole('listitem').count(), 1, 'delivered once');
    assert.deepEqual(errors, []);
  });
});
