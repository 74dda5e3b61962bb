// SCRAM-SHA-256 enhanced authentication (FEATURES row 19) from the package, in Chromium, against
// mosquitto with the SCRAM plugin of tests/scram_plugin: the JS options path
// (`properties.authenticationMethod` with username and password), and SHA-256 / HMAC / PBKDF2
// as compiled for wasm32 (the compact SHA-256, see .cargo/config.toml), checked by a real
// server that verifies the client's proof and sends its own signature for the client to check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { usePage } from './features-support.mjs';

let broker, page;

// The plugin is built (or found up to date) when the fixtures start, not at import.
const config = () => {
  const plugin = execFileSync('bash', [join(ROOT, 'tests/scram_plugin/build.sh')], { encoding: 'utf8' }).trim();
  return `plugin ${plugin}\nplugin_opt_users alice:secret,bob:hunter2`;
};
usePage((f) => ({ broker, page } = f), { config });

const scram = { authenticationMethod: 'SCRAM-SHA-256' };

test('SCRAM-SHA-256: the right password connects (the server verified our proof, we verified its signature), and messages flow [MQTT-4.12.0-1]', async () => {
  const got = await page.evaluate(async ({ url, properties }) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, username: 'alice', password: 'secret', properties });
    const connack = await new Promise((ok) => {
      // connectAsync resolved after `connect`: a second client shows the CONNACK itself.
      const other = wasmqtt.connect(url, { protocolVersion: 5, username: 'bob', password: new TextEncoder().encode('hunter2'), properties });
      other.once('connect', (c) => { other.end(); ok(c); });
    });
    const works = await h.stillWorks(client, 'scram/alice');
    return {
      works,
      method: connack.properties.authenticationMethod,
      // The server's final message ("v=" and its signature) came in CONNACK.
      serverFinal: new TextDecoder().decode(connack.properties.authenticationData).slice(0, 2),
    };
  }, { url: broker.url, properties: scram });
  assert.deepEqual(got, { works: [true, 'still here'], method: 'SCRAM-SHA-256', serverFinal: 'v=' });
  assert.deepEqual(page.errors, []);
});

test('SCRAM-SHA-256: a wrong password or an unknown user is refused with Not authorized (135), and connectAsync stops trying', async () => {
  const got = await page.evaluate(async ({ url, properties }) => {
    const attempt = async (username, password) => {
      const e = await h.rejected(wasmqtt.connectAsync(url, { protocolVersion: 5, username, password, properties, reconnectPeriod: 100 }));
      return [e?.name, e?.code, e?.reasonName];
    };
    return { wrong: await attempt('alice', 'wrong'), unknown: await attempt('mallory', 'secret') };
  }, { url: broker.url, properties: scram });
  const refused = ['MqttConnectionError', 135, 'Not authorized'];
  assert.deepEqual(got, { wrong: refused, unknown: refused });
  assert.deepEqual(page.errors, []);
});

test('SCRAM-SHA-256: missing credentials and other methods are usage errors that name them', async () => {
  const got = await page.evaluate(async ({ url }) => ({
    noUser: h.caught(() => wasmqtt.connect(url, { protocolVersion: 5, password: 'x', properties: { authenticationMethod: 'SCRAM-SHA-256' } })),
    noPassword: h.caught(() => wasmqtt.connect(url, { protocolVersion: 5, username: 'alice', properties: { authenticationMethod: 'SCRAM-SHA-256' } })),
    otherMethod: h.caught(() => wasmqtt.connect(url, { protocolVersion: 5, properties: { authenticationMethod: 'PLAIN' } })),
    onV311: h.caught(() => wasmqtt.connect(url, { protocolVersion: 4, username: 'alice', password: 'secret', properties: { authenticationMethod: 'SCRAM-SHA-256' } })),
  }), { url: broker.url });
  assert.match(got.noUser.message, /SCRAM-SHA-256 needs a username/);
  assert.match(got.noPassword.message, /SCRAM-SHA-256 needs a password/);
  assert.match(got.otherMethod.message, /authenticationMethod "PLAIN" is not supported; use "SCRAM-SHA-256"/);
  assert.match(got.onV311.message, /needs MQTT 5\.0/);
  for (const e of Object.values(got)) assert.equal(e.name, 'MqttUsageError');
});
