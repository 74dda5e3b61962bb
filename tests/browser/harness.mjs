// Test harness for the browser client: a real mosquitto (WebSocket listener on a free
// loopback port), a static server for the repository (so pages import pkg/ exactly as a user
// would), and Debian's headless Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve } from 'node:path';
import { createServer as netServer } from 'node:net';
import { chromium } from 'playwright-core';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

export function freePort() {
  return new Promise((ok, fail) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Starts mosquitto with a WebSocket listener; resolves when it logs that it is running. */
export async function startMosquitto(extra = '') {
  const dir = mkdtempSync(join(tmpdir(), 'wasmqtt-browser-'));
  const ws = await freePort();
  // mosquitto 2.0.11 exits ("Unable to start any listening sockets") when its only listener
  // is a WebSocket one, so a TCP listener comes along.
  const tcp = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    'user root', 'per_listener_settings false', 'allow_anonymous true', 'log_dest stderr',
    'persistence true', `persistence_location ${dir}/`, extra,
    `listener ${tcp} 127.0.0.1`,
    `listener ${ws} 127.0.0.1`, 'protocol websockets', '',
  ].join('\n'));
  const bin = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((ok, fail) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`mosquitto did not start:\n${log}`)), 10000);
    child.stderr.on('data', (d) => {
      log += d;
      if (log.includes(' running')) { clearTimeout(timer); ok(); }
    });
    child.on('exit', (code) => fail(new Error(`mosquitto exited ${code}:\n${log}`)));
  });
  child.stderr.resume();
  return { url: `ws://127.0.0.1:${ws}/mqtt`, port: ws, tcpPort: tcp, stop: () => child.kill('SIGKILL') };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves the repository root over HTTP on a free port. */
export async function startServer() {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(ROOT) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/** Launches headless Chromium with the flags this machine needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** A page with the package loaded as `window.wasmqtt`. */
export async function openPage(browser, origin) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${origin}/tests/browser/page.html`);
  await page.waitForFunction(() => window.wasmqttReady === true, null, { timeout: 10000 });
  page.errors = errors;
  return page;
}

/** The test page under a CSP that forbids workers: timers must fall back to the main thread. */
export async function openPageWithoutWorkers(browser, origin) {
  const page = await browser.newPage();
  await page.goto(`${origin}/tests/browser/page-no-workers.html`);
  await page.waitForFunction(() => window.wasmqttReady === true, null, { timeout: 10000 });
  return page;
}
