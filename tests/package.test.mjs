// The npm package in pkg/ as npm would publish it, and the no-build example using it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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

test('the module loads its wasm as it is imported; served apart from it, connect names the cause and init(url) mends it', async () => {
  // The module alone in a folder of its own, its wasm left in pkg/.
  const apart = `${ROOT}/target/package-apart`;
  rmSync(apart, { recursive: true, force: true });
  mkdirSync(apart, { recursive: true });
  copyFileSync(`${ROOT}/pkg/wasmqtt.js`, `${apart}/wasmqtt.js`);
  const broker = await startMosquitto();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/tests/browser/page-blank.html`);
    const got = await page.evaluate(async (url) => {
      // As an MQTT.js program: the import, then connect; no init().
      const beside = await import('/pkg/wasmqtt.js');
      const client = await beside.connectAsync(url);
      const connected = client.connected;
      await client.endAsync();
      const moved = await import('/target/package-apart/wasmqtt.js');
      let refused;
      try { moved.connect(url); } catch (e) { refused = `${e.name}: ${e.message}`; }
      const rejected = await moved.connectAsync(url).then(() => 'resolved', (e) => e.name);
      await moved.default({ module_or_path: '/pkg/wasmqtt_bg.wasm' });
      const mended = await moved.connectAsync(url);
      const after = mended.connected;
      await mended.endAsync();
      return { connected, refused, rejected, after };
    }, broker.url);
    assert.equal(got.connected, true);
    assert.match(got.refused, /^MqttUsageError: wasmqtt's wasm could not be loaded next to the module \(.+\); serve wasmqtt_bg\.wasm there, or call init\(\{ module_or_path: url \}\) first/);
    assert.equal(got.rejected, 'MqttUsageError');
    assert.equal(got.after, true);
  } finally {
    await browser.close();
    server.stop();
    broker.stop();
  }
});

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
