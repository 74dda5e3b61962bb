// The app in www/dist, end to end in headless Chromium against mosquitto: it opens connected
// to the broker named in ?broker=, subscribes, publishes and shows the messages. Controls are
// found by their accessible names (MQTTX's wording), as users and screen readers find them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useApp, openApp, publishBurst, SHOTS } from './support.mjs';

useApp();

test('the app opens connected to the local broker, subscribes, publishes and shows both sides', async () => {
  const page = await openApp();
  const header = page.getByRole('status');
  await header.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const connections = page.getByRole('navigation', { name: 'Connections' });
  await connections.getByText('Local mosquitto').waitFor();

  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic').fill('app/e2e/#');
  await subscriptions.getByLabel('QoS', { exact: true }).selectOption('1');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText('granted QoS 1').waitFor({ timeout: 5000 });

  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill('app/e2e/one');
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  await publish.getByLabel('QoS', { exact: true }).selectOption('1');
  await publish.getByLabel('Payload', { exact: true }).fill('hello from the app');
  await publish.getByRole('button', { name: 'Send' }).click();

  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.locator('.message.received').getByText('hello from the app').waitFor({ timeout: 5000 });
  await messages.locator('.message.published').getByText('hello from the app').waitFor();
  assert.equal(await messages.locator('.message').count(), 2);
  // Each row shows its local time as HH:MM:SS, the time the page's clock gives for it.
  const shown = await messages.locator('.message.received time.time').first().textContent();
  const now = await page.evaluate(() => { const d = new Date(); return [d.getHours(), d.getMinutes(), d.getSeconds()]; });
  assert.match(shown, /^\d{2}:\d{2}:\d{2}$/);
  const [hh, mm, ss] = shown.split(':').map(Number);
  const seconds = (h, m, s) => h * 3600 + m * 60 + s;
  const age = (seconds(...now) - seconds(hh, mm, ss) + 86400) % 86400;
  assert.ok(age <= 10, `shown ${shown}, page clock ${now.join(':')}`);

  // Ctrl+Enter sends, retained messages carry the badge when they come back from the store.
  await publish.getByLabel('Retain').check();
  await publish.getByLabel('Payload', { exact: true }).fill('kept');
  await publish.getByLabel('Topic', { exact: true }).fill('app/e2e/kept');
  await publish.getByLabel('Payload', { exact: true }).press('Control+Enter');
  await messages.locator('.message.received .payload').getByText('kept', { exact: true }).waitFor({ timeout: 5000 });
  await subscriptions.getByRole('button', { name: 'Unsubscribe app/e2e/#' }).click();
  await subscriptions.getByLabel('Topic').fill('app/e2e/kept');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await messages.locator('.message.received', { hasText: 'kept' }).locator('.badge.retained').first().waitFor({ timeout: 5000 });

  await page.getByRole('tab', { name: 'Published' }).click();
  assert.equal(await messages.locator('.message.received').count(), 0, 'Published tab hides received');
  await page.getByRole('tab', { name: 'All' }).click();
  await page.screenshot({ path: join(SHOTS, 'app-messages.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the connection form edits the connection with MQTTX names; clear-text warning; Disconnect and Connect work', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('status').getByText('Disconnected', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Connection settings' });
  for (const name of ['Name', 'Host', 'Port', 'Path', 'Client ID', 'Username', 'Password', 'MQTT Version', 'Keep Alive', 'Clean Start', 'Session Expiry Interval']) {
    assert.equal(await form.getByLabel(name, { exact: true }).count(), 1, `a control named ${name}`);
  }
  await form.getByLabel('Name', { exact: true }).fill('Renamed');
  await page.getByRole('navigation', { name: 'Connections' }).getByText('Renamed').waitFor();
  await form.getByLabel('Username', { exact: true }).fill('someone');
  await form.getByText('travel in clear text').waitFor();
  await form.getByLabel('MQTT Version', { exact: true }).selectOption('3.1.1');
  assert.equal(await form.getByLabel('Session Expiry Interval').count(), 0, '5.0 only');
  await form.getByLabel('Username', { exact: true }).fill('');
  await page.screenshot({ path: join(SHOTS, 'app-connection-form.png') });
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the packet inspector shows CONNECT and CONNACK decoded with a hex dump; Info shows what CONNACK granted', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole('tab', { name: 'Packets' }).click();
  const packets = page.getByRole('region', { name: 'Packets' });
  await packets.getByRole('row', { name: /^sent CONNECT \d+ bytes$/ }).waitFor();
  const connack = packets.getByRole('row', { name: /^received CONNACK \d+ bytes$/ });
  await connack.click();
  const detail = packets.getByRole('complementary', { name: 'Packet details' });
  await detail.getByText('0x00 Success').waitFor();
  assert.match(await detail.getByLabel('Hex dump').textContent(), /^0000 {2}20 /, 'CONNACK starts with 0x20');
  // A subscription's SUBSCRIBE and SUBACK appear as they happen, with their options.
  await page.getByRole('region', { name: 'Subscriptions' }).getByLabel('Topic').fill('inspect/#');
  await page.getByRole('region', { name: 'Subscriptions' }).getByRole('button', { name: 'Subscribe', exact: true }).click();
  await packets.getByRole('row', { name: /^received SUBACK/ }).waitFor();
  await packets.getByRole('row', { name: /^sent SUBSCRIBE/ }).click();
  await detail.getByText(/^inspect\/# \(QoS 0, No Local false/).waitFor();
  await page.screenshot({ path: join(SHOTS, 'app-packets.png') });

  await page.getByRole('tab', { name: 'Info' }).click();
  const info = page.getByRole('region', { name: 'Connection info' });
  for (const label of ['Client ID', 'Receive Maximum', 'Maximum QoS', 'Topic Alias Maximum', 'Shared Subscriptions']) {
    await info.getByText(label, { exact: true }).waitFor();
  }
  await page.screenshot({ path: join(SHOTS, 'app-info.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('connections and their subscriptions survive a reload; duplicate and delete work', async () => {
  const page = await openApp();
  const status = page.getByRole('status');
  await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic').fill('persist/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText('granted QoS 0').waitFor();
  await page.getByRole('button', { name: 'Duplicate' }).click();
  const list = page.getByRole('navigation', { name: 'Connections' });
  await list.getByText('Local mosquitto (copy)').waitFor();
  await page.getByRole('button', { name: 'Delete' }).click();
  await list.getByText('Local mosquitto (copy)').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'New Connection' }).click();
  await page.getByRole('form', { name: 'Connection settings' }).getByLabel('Name', { exact: true }).fill('Second');

  await page.reload();
  await list.getByText('Second').waitFor();
  await list.getByText('Local mosquitto').waitFor();
  // The first connection connects at once and makes its saved subscription again.
  await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  await subscriptions.getByText('persist/#').waitFor();
  await subscriptions.getByText('granted QoS 0').waitFor();
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill('persist/after-reload');
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  await publish.getByLabel('Payload', { exact: true }).fill('still subscribed');
  await publish.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('region', { name: 'Messages' }).locator('.message.received').getByText('still subscribed').waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the connection list is searched by name, URL or client id', async () => {
  const page = await openApp();
  const list = page.getByRole('navigation', { name: 'Connections' });
  await page.getByRole('button', { name: 'New Connection' }).click();
  await page.getByRole('form', { name: 'Connection settings' }).getByLabel('Name', { exact: true }).fill('Garage door');
  const items = list.locator('.connection-item .name');
  await list.getByText('Garage door').waitFor();
  const search = list.getByRole('searchbox', { name: 'Search connections' });
  await search.fill('GARAGE');
  await list.getByText('Local mosquitto').waitFor({ state: 'detached' });
  assert.deepEqual(await items.allTextContents(), ['Garage door']);
  await search.fill('no such thing');
  await list.getByText('No connection matches.').waitFor();
  assert.equal(await items.count(), 0);
  await search.fill('127.0.0.1');
  await list.getByText('Local mosquitto').waitFor();
  assert.equal(await items.count(), 2, 'both use the local broker');
  await search.fill('');
  assert.deepEqual(await items.allTextContents(), ['Local mosquitto', 'Garage door']);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('subscription options (5.0): No Local keeps our own messages away, Subscription Identifier reaches the broker', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  const form = subscriptions.getByRole('form', { name: 'New Subscription' });
  await form.getByLabel('Topic', { exact: true }).fill('opts/nl');
  await form.getByLabel('No Local').check();
  await form.getByLabel('Retain Handling').selectOption('2');
  await form.getByLabel('Subscription Identifier').fill('42');
  await form.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText(/granted QoS 0 · NL · RH 2 · ID 42/).waitFor();
  await page.getByRole('tab', { name: 'Packets' }).click();
  const packets = page.getByRole('region', { name: 'Packets' });
  await packets.getByRole('row', { name: /^sent SUBSCRIBE/ }).last().click();
  const detail = packets.getByRole('complementary', { name: 'Packet details' });
  await detail.getByText('Subscription Identifier').waitFor();
  await detail.getByText(/No Local true.*Retain Handling 2/).waitFor();
  await page.getByRole('tab', { name: 'Messages' }).click();
  // Our own publish to a No Local subscription does not come back; a bad identifier is named.
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill('opts/nl');
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  await publish.getByLabel('QoS', { exact: true }).selectOption('1');
  await publish.getByLabel('Payload', { exact: true }).fill('not for me');
  await publish.getByRole('button', { name: 'Send' }).click();
  await form.getByLabel('Topic', { exact: true }).fill('opts/other');
  await form.getByLabel('Subscription Identifier').fill('0');
  await form.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByRole('alert').getByText(/Subscription Identifier/).waitFor();
  // A marker on a plain subscription, sent after: the broker keeps order, so had No Local
  // failed, 'not for me' would have come back before it.
  await form.getByLabel('No Local').uncheck();
  await form.getByLabel('Subscription Identifier').fill('');
  await form.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.locator('.subscription', { hasText: 'opts/other' }).getByText(/granted QoS 0/).waitFor();
  await publish.getByLabel('Topic', { exact: true }).fill('opts/other');
  await publish.getByLabel('Payload', { exact: true }).fill('marker');
  await publish.getByRole('button', { name: 'Send' }).click();
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.locator('.message.received').getByText('marker').waitFor();
  assert.equal(await messages.locator('.message.received').count(), 1, 'No Local: our own message did not come back');
  await page.screenshot({ path: join(SHOTS, 'app-subscription-options.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the topic tree shows topics by level with counts, last values and retained badges', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill('tree/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText(/granted QoS 0/).waitFor();
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  for (const [topic, payload, retain] of [['tree/kitchen/temp', '21.5', false], ['tree/kitchen/temp', '22.0', false], ['tree/hall/light', 'on', true]]) {
    await publish.getByLabel('Topic', { exact: true }).fill(topic);
    await publish.getByLabel('Payload', { exact: true }).fill(payload);
    await publish.getByLabel('Retain').setChecked(retain);
    await publish.getByRole('button', { name: 'Send' }).click();
  }
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.locator('.message.received').getByText('on', { exact: true }).waitFor();
  // Live subscribers get retain 0; a new subscription gets the retained message with retain 1.
  await subscriptions.getByLabel('Topic', { exact: true }).fill('tree/hall/+');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await messages.locator('.message.received', { hasText: 'tree/hall/light' }).locator('.badge.retained').waitFor();
  await page.getByRole('tab', { name: 'Topics' }).click();
  const tree = page.getByRole('tree', { name: 'Topics' });
  const temp = tree.getByRole('treeitem', { name: 'tree/kitchen/temp' });
  await temp.getByText('22.0').waitFor();
  assert.equal(await temp.locator('.badge').first().textContent(), '2');
  assert.equal(await tree.getByRole('treeitem', { name: 'tree', exact: true }).locator('.badge').first().textContent(), '4', 'three live, one retained');
  await tree.getByRole('treeitem', { name: 'tree/hall/light' }).getByText('Retained').waitFor();
  await page.screenshot({ path: join(SHOTS, 'app-topic-tree.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('MQTT 5 publish properties go out and every property of a received message is shown', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill('props/#');
  await subscriptions.getByLabel('Subscription Identifier').fill('9');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText(/granted QoS 0/).waitFor();
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill('props/one');
  await publish.getByText('MQTT 5.0 Properties').click();
  await publish.getByLabel('Payload Format Indicator (UTF-8)').check();
  await publish.getByLabel('Content Type').fill('application/json');
  await publish.getByLabel('Message Expiry Interval').fill('120');
  await publish.getByLabel('Response Topic').fill('props/reply');
  await publish.getByLabel('Correlation Data').fill('req-1');
  await publish.getByLabel('User Properties').fill('unit=C\nunit=F');
  await publish.getByRole('button', { name: 'Send' }).click();
  const received = page.getByRole('region', { name: 'Messages' }).locator('.message.received').first();
  await received.getByText(/\d+ properties/).waitFor();
  await received.click();
  const details = page.getByRole('region', { name: 'Message details' });
  const props = details.getByRole('definition');
  await details.getByText('application/json').waitFor();
  const rows = await details.locator('.message-properties').evaluate((dl) =>
    [...dl.querySelectorAll('dt')].map((dt) => `${dt.textContent}=${dt.nextElementSibling.textContent}`));
  assert.ok(rows.includes('Payload Format Indicator=1'), rows.join(', '));
  assert.ok(rows.includes('Response Topic=props/reply'), rows.join(', '));
  assert.ok(rows.includes('Correlation Data=7265712d31'), rows.join(', '));
  assert.ok(rows.includes('Subscription Identifier=9'), rows.join(', '));
  assert.deepEqual(rows.filter((r) => r.startsWith('User Property')), ['User Property=unit=C', 'User Property=unit=F']);
  const expiry = Number(rows.find((r) => r.startsWith('Message Expiry Interval=')).split('=')[1]);
  assert.ok(expiry > 0 && expiry <= 120, `remaining expiry ${expiry}`);
  assert.ok(await props.count() > 5);
  // A bad property is named before anything is sent.
  await publish.getByLabel('Topic Alias').fill('0');
  await publish.getByRole('button', { name: 'Send' }).click();
  await publish.getByRole('alert').getByText(/^Topic Alias "0"/).waitFor();
  await page.screenshot({ path: join(SHOTS, 'app-properties.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the dark theme is chosen in Settings and kept across a reload', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const background = () => page.evaluate(() => getComputedStyle(document.querySelector('.workspace-header')).backgroundColor);
  const light = await background();
  await page.getByRole('group', { name: 'Settings' }).getByLabel('Theme').selectOption('dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.notEqual(await background(), light);
  await page.reload();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.screenshot({ path: join(SHOTS, 'app-dark.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('connections export to a JSON file and import from one; a bad file is refused by reason', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const list = page.getByRole('navigation', { name: 'Connections' });
  const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('button', { name: 'Export' }).click()]);
  assert.equal(download.suggestedFilename(), 'wasmqtt-connections.json');
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(exported.format, 1);
  assert.equal(exported.connections[0].name, 'Local mosquitto');
  exported.connections[0].name = 'Imported copy';
  await list.getByLabel('Import').setInputFiles({ name: 'c.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await list.getByText('Imported 1 connection', { exact: true }).waitFor();
  await list.getByRole('button', { name: 'Imported copy' }).waitFor();
  await list.getByLabel('Import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": 9}') });
  await list.getByText(/^not a wasmqtt connections file/).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('CBOR and MessagePack: payloads are shown decoded, and JSON typed for publishing goes out encoded', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic').fill('bin/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText('granted QoS 0').waitFor({ timeout: 5000 });
  // From the app: JSON typed with the CBOR format; key order kept.
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill('bin/cbor');
  await publish.getByLabel('Format', { exact: true }).selectOption('CBOR');
  await publish.getByLabel('Payload', { exact: true }).fill('{"t": 21.5, "ok": true}');
  await publish.getByRole('button', { name: 'Send' }).click();
  // From outside: MessagePack bytes (the specification's {"compact": true, "schema": 0}).
  await publishBurst('bin/mp', [Buffer.from('82a7636f6d70616374c3a6736368656d6100', 'hex')]);
  const messages = page.getByRole('region', { name: 'Messages' });
  const received = (topic) => messages.locator('.message.received', { has: page.locator('.topic', { hasText: topic }) });
  await received('bin/mp').waitFor({ timeout: 5000 });
  const details = page.getByRole('region', { name: 'Message details' });
  await messages.getByLabel('View as').selectOption('Hex');
  await received('bin/cbor').click();
  assert.equal(await details.locator('.payload').textContent(), 'a2 61 74 fb 40 35 80 00 00 00 00 00 62 6f 6b f5', 'CBOR on the wire');
  await messages.getByLabel('View as').selectOption('CBOR');
  assert.equal(await details.locator('.payload').textContent(), '{\n  "t": 21.5,\n  "ok": true\n}');
  await received('bin/mp').click();
  await messages.getByLabel('View as').selectOption('MessagePack');
  assert.equal(await details.locator('.payload').textContent(), '{\n  "compact": true,\n  "schema": 0\n}');
  // JSON is shown pretty with its parts coloured (spans with classes, not markup from the payload).
  await publish.getByLabel('Topic', { exact: true }).fill('bin/json');
  await publish.getByLabel('Format', { exact: true }).selectOption('JSON');
  await publish.getByLabel('Payload', { exact: true }).fill('{"t": 21.5, "ok": true, "s": "<b>x</b>"}');
  await publish.getByRole('button', { name: 'Send' }).click();
  await messages.getByLabel('View as').selectOption('JSON');
  await received('bin/json').click();
  const json = details.locator('.payload');
  assert.deepEqual(await json.locator('.json-key').allTextContents(), ['"t"', '"ok"', '"s"']);
  assert.deepEqual(await json.locator('.json-number').allTextContents(), ['21.5']);
  assert.deepEqual(await json.locator('.json-literal').allTextContents(), ['true']);
  assert.deepEqual(await json.locator('.json-string').allTextContents(), ['"<b>x</b>"']);
  assert.equal(await json.locator('b').count(), 0, 'text, not markup');
  await received('bin/mp').click();
  // Bytes that are not CBOR say why, then show themselves.
  await messages.getByLabel('View as').selectOption('CBOR');
  assert.match(await details.locator('.payload').textContent(), /^\(not CBOR: the payload ends at byte 18 inside a value of 20 bytes\)\n82 a7 63/);
  await page.screenshot({ path: join(SHOTS, 'app-cbor.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the publish history keeps the last publishes of a connection, fills the box again and survives a reload', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const publish = page.getByRole('region', { name: 'Publish' });
  const history = publish.getByLabel('Publish history');
  assert.equal(await history.isDisabled(), true, 'nothing published yet');
  const send = async (topic, format, payload, qos) => {
    await publish.getByLabel('Topic', { exact: true }).fill(topic);
    await publish.getByLabel('Format', { exact: true }).selectOption(format);
    await publish.getByLabel('QoS', { exact: true }).selectOption(qos);
    await publish.getByLabel('Payload', { exact: true }).fill(payload);
    await publish.getByRole('button', { name: 'Send' }).click();
  };
  await send('hist/a', 'Plaintext', 'first', '0');
  await send('hist/b', 'Hex', '01 02', '1');
  await send('hist/a', 'Plaintext', 'first', '0');
  // A refused publish (bad hex) is not history.
  await send('hist/c', 'Hex', 'zz', '0');
  await publish.getByRole('alert').getByText('not a hex byte').waitFor();
  const entries = async () => (await history.locator('option').allTextContents()).slice(1);
  assert.deepEqual(await entries(), ['hist/a (QoS 0): first', 'hist/b (QoS 1): 01 02'], 'newest first, once each');
  await history.selectOption({ index: 2 });
  assert.equal(await publish.getByLabel('Topic', { exact: true }).inputValue(), 'hist/b');
  assert.equal(await publish.getByLabel('Payload', { exact: true }).inputValue(), '01 02');
  assert.equal(await publish.getByLabel('Format', { exact: true }).inputValue(), 'Hex');
  assert.equal(await publish.getByLabel('QoS', { exact: true }).inputValue(), '1');
  assert.equal(await history.inputValue(), '', 'back to the heading');
  await page.reload();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  assert.deepEqual(await entries(), ['hist/a (QoS 0): first', 'hist/b (QoS 1): 01 02'], 'kept across a reload');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('20,000 messages: the list keeps a few dozen rows in the page, follows the newest, scrolls to the oldest; a selected message is copied and deleted', async () => {
  const page = await openApp();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill('bulk/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText(/granted QoS 0/).waitFor();
  const total = 20000;
  await publishBurst('bulk/t', Array.from({ length: total }, (_, i) => `m${i}`));
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.getByText(`${total} messages`).waitFor({ timeout: 30000 });
  // Following: the newest is in view.
  await messages.locator('.message').getByText(`m${total - 1}`, { exact: true }).waitFor();
  const rendered = await messages.locator('.message').count();
  assert.ok(rendered > 0 && rendered <= 60, `${rendered} rows in the document for ${total} messages`);
  // The oldest, after a scroll to the top.
  await messages.locator('.message-list').evaluate((list) => { list.scrollTop = 0; });
  const oldest = messages.locator('.message').getByText('m0', { exact: true });
  await oldest.waitFor();
  await oldest.click();
  const details = page.getByRole('region', { name: 'Message details' });
  await details.locator('.payload').getByText('m0', { exact: true }).waitFor();
  await details.getByRole('button', { name: 'Copy' }).click();
  await details.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'm0');
  await page.screenshot({ path: join(SHOTS, 'app-volume.png') });
  await details.getByRole('button', { name: 'Delete' }).click();
  await messages.getByText(`${total - 1} messages`).waitFor();
  await messages.locator('.message').getByText('m1', { exact: true }).waitFor();
  assert.equal(await messages.locator('.message').getByText('m0', { exact: true }).count(), 0, 'm0 deleted');
  assert.deepEqual(page.errors, []);
  await page.close();
});
