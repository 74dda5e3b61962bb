// wss:// (issue 7): a mosquitto WebSocket listener with TLS, a self-signed certificate made
// for the test, Chromium told to accept it (--ignore-certificate-errors). A full session goes
// over it: CONNACK, SUBSCRIBE, QoS 0/1/2 both ways, DISCONNECT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usePage } from './features-support.mjs';

let broker, page;

/** A certificate for 127.0.0.1, made when the fixtures start: the listener's TLS options. */
const tls = () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmqtt-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return `certfile ${join(dir, 'cert.pem')}\nkeyfile ${join(dir, 'key.pem')}`;
};
usePage((f) => ({ broker, page } = f), { listener: tls, flags: ['--ignore-certificate-errors'] });

test('wss://: a full session over TLS to mosquitto (self-signed certificate trusted by the test browser)', async () => {
  const wss = broker.url.replace('ws://', 'wss://');
  const got = await page.evaluate(async (url) => {
    const client = await wasmqtt.connectAsync(url, { protocolVersion: 5, clientId: 'over-tls' });
    const inbox = h.inbox(client);
    const granted = await client.subscribeAsync('tls/#', { qos: 2 });
    for (const qos of [0, 1, 2]) await client.publishAsync(`tls/q${qos}`, `secret ${qos}`, { qos });
    await h.until(() => inbox.length >= 3, 'three messages back over TLS');
    await client.endAsync();
    return { granted: granted.map((g) => g.qos), got: inbox.map((m) => `${m.topic} ${m.qos} ${m.text}`).sort(), connected: client.connected };
  }, wss);
  assert.deepEqual(got.granted, [2]);
  assert.deepEqual(got.got, ['tls/q0 0 secret 0', 'tls/q1 1 secret 1', 'tls/q2 2 secret 2']);
  assert.equal(got.connected, false, 'ended');
  // And the plain ws:// scheme is refused by that listener: TLS was really in use.
  const plain = await page.evaluate(async (url) => h.rejected(wasmqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000 })), broker.url);
  assert.equal(plain?.name, 'MqttConnectionError', JSON.stringify(plain));
  assert.deepEqual(page.errors, []);
});
