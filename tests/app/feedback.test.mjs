// End-to-end: what the app tells about what it cannot show at once: unread counts on the
// connections not in view, and a subscription the broker refuses, with the broker's reason.
// The broker refuses subscriptions to denied/ itself (SUBACK 0x87 Not authorized under MQTT
// 5), through the test plugin's deny_subscribe option: mosquitto 2.0.11's acl_file grants
// every subscription and only filters what is delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../browser/harness.mjs';
import { useApp, openApp, connected, subscribeTo, publishBurst, SHOTS } from './support.mjs';

const plugin = execFileSync('bash', [join(ROOT, 'tests/scram_plugin/build.sh')]).toString().trim();
useApp(`plugin ${plugin}\nplugin_opt_deny_subscribe denied/`);

test('a subscription the broker refuses says so, with its reason, and nothing is granted', async () => {
  const page = await openApp();
  await connected(page);
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill('denied/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  const row = subscriptions.locator('li', { hasText: 'denied/#' });
  await row.getByText(/refused:/).waitFor();
  assert.match(await row.locator('.outcome').textContent(), /refused: .*not authori[sz]ed/i);
  assert.equal(await row.getByText(/granted QoS/).count(), 0);
  // Marked at a glance too: the reason in the danger colour.
  assert.equal(await row.locator('.outcome').evaluate((e) => getComputedStyle(e).color), 'rgb(214, 69, 69)');
  await page.screenshot({ path: join(SHOTS, 'app-refused.png') });
  assert.deepEqual(page.errors, []);
});

test('messages to a connection not in view are counted on it, and the count clears when it is opened', async () => {
  const page = await openApp();
  await connected(page);
  await subscribeTo(page, 'feedback/#');
  const connections = page.getByRole('navigation').locator('.connection-list');
  const local = connections.getByRole('button', { name: /Local mosquitto/ });
  const unread = local.locator('.unread');
  // Another connection in view: what the first receives is counted, not shown.
  await page.getByRole('button', { name: 'New Connection' }).click();
  await connections.getByRole('button').nth(1).waitFor();
  await publishBurst('feedback/t', ['1', '2', '3']);
  await unread.getByText('3', { exact: true }).waitFor();
  assert.equal(await unread.isVisible(), true);
  await page.screenshot({ path: join(SHOTS, 'app-unread.png') });
  await local.click();
  await page.getByRole('region', { name: 'Messages' }).getByText('3 messages').waitFor();
  assert.equal(await unread.isVisible(), false, 'opened: nothing unread');
  // In view, arrivals are not counted as unread.
  await publishBurst('feedback/t', ['4']);
  await page.getByRole('region', { name: 'Messages' }).getByText('4 messages').waitFor();
  assert.equal(await unread.isVisible(), false);
  assert.deepEqual(page.errors, []);
});
