// End-to-end: the app-wide settings (MQTTX's Settings page): how many messages a connection
// keeps, resubscribing after an automatic reconnect, and giving up after so many reconnect
// attempts. The broker is killed and restarted here, so these tests have their own file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, publishBurst, connected, editConnection, subscribeTo, fixtures } from './support.mjs';

useApp();

/** Sets one of the Settings group's fields (applied when the field is left). */
async function setting(page, label, value) {
  const field = page.getByRole('group', { name: 'Settings' }).getByLabel(label, { exact: true });
  if (typeof value === 'boolean') await (value ? field.check() : field.uncheck());
  else {
    await field.fill(String(value));
    await field.press('Tab');
  }
}

test('Message Limit: a connection keeps the newest so many, in memory and across a reload', async () => {
  const page = await openApp();
  await connected(page);
  await setting(page, 'Message Limit', 50);
  await subscribeTo(page, 'lim/#');
  await publishBurst('lim/t', Array.from({ length: 120 }, (_, i) => `n${i}`));
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.locator('.message.received', { hasText: 'n119' }).waitFor({ timeout: 10000 });
  await messages.getByText('50 messages', { exact: true }).waitFor();
  await page.reload();
  await connected(page);
  await messages.getByText('50 messages', { exact: true }).waitFor({ timeout: 10000 });
  assert.equal(await page.getByRole('group', { name: 'Settings' }).getByLabel('Message Limit').inputValue(), '50');
  await messages.locator('.message-list').evaluate((e) => { e.scrollTop = 0; });
  await messages.locator('.message.received', { hasText: 'n70' }).waitFor();
  assert.equal(await messages.locator('.message', { hasText: /^n69$/ }).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Auto Resubscribe: after the broker lost the session, subscriptions are made again only when on', async () => {
  const page = await openApp();
  await connected(page);
  await subscribeTo(page, 'resub/#');
  await page.getByRole('tab', { name: 'Packets' }).click();
  const packets = page.getByRole('region', { name: 'Packets' });
  const subscribes = () => packets.getByRole('row', { name: /^sent SUBSCRIBE/ }).count();
  const restartBroker = async () => {
    await fixtures.broker.kill('SIGKILL');
    fixtures.broker = await fixtures.broker.restart();
    await page.getByRole('status').getByText(/^Reconnecting/).waitFor({ timeout: 10000 });
    await connected(page);
  };
  assert.equal(await subscribes(), 1);
  await restartBroker();
  await packets.getByRole('row', { name: /^sent SUBSCRIBE/ }).nth(1).waitFor({ timeout: 5000 });
  await setting(page, 'Auto Resubscribe', false);
  // The setting applies from the next Connect.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await connected(page);
  const afterConnect = await subscribes();
  await restartBroker();
  // Reconnected: a SUBSCRIBE would have left with the CONNACK's answer, in the same frame.
  await page.getByRole('tab', { name: 'Messages' }).click();
  await page.getByRole('tab', { name: 'Packets' }).click();
  assert.equal(await subscribes(), afterConnect, 'no SUBSCRIBE after the automatic reconnect');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Max Reconnect Attempts: with the broker gone, the connection gives up after so many', async () => {
  const page = await openApp();
  await setting(page, 'Max Reconnect Attempts', 2);
  const form = await editConnection(page);
  await form.getByLabel('Reconnect Period (ms)', { exact: true }).fill('100');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await connected(page);
  await fixtures.broker.kill('SIGKILL');
  const status = page.getByRole('status');
  await status.getByText(/^Reconnecting/).waitFor({ timeout: 10000 });
  await status.getByText(/^Disconnected: /).waitFor({ timeout: 15000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});
