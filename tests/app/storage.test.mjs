// End-to-end: messages kept in IndexedDB, per connection: a reload finds them again, payload
// bytes intact; a deleted message stays deleted and a cleared list stays clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, publishBurst, connected, subscribeTo } from './support.mjs';

useApp();

test('messages survive a reload with their bytes; deletes and clears are kept too', async () => {
  const page = await openApp();
  await connected(page);
  await subscribeTo(page, 'keep/#');
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill('keep/text');
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  await publish.getByLabel('Payload', { exact: true }).fill('kept text');
  await publish.getByRole('button', { name: 'Send' }).click();
  await publishBurst('keep/binary', [Buffer.from([0x00, 0xff, 0x10])]);
  await publishBurst('keep/bulk', Array.from({ length: 1000 }, (_, i) => `b${i}`));
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.getByText('1003 messages', { exact: true }).waitFor({ timeout: 10000 });

  await page.reload();
  await connected(page);
  await messages.getByText('1003 messages', { exact: true }).waitFor({ timeout: 10000 });
  // Scroll to the oldest: the ones from before the reload, in their order.
  await messages.locator('.message-list').evaluate((e) => { e.scrollTop = 0; });
  await messages.locator('.message.published', { hasText: 'kept text' }).waitFor();
  await messages.getByLabel('View as').selectOption('Hex');
  const binary = messages.locator('.message.received', { has: page.locator('.topic', { hasText: 'keep/binary' }) });
  assert.equal(await binary.locator('.payload').textContent(), '00 ff 10', 'bytes, not text');
  await binary.click();
  await page.getByRole('region', { name: 'Message details' }).getByRole('button', { name: 'Delete' }).click();
  await messages.getByText('1002 messages', { exact: true }).waitFor();

  await page.reload();
  await connected(page);
  await messages.getByText('1002 messages', { exact: true }).waitFor({ timeout: 10000 });
  assert.equal(await messages.locator('.topic', { hasText: 'keep/binary' }).count(), 0, 'the deleted one stays deleted');
  await messages.getByRole('button', { name: 'Clear', exact: true }).click();
  await messages.getByText('0 messages', { exact: true }).waitFor();
  await page.reload();
  await connected(page);
  // A message after the reload is the only one: nothing came back from before the clear.
  await publishBurst('keep/after', ['after the clear']);
  await messages.locator('.message.received', { hasText: 'after the clear' }).waitFor({ timeout: 10000 });
  await messages.getByText('1 message', { exact: true }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
