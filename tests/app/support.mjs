// Shared by the app's end-to-end files: one mosquitto, the static server and Chromium per
// file, and a fresh page (its own browser context, so its own localStorage) per test.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startMosquitto, startServer, launchBrowser, ROOT } from '../browser/harness.mjs';

/** Where the tests leave screenshots for people to look at. */
export const SHOTS = join(ROOT, 'target', 'screenshots');

/** The running broker, server and browser (set once `useApp`'s `before` has run). */
export const fixtures = {};

/** Starts the fixtures before the file's tests and stops them after. */
export function useApp() {
  before(async () => {
    fixtures.broker = await startMosquitto();
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

/** Waits until the page's connection is up. */
export async function connected(page) {
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
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
