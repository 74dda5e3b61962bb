// End-to-end: the interface in Chinese (the handbook's readers are largely Chinese-speaking):
// chosen in Settings, applied at once to names the accessibility tree exposes, kept across a
// reload, and back to English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useApp, openApp, SHOTS } from './support.mjs';

useApp();

test('the interface switches to Chinese and back, and keeps the choice across a reload', async () => {
  const page = await openApp();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByRole('group', { name: 'Settings' }).getByLabel('Language').selectOption('zh-CN');

  // Landmarks, controls and texts by their Chinese names.
  await page.getByRole('button', { name: '新建连接' }).waitFor();
  await page.getByRole('status').getByText('已连接', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  for (const region of ['订阅', '消息', '发布']) {
    assert.equal(await page.getByRole('region', { name: region, exact: true }).count(), 1, `region ${region}`);
  }
  assert.equal(await page.getByRole('navigation', { name: '连接' }).count(), 1);
  const subscriptions = page.getByRole('region', { name: '订阅', exact: true });
  await subscriptions.getByLabel('主题', { exact: true }).fill('zh/#');
  await subscriptions.getByRole('button', { name: '订阅', exact: true }).click();
  await subscriptions.getByText('已授予 QoS 0').waitFor();
  const publish = page.getByRole('region', { name: '发布', exact: true });
  await publish.getByLabel('格式', { exact: true }).selectOption('Plaintext');
  await publish.getByLabel('主题', { exact: true }).fill('zh/hello');
  await publish.getByLabel('载荷', { exact: true }).fill('你好');
  await publish.getByRole('button', { name: '发送' }).click();
  const messages = page.getByRole('region', { name: '消息', exact: true });
  await messages.locator('.message.received').getByText('你好').waitFor();
  await messages.getByText('2 条消息').waitFor();
  await page.getByRole('button', { name: '编辑' }).click();
  const form = page.getByRole('form', { name: '连接设置' });
  for (const label of ['名称', '主机', '端口', '路径', '客户端 ID', '用户名', '密码', 'MQTT 版本', '遗嘱主题']) {
    assert.equal(await form.getByLabel(label, { exact: true }).count(), 1, `a control named ${label}`);
  }
  await page.screenshot({ path: join(SHOTS, 'app-chinese.png') });

  await page.reload();
  await page.getByRole('status').getByText('已连接', { exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole('group', { name: '设置' }).getByLabel('语言').selectOption('en');
  await page.getByRole('button', { name: 'New Connection' }).waitFor();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
