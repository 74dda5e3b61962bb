// End-to-end: what a subscription row does beyond the protocol: its colour on the messages it
// brought, an alias, a click that shows only its messages, and enable/disable (unsubscribed
// at the broker, kept in the list and across a reload).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useApp, openApp, SHOTS } from './support.mjs';

useApp();

test('subscriptions: colour bars, alias, click to filter, disable and enable, kept across a reload', async () => {
  const page = await openApp();
  const status = page.getByRole('status');
  await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  const subscribe = async (topic, fields = {}) => {
    await subscriptions.getByLabel('Topic', { exact: true }).fill(topic);
    if (fields.alias) await subscriptions.getByLabel('Alias', { exact: true }).fill(fields.alias);
    if (fields.color) await subscriptions.getByLabel('Color', { exact: true }).fill(fields.color);
    await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  };
  await subscribe('look/a/#', { alias: 'Alpha', color: '#ff0000' });
  await subscribe('look/b/#');
  await subscriptions.getByText('granted QoS 0').nth(1).waitFor();
  await subscriptions.getByRole('button', { name: 'Show only look/a/#' }).getByText('Alpha').waitFor();

  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  const send = async (topic, payload) => {
    await publish.getByLabel('Topic', { exact: true }).fill(topic);
    await publish.getByLabel('Payload', { exact: true }).fill(payload);
    await publish.getByRole('button', { name: 'Send' }).click();
  };
  const messages = page.getByRole('region', { name: 'Messages' });
  const received = (payload) => messages.locator('.message.received', { hasText: payload });
  await send('look/a/1', 'a-one');
  await send('look/b/1', 'b-one');
  await received('b-one').waitFor();
  const bar = (payload) => received(payload).evaluate((e) => getComputedStyle(e).borderLeftColor);
  assert.equal(await bar('a-one'), 'rgb(255, 0, 0)', 'the colour chosen for look/a/#');
  assert.equal(await bar('b-one'), 'rgb(59, 130, 246)', 'the second colour in turn for look/b/#');

  // Click to filter: only look/a messages, received and published.
  await subscriptions.getByRole('button', { name: 'Show only look/a/#' }).click();
  await messages.getByRole('button', { name: 'Clear topic filter' }).waitFor();
  assert.equal(await messages.locator('.message', { hasText: 'b-one' }).count(), 0);
  assert.equal(await messages.locator('.message', { hasText: 'a-one' }).count(), 2, 'published and received');
  await messages.getByText('2 of 4 messages').waitFor();
  await page.screenshot({ path: join(SHOTS, 'app-subscriptions.png') });
  await messages.getByRole('button', { name: 'Clear topic filter' }).click();
  await received('b-one').waitFor();

  // Disabled: unsubscribed at the broker, kept in the list.
  await subscriptions.getByLabel('Enable look/b/#').uncheck();
  await subscriptions.getByText(/^disabled/).waitFor();
  await send('look/b/2', 'b-two');
  await send('look/a/2', 'a-two');
  await received('a-two').waitFor();
  assert.equal(await received('b-two').count(), 0, 'nothing from a disabled subscription');
  await page.reload();
  await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  assert.equal(await subscriptions.getByLabel('Enable look/b/#').isChecked(), false, 'still disabled after a reload');
  await subscriptions.getByRole('button', { name: 'Show only look/a/#' }).getByText('Alpha').waitFor();
  await subscriptions.getByLabel('Enable look/b/#').check();
  await subscriptions.getByText('granted QoS 0').nth(1).waitFor();
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  await send('look/b/3', 'b-three');
  await received('b-three').waitFor();
  assert.equal(await bar('b-three'), 'rgb(59, 130, 246)', 'its colour kept');
  assert.deepEqual(page.errors, []);
  await page.close();
});
