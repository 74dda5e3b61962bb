// End-to-end: the app from the keyboard alone: forms submit with Enter, Ctrl+Enter sends, a
// message opens with Enter, tabs and buttons answer Enter and Space, checkboxes Space. Every
// control is a native button, input, select or a focusable row, so Tab reaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, connected } from './support.mjs';

useApp();

test('subscribe, publish, open a message, switch views and disable a subscription from the keyboard', async () => {
  const page = await openApp();
  await connected(page);
  const key = page.keyboard;
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).focus();
  await key.press('Control+A');
  await key.type('kb/#');
  await key.press('Enter');
  await subscriptions.getByText('granted QoS 0').waitFor();

  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).focus();
  await key.press('Control+A');
  await key.type('kb/one');
  await key.press('Tab'); // Format
  await key.press('Tab'); // QoS
  await key.press('Tab'); // Retain
  await key.press('Tab'); // Payload
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Payload', 'Tab order follows the form');
  await key.press('Control+A');
  await key.type('{"typed": true}'); // the format is JSON, the box's default
  await key.press('Control+Enter');
  const messages = page.getByRole('region', { name: 'Messages' });
  const row = messages.locator('.message.received', { hasText: 'typed' });
  await row.waitFor();
  await row.focus();
  await key.press('Enter');
  const details = page.getByRole('region', { name: 'Message details' });
  await details.locator('.payload', { hasText: 'typed' }).waitFor();
  await details.getByRole('button', { name: 'Close details' }).focus();
  await key.press('Enter');
  await details.waitFor({ state: 'detached' });

  await page.getByRole('tab', { name: 'Topics' }).focus();
  await key.press('Enter');
  await page.getByRole('region', { name: 'Topic tree' }).waitFor();
  await page.getByRole('tab', { name: 'Messages' }).focus();
  await key.press('Space');
  await messages.waitFor();

  await subscriptions.getByLabel('Enable kb/#').focus();
  await key.press('Space');
  await subscriptions.getByText(/^disabled/).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
