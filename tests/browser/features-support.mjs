// Shared by the FEATURES browser test files: the fixtures (a default mosquitto, one with limits,
// the static server, Chromium, a page with in-page helpers) and MQTT byte builders for the
// scripted WebSocket peer.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, startServer, launchBrowser, openPage } from './harness.mjs';

/** In-page helpers, as `window.h`: no sleeps, every wait bounded so a test fails, not hangs. */
export async function installHelpers(p) {
  await p.evaluate(() => {
    const h = {
      err: (e) => e && { name: e.name, message: e.message, code: e.code, reasonName: e.reasonName, isError: e instanceof Error },
      caught(f) {
        try { f(); return null; } catch (e) { return h.err(e); }
      },
      async rejected(promise) {
        try { await promise; return null; } catch (e) { return h.err(e); }
      },
      /** Polls an in-page condition (only where no event says it). */
      async until(cond, what = 'a condition', ms = 8000) {
        const end = performance.now() + ms;
        while (!cond()) {
          if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      event(client, name, ms = 8000) {
        return new Promise((ok, fail) => {
          const timer = setTimeout(() => fail(new Error(`no '${name}' event within ${ms} ms`)), ms);
          client.once(name, (arg) => { clearTimeout(timer); ok(arg); });
        });
      },
      /** Records every message a client receives. */
      inbox(client) {
        const list = [];
        client.on('message', (topic, payload, packet) => list.push({
          topic, text: new TextDecoder().decode(payload), size: payload.length, qos: packet.qos,
          retain: packet.retain, dup: packet.dup, properties: packet.properties,
        }));
        return list;
      },
      /** Proves a client still works after abuse: a QoS 1 round trip on `topic`, then
       *  `end`; gives `[connected, text received]`. */
      async stillWorks(client, topic) {
        const inbox = h.inbox(client);
        await client.subscribeAsync(topic, { qos: 1 });
        await client.publishAsync(topic, 'still here', { qos: 1 });
        await h.until(() => inbox.length >= 1, `the round trip on ${topic}`);
        const connected = client.connected;
        await client.endAsync();
        return [connected, inbox[0].text];
      },
      /** Records the named events of a client, in order. */
      events(client, names) {
        const list = [];
        for (const n of names) client.on(n, () => list.push(n));
        return list;
      },
    };
    window.h = h;
  });
}

export const V = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5.0' };

// ---- MQTT bytes for the scripted peer ----------------------------------------------------

export const vbi = (n) => {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
export const u16 = (n) => [n >> 8, n & 0xff];
export const u32 = (n) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const str = (s) => { const b = Buffer.from(s); return [...u16(b.length), ...b]; };
export const packet = (first, body) => Buffer.from([first, ...vbi(body.length), ...body]);
export const props = (list = []) => [...vbi(list.length), ...list];
export const connack = (v5, { code = 0, properties = [] } = {}) => packet(0x20, v5 ? [0, code, ...props(properties)] : [0, code]);
export const publish = (v5, topic, payload, properties = []) => packet(0x30, [...str(topic), ...(v5 ? props(properties) : []), ...Buffer.from(payload)]);

/** Reads a CONNECT's header and payload fields. */
export function parseConnect(p) {
  const b = p.body;
  let at = 0;
  const bytes = () => { const n = b.readUInt16BE(at); const s = b.subarray(at + 2, at + 2 + n); at += 2 + n; return s; };
  const skipProps = () => {
    let n = 0; let shift = 0; let x;
    do { x = b[at++]; n |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
    at += n;
  };
  assert.equal(p.type, 1, 'CONNECT first');
  const name = bytes().toString();
  const level = b[at++];
  const flags = b[at++];
  const keepalive = b.readUInt16BE(at);
  at += 2;
  if (level === 5) skipProps();
  const clientId = bytes().toString();
  if (flags & 0x04) { if (level === 5) skipProps(); bytes(); bytes(); }
  const username = flags & 0x80 ? bytes().toString() : undefined;
  const password = flags & 0x40 ? bytes().toString() : undefined;
  return { name, level, clean: (flags & 0x02) !== 0, keepalive, clientId, username, password };
}

/** Reads a SUBSCRIBE's first topic filter. */
export function subscribeFilter(p, v5) {
  const b = p.body;
  let at = 2;
  if (v5) {
    let n = 0; let shift = 0; let x;
    do { x = b[at++]; n |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
    at += n;
  }
  return b.subarray(at + 2, at + 2 + b.readUInt16BE(at)).toString();
}

/**
 * Starts the fixtures before a file's tests and stops them after; `assign` receives
 * `{ broker, limits, server, browser, page }` once they are up.
 */
/**
 * One mosquitto (extra configuration `config`, options of its WebSocket listener `listener`;
 * either may be a function, called when the fixtures start), the static server, Chromium (with
 * `flags`) and a page with the package and `window.h`, started before a test file's tests and
 * stopped after them; `assign({ broker, server, browser, page })` gets them.
 */
export function usePage(assign, { config = '', listener, flags = [] } = {}) {
  let broker, server, browser, page;
  const made = (v) => (typeof v === 'function' ? v() : v);
  before(async () => {
    const listen = made(listener);
    [broker, server, browser] = await Promise.all([
      startMosquitto(made(config), listen === undefined ? {} : { listener: listen }),
      startServer(),
      launchBrowser(flags),
    ]);
    page = await openPage(browser, server.origin);
    await installHelpers(page);
    assign({ broker, server, browser, page });
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    broker?.stop();
  });
}

export function useFixtures(assign) {
  let broker, limits, server, browser, page;
  before(async () => {
    const aclDir = mkdtempSync(join(tmpdir(), 'wasmqtt-acl-'));
    writeFileSync(join(aclDir, 'acl'), 'topic readwrite ok/#\n');
    // Each assigned as soon as it is up, so that after() stops it even if another fails.
    await Promise.all([
      startMosquitto().then((b) => { broker = b; }),
      // Limits the client must learn from CONNACK and respect; publishing outside ok/# is denied.
      startMosquitto(`max_packet_size 1000\nretain_available false\nmax_keepalive 10\nacl_file ${join(aclDir, 'acl')}`,
        { listener: 'max_qos 1' }).then((b) => { limits = b; }),
      startServer().then((s) => { server = s; }),
      launchBrowser().then((b) => { browser = b; }),
    ]);
    page = await openPage(browser, server.origin);
    await installHelpers(page);
    assign({ broker, limits, server, browser, page });
  });

  after(async () => {
    await browser?.close();
    server?.stop();
    broker?.stop();
    limits?.stop();
  });
}
