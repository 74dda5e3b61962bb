// The hosted app's security (issue 7), end to end in headless Chromium against mosquitto: the
// strict Content-Security-Policy, values from the network rendered as text, no request to any
// host but the page's own and the broker's, passwords kept only when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useApp, openApp, connected, echoOnce, fixtures, SHOTS } from './support.mjs';

useApp();

test('the app runs under its strict Content-Security-Policy with zero violations; injected inline script is blocked', async () => {
  const page = await openApp();
  await connected(page);
  await echoOnce(page, 'csp/#', 'csp/t');
  await page.getByRole('tab', { name: 'Packets' }).click();
  await page.getByRole('tab', { name: 'Topics' }).click();
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'the app itself needs nothing the policy forbids');
  // The policy is really enforced: a script injected inline does not run.
  const injected = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.injected = true';
    document.head.append(s);
    return window.injected === true;
  });
  assert.equal(injected, false);
  await page.waitForFunction(() => window.cspViolations.some((v) => v.startsWith('script-src')));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('topics, payloads, user properties and names that look like HTML are shown as text: nothing is parsed, nothing runs', async () => {
  const page = await openApp();
  await connected(page);
  const hostileTopic = 'xss/<img src=x onerror=window.pwned=1>';
  const hostilePayload = '<script>window.pwned=2</script><img src=x onerror="window.pwned=3">';
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await subscriptions.getByLabel('Topic', { exact: true }).fill('xss/#');
  await subscriptions.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await subscriptions.getByText(/granted QoS 0/).waitFor();
  const publish = page.getByRole('region', { name: 'Publish' });
  await publish.getByLabel('Topic', { exact: true }).fill(hostileTopic);
  await publish.getByLabel('Format', { exact: true }).selectOption('Plaintext');
  await publish.getByLabel('Payload', { exact: true }).fill(hostilePayload);
  await publish.getByText('MQTT 5.0 Properties').click();
  await publish.getByLabel('Content Type').fill('<b onmouseover=window.pwned=6>ct</b>');
  await publish.getByLabel('User Properties').fill('<script>k</script>=<img src=x onerror=window.pwned=4>');
  await publish.getByRole('button', { name: 'Send' }).click();
  const messages = page.getByRole('region', { name: 'Messages' });
  const received = messages.locator('.message.received').first();
  await received.getByText(hostileTopic, { exact: true }).waitFor();
  await received.getByText(hostilePayload).waitFor();
  await received.click();
  const details = page.getByRole('region', { name: 'Message details' });
  await details.getByText('<b onmouseover=window.pwned=6>ct</b>', { exact: true }).waitFor();
  await details.getByText('<script>k</script>=<img src=x onerror=window.pwned=4>', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('form', { name: 'Connection settings' }).getByLabel('Name', { exact: true }).fill('<img src=x onerror=window.pwned=5>');
  await page.getByRole('navigation', { name: 'Connections' }).getByText('<img src=x onerror=window.pwned=5>').waitFor();
  await page.getByRole('tab', { name: 'Topics' }).click();
  await page.getByText('<img src=x onerror=window.pwned=1>', { exact: true }).first().waitFor();
  await page.getByRole('tab', { name: 'Packets' }).click();
  await page.getByText(/PUBLISH/).first().waitFor();
  // Had any value become markup, these elements would exist (and the CSP would report the
  // inline handlers it blocked).
  const parsed = await page.evaluate(() => ({
    handlers: document.querySelectorAll('[onerror], [onmouseover], [onload]').length,
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter((s) => !s.src).length,
    pwned: window.pwned ?? null,
    violations: window.cspViolations,
  }));
  assert.deepEqual(parsed, { handlers: 0, images: 0, scripts: 0, pwned: null, violations: [] });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the page asks nothing of any host but its own and the broker the user configured', async () => {
  const seen = [];
  const page = await openApp((p) => {
    p.on('request', (r) => seen.push(r.url()));
    p.on('websocket', (ws) => seen.push(ws.url()));
  });
  await connected(page);
  await echoOnce(page, 'req/#', 'req/t');
  for (const tab of ['Topics', 'Packets', 'Info', 'Messages']) await page.getByRole('tab', { name: tab }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'New Connection' }).click();
  await page.reload();
  await connected(page);
  const { origin } = fixtures.server;
  const allowed = (url) => url.startsWith(`${origin}/`) || url.startsWith(`blob:${origin}/`) || url.startsWith('data:') || url === fixtures.broker.url;
  assert.ok(seen.includes(fixtures.broker.url), `the broker connection was recorded: ${seen.join(' ')}`);
  assert.ok(seen.some((u) => u.startsWith(`${origin}/www/dist/`)), 'the page itself was recorded');
  assert.deepEqual(seen.filter((u) => !allowed(u)), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a password is kept across reloads only when "Remember password" is ticked, and exported only when asked', async () => {
  const page = await openApp();
  const stored = () => page.evaluate(() => localStorage.getItem('wasmqtt.connections') ?? '');
  await connected(page);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Connection settings' });
  await form.getByLabel('Username', { exact: true }).fill('user-one');
  await form.getByLabel('Password', { exact: true }).fill('pw-not-kept');
  await page.waitForFunction(() => (localStorage.getItem('wasmqtt.connections') ?? '').includes('user-one'));
  assert.ok(!(await stored()).includes('pw-not-kept'), 'not ticked: the password is not stored');
  const list = page.getByRole('navigation', { name: 'Connections' });
  const exportText = async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('button', { name: 'Export' }).click()]);
    return readFileSync(await download.path(), 'utf8');
  };
  assert.ok(!(await exportText()).includes('pw-not-kept'), 'export leaves passwords out');
  await list.getByLabel('with passwords').check();
  assert.ok((await exportText()).includes('pw-not-kept'), 'unless asked');
  await page.reload();
  await page.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await form.getByLabel('Username', { exact: true }).inputValue(), 'user-one');
  assert.equal(await form.getByLabel('Password', { exact: true }).inputValue(), '', 'forgotten on reload');
  await form.getByLabel('Password', { exact: true }).fill('pw-kept');
  await form.getByLabel('Remember password').check();
  await page.waitForFunction(() => (localStorage.getItem('wasmqtt.connections') ?? '').includes('pw-kept'));
  await page.reload();
  await page.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await form.getByLabel('Password', { exact: true }).inputValue(), 'pw-kept', 'ticked: kept');
  await page.screenshot({ path: join(SHOTS, 'app-remember-password.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});
