// End-to-end: the same session in each MQTT version the app offers (3.1, 3.1.1, 5.0)
// against mosquitto: CONNECT at the version's protocol level, subscribe, a QoS 1 and a QoS 2
// message out and back, and the 5.0-only settings hidden below 5.0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, editConnection } from './support.mjs';

useApp();

for (const [version, protocol] of [
  ['3.1', 'MQIsdp level 3 (MQTT 3.1)'],
  ['3.1.1', 'MQTT level 4 (MQTT 3.1.1)'],
  ['5.0', 'MQTT level 5 (MQTT 5.0)'],
]) {
  test(`MQTT ${version}: connects at its protocol level, subscribes, publishes at QoS 1 and 2 and receives`, async () => {
    const page = await openApp();
    const status = page.getByRole('status');
    const form = await editConnection(page);
    await form.getByLabel('MQTT Version', { exact: true }).selectOption(version);
    const v5Only = await form.getByLabel('Session Expiry Interval').count();
    assert.equal(v5Only, version === '5.0' ? 1 : 0, '5.0 settings only under 5.0');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await status.getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
    await page.getByRole('button', { name: 'Edit' }).click();

    const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
    await subscriptions.getByLabel('Topic', { exact: true }).fill(`ver/${version}/#`);
    await subscriptions.getByLabel('QoS', { exact: true }).selectOption('2');
    await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await subscriptions.getByText('granted QoS 2').waitFor({ timeout: 5000 });
    const publish = page.getByRole('region', { name: 'Publish' });
    await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
    for (const qos of ['1', '2']) {
      await publish.getByLabel('Topic', { exact: true }).fill(`ver/${version}/q${qos}`);
      await publish.getByLabel('QoS', { exact: true }).selectOption(qos);
      await publish.getByLabel('Payload', { exact: true }).fill(`${version} at QoS ${qos}`);
      await publish.getByRole('button', { name: 'Send' }).click();
    }
    const messages = page.getByRole('region', { name: 'Messages' });
    for (const qos of ['1', '2']) {
      await messages.locator('.message.received', { hasText: `${version} at QoS ${qos}` }).getByText(`QoS ${qos}`, { exact: true }).waitFor({ timeout: 5000 });
    }

    await page.getByRole('tab', { name: 'Packets' }).click();
    const packets = page.getByRole('region', { name: 'Packets' });
    await packets.getByRole('row', { name: /^sent CONNECT/ }).last().click();
    await packets.getByRole('complementary', { name: 'Packet details' }).getByText(protocol, { exact: true }).waitFor();
    // QoS 2 went through all four packets of its exchange, both ways.
    for (const row of [/^sent PUBREL/, /^received PUBCOMP/, /^received PUBREL/, /^sent PUBCOMP/]) {
      await packets.getByRole('row', { name: row }).first().waitFor();
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}
