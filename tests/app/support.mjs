// Shared by the app's end-to-end files: one mosquitto, the static server and Chromium per
// file, and a fresh page (its own browser context, so its own localStorage) per test.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { once } from 'node:events';
import { startMosquitto, startServer, launchBrowser, mqttString, mqttPacket, ROOT } from '../browser/harness.mjs';

/** Where the tests leave screenshots for people to look at. */
export const SHOTS = join(ROOT, 'target', 'screenshots');

/** The running broker, server and browser (set once `useApp`'s `before` has run). */
export const fixtures = {};

/** Starts the fixtures before the file's tests and stops them after; `brokerConfig` adds
 *  lines to mosquitto's configuration. */
export function useApp(brokerConfig = '') {
  before(async () => {
    fixtures.broker = await startMosquitto(brokerConfig);
    fixtures.server = await startServer();
    fixtures.browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await fixtures.browser?.close();
    fixtures.server?.stop();
    fixtures.broker?.stop();
  });
}

/** Opens the app against the broker, recording page errors (`page.errors`) and CSP
 *  violations (`window.cspViolations`). `record(page)` runs before navigation. */
export async function openApp(record = () => {}) {
  const { browser, server, broker } = fixtures;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  record(page);
  await page.goto(`${server.origin}/www/dist/index.html?broker=${encodeURIComponent(broker.url)}`);
  page.errors = errors;
  return page;
}

/** MQTT 3.1.1 over TCP, by hand: a burst of QoS 0 messages on `topic` from outside the page. */
export async function publishBurst(topic, payloads) {
  const socket = tcpConnect(fixtures.broker.tcpPort, '127.0.0.1');
  await once(socket, 'connect');
  // Packets may follow CONNECT before its CONNACK [MQTT-3.1.4-5 in 3.1.1's wording].
  const connect = mqttPacket(0x10, Buffer.concat([mqttString('MQTT'), Buffer.from([4, 2, 0, 60]), mqttString(`burst-${Date.now()}`)]));
  const publishes = payloads.map((p) => mqttPacket(0x30, Buffer.concat([mqttString(topic), Buffer.from(p)])));
  socket.end(Buffer.concat([connect, ...publishes, Buffer.from([0xe0, 0])]));
  socket.resume(); // the CONNACK is read and dropped, so that the close can complete
  await once(socket, 'close');
}

/** Waits until the page's connection is up. */
export async function connected(page) {
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
}

/** Waits for the connection, disconnects it and opens its form; returns the form. */
export async function editConnection(page) {
  await connected(page);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  return page.getByRole('form', { name: 'Connection settings' });
}

/** Subscribes to `filter` at QoS 0 through the Subscriptions pane and waits for SUBACK. */
export async function subscribeTo(page, filter) {
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill(filter);
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText('granted QoS 0').first().waitFor();
}

/** Subscribes to `filter` at QoS 0 and sends one message to `topic` through the app's
 *  forms, then waits for it to come back: the app's whole loop, once. */
export async function echoOnce(page, filter, topic) {
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill(filter);
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText(/granted QoS 0/).waitFor();
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill(topic);
  await publish.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('region', { name: 'Messages' }).locator('.message.received').waitFor();
}
