// End-to-end: the live chart plots one topic's numbers, the payload itself or a JSON field,
// and grows as messages arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useApp, openApp, publishBurst, subscribeTo, SHOTS } from './support.mjs';

useApp();

test('the chart plots a topic\'s numbers and a JSON field of its payloads, as they arrive', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  await subscribeTo(page, 'chart/#');
  await publishBurst('chart/temp', ['20', '22.5', 'not a number', '21']);
  await publishBurst('chart/json', ['{"data": {"temp": 5}}', '{"data": {"temp": 7}}']);
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.getByText('6 messages').waitFor({ timeout: 5000 });

  await page.getByRole('tab', { name: 'Chart' }).click();
  const chart = page.getByRole('region', { name: 'Chart' });
  await chart.getByText('Choose a topic to plot its numbers.').waitFor();
  await chart.getByLabel('Chart topic').selectOption('chart/temp');
  await chart.getByText('3 values · last 21 · min 20 · max 22.5').waitFor();
  const points = () => chart.locator('polyline').getAttribute('points').then((p) => p.split(' ').filter(Boolean));
  assert.equal((await points()).length, 3, 'the text payload is skipped');
  assert.equal(await chart.getByRole('img').getAttribute('aria-label'), '3 values of chart/temp');

  // New messages extend the line.
  await publishBurst('chart/temp', ['25']);
  await chart.getByText('4 values · last 25 · min 20 · max 25').waitFor();
  assert.equal((await points()).length, 4);

  // A JSON field.
  await chart.getByLabel('Chart topic').selectOption('chart/json');
  await chart.getByText('No numbers on this topic yet (try a JSON field).').waitFor();
  await chart.getByLabel('JSON field').fill('data.temp');
  await chart.getByText('2 values · last 7 · min 5 · max 7').waitFor();
  await page.screenshot({ path: join(SHOTS, 'app-chart.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});
