// End-to-end: what the connection form puts in CONNECT beyond the basics: a Last Will with
// its MQTT 5.0 properties (delivered to a second connection), and enhanced authentication
// with SCRAM-SHA-256 against a mosquitto that loads the SCRAM plugin (tests/scram_plugin/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { once } from 'node:events';
import { mqttString, mqttPacket, startMosquitto, ROOT } from '../browser/harness.mjs';
import { useApp, openApp, editConnection, fixtures, SHOTS } from './support.mjs';

useApp();

/** Connects over TCP (3.1.1) with `clientId`, which makes the broker end the connection that
 *  has it [MQTT-3.1.4-3], waits for CONNACK and leaves with DISCONNECT. */
async function takeOver(port, clientId) {
  const socket = tcpConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(mqttPacket(0x10, Buffer.concat([mqttString('MQTT'), Buffer.from([4, 2, 0, 60]), mqttString(clientId)])));
  const [connack] = await once(socket, 'data');
  assert.equal(connack[0], 0x20, 'CONNACK');
  socket.end(Buffer.from([0xe0, 0]));
  await once(socket, 'close');
}

/** Fills the connection form's fields by label. */
async function fill(form, fields) {
  for (const [label, value] of Object.entries(fields)) {
    const field = form.getByLabel(label, { exact: true });
    if (typeof value === 'boolean') await (value ? field.check() : field.uncheck());
    else if (await field.evaluate((e) => e.tagName === 'SELECT')) await field.selectOption(value);
    else await field.fill(value);
  }
}

test('a Last Will set in the form reaches a second connection when the first is taken over', async () => {
  const page = await openApp();
  const status = page.getByRole('status');
  await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic').fill('will/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText('granted QoS 0').waitFor();

  await page.getByRole('button', { name: 'New Connection' }).click();
  const form = page.getByRole('form', { name: 'Connection settings' });
  await fill(form, {
    Name: 'Mortal', Host: '127.0.0.1', Port: String(fixtures.broker.port), 'Auto Reconnect': false,
    'Will Topic': 'will/mortal', 'Will QoS': '1', 'Will Payload': 'mortal is gone',
    'Will Content Type': 'text/plain', 'Will User Properties': 'why=taken over',
  });
  await page.screenshot({ path: join(SHOTS, 'app-will.png') });
  const clientId = await form.getByLabel('Client ID', { exact: true }).inputValue();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  // CONNECT carried the will.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('tab', { name: 'Packets' }).click();
  const packets = page.getByRole('region', { name: 'Packets' });
  await packets.getByRole('row', { name: /^sent CONNECT/ }).click();
  const connect = packets.getByRole('complementary', { name: 'Packet details' });
  for (const text of ['will/mortal', 'mortal is gone', 'Content Type=text/plain; User Property=why=taken over']) {
    await connect.getByText(text, { exact: true }).waitFor();
  }

  await takeOver(fixtures.broker.tcpPort, clientId);
  await status.getByText(/^Disconnected/).waitFor({ timeout: 10000 });
  // The first connection received the will, with its properties.
  await page.getByRole('navigation', { name: 'Connections' }).getByText('Local mosquitto').click();
  await page.getByRole('tab', { name: 'Messages' }).click();
  const messages = page.getByRole('region', { name: 'Messages' });
  const will = messages.locator('.message.received', { hasText: 'mortal is gone' });
  await will.waitFor({ timeout: 10000 });
  await will.click();
  const details = page.getByRole('region', { name: 'Message details' });
  await details.getByText('text/plain').waitFor();
  await details.getByText('taken over', { exact: false }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('enhanced authentication: SCRAM-SHA-256 connects with the AUTH exchange; a wrong password is refused', async () => {
  const plugin = execFileSync('bash', [join(ROOT, 'tests/scram_plugin/build.sh')]).toString().trim();
  const scramBroker = await startMosquitto(`plugin ${plugin}\nplugin_opt_users alice:secret`);
  try {
    const page = await openApp();
    const status = page.getByRole('status');
    const form = await editConnection(page);
    await fill(form, {
      Port: String(scramBroker.port), Username: 'alice', Password: 'wrong', 'Auto Reconnect': false,
      'Enhanced Authentication (SCRAM-SHA-256)': true,
    });
    await form.getByText('the password never goes to the broker').waitFor();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await status.getByText(/^Disconnected: /).waitFor({ timeout: 15000 });
    const refused = await status.textContent();
    assert.match(refused, /not authorized|bad user name or password|authentication/i, refused);

    await fill(form, { Password: 'secret' });
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
    await page.getByRole('tab', { name: 'Packets' }).click();
    const packets = page.getByRole('region', { name: 'Packets' });
    await packets.getByRole('row', { name: /^received AUTH/ }).first().waitFor();
    await packets.getByRole('row', { name: /^sent AUTH/ }).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'app-scram.png') });
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    scramBroker.stop();
  }
});
