// Numbered QoS 1 and QoS 2 streams both ways between two clients in one page, and the tally
// that says what arrived: shared by the fault scenarios (proxy cuts, broker restarts).

/** Per stream: how many at most may be on their way at once. Closed loop, so that the load
 *  follows what the link carries instead of queueing without end. */
export const WINDOW = 500;

/**
 * Starts clients "up" and "down" in the page (`up` publishes f/up/1 and f/up/2, which `down`
 * receives, and the reverse) and their streams: one message per stream every 4 ms while fewer
 * than WINDOW are on their way. `up` and `down` are `{ url, options }`; `up` connects in the
 * background (it may be the one whose link is cut). With `audit`, records packet by packet
 * what the broker acknowledged and resent (see `tally`). Leaves `window.faults` for
 * `finishStreams`.
 */
export async function startStreams(page, up, down, audit = false) {
  await page.evaluate(async ({ up, down, limit, audit }) => {
    const downClient = await wasmqtt.connectAsync(down.url, down.options);
    const upClient = wasmqtt.connect(up.url, up.options);
    await h.event(upClient, 'connect', 10000);
    const received = { 'up/1': [], 'up/2': [], 'down/1': [], 'down/2': [] };
    const unique = { 'up/1': new Set(), 'up/2': new Set(), 'down/1': new Set(), 'down/2': new Set() };
    const record = (topic, payload) => {
      const stream = topic.slice(2);
      const n = Number(new TextDecoder().decode(payload));
      received[stream]?.push(n);
      unique[stream]?.add(n);
    };
    downClient.on('message', record);
    upClient.on('message', record);
    await downClient.subscribeAsync('f/up/#', { qos: 2 });
    await upClient.subscribeAsync('f/down/#', { qos: 2 });
    const sent = { 'up/1': 0, 'up/2': 0, 'down/1': 0, 'down/2': 0 };
    // Refused because the offline queue was at its bound (`queueLimit`): never sent.
    const refused = { 'up/1': new Set(), 'up/2': new Set(), 'down/1': new Set(), 'down/2': new Set() };
    const errors = [];
    const queue = { limit: up.options.queueLimit, max: 0 };
    const timer = setInterval(() => {
      for (const [client, dir] of [[upClient, 'up'], [downClient, 'down']]) {
        for (const qos of [1, 2]) {
          const stream = `${dir}/${qos}`;
          if (sent[stream] - unique[stream].size - refused[stream].size >= limit) continue;
          const n = sent[stream]++;
          client.publish(`f/${stream}`, String(n), { qos }, (e) => {
            if (e && /queue is full/.test(e.message)) refused[stream].add(n);
            else if (e) errors.push(`${stream}: ${e.message}`);
          });
        }
      }
      queue.max = Math.max(queue.max, upClient.queuedMessages);
    }, 4);
    window.faults = { up: upClient, down: downClient, received, sent, refused, errors, queue, stop: () => clearInterval(timer) };
    if (audit) window.faults.audit = auditPackets(upClient, downClient);

    /** What each side did, packet by packet, so that a loss, a QoS 2 duplicate or a late
     *  first arrival can be told apart as the broker's or the client's. */
    function auditPackets(upClient, downClient) {
      const stream = (p) => p.topic.slice(2);
      const number = (p) => Number(new TextDecoder().decode(p.payload));
      const out = { acked: {}, clientDuplicated: {}, publisherOutOfOrder: {}, arrivedLate: {} };
      const firstArrived = {};
      const lastArrived = {};
      for (const s of Object.keys(sent)) {
        out.acked[s] = new Set();
        out.arrivedLate[s] = new Set();
        firstArrived[s] = new Set();
        out.clientDuplicated[s] = 0;
        out.publisherOutOfOrder[s] = 0;
      }
      for (const client of [upClient, downClient]) {
        const sentById = new Map(); // packet id -> [stream, n] of our last PUBLISH with it
        const sentOnce = new Set();
        const lastFirstSent = {};
        const openIn = new Set(); // packet ids of incoming QoS 2 exchanges not yet completed
        const arrivedOpen = new Map(); // packet id -> whether its last PUBLISH came while open
        client.on('packetsend', (p) => {
          if (p.cmd === 'publish' && p.qos > 0) {
            const [s, n] = [stream(p), number(p)];
            if (!sentOnce.has(`${s}:${n}`)) {
              if (n < (lastFirstSent[s] ?? -1)) out.publisherOutOfOrder[s]++;
              lastFirstSent[s] = Math.max(n, lastFirstSent[s] ?? -1);
            }
            sentOnce.add(`${s}:${n}`);
            sentById.set(p.messageId, [s, n]);
          } else if (p.cmd === 'pubcomp') {
            openIn.delete(p.messageId);
          }
        });
        client.on('packetreceive', (p) => {
          if ((p.cmd === 'puback' || p.cmd === 'pubrec') && sentById.has(p.messageId)) {
            const [s, n] = sentById.get(p.messageId);
            out.acked[s]?.add(n);
          } else if (p.cmd === 'publish') {
            // The order PUBLISH packets came in: a message whose first packet came after a
            // later one's was reordered before the client saw it.
            const [s, n] = [stream(p), number(p)];
            if (firstArrived[s] && !firstArrived[s].has(n)) {
              firstArrived[s].add(n);
              if (n < (lastArrived[s] ?? -1)) out.arrivedLate[s].add(n);
              lastArrived[s] = Math.max(n, lastArrived[s] ?? -1);
            }
            if (p.qos === 2) {
              arrivedOpen.set(p.messageId, openIn.has(p.messageId));
              openIn.add(p.messageId);
            }
          }
        });
        // Delivered although its exchange was open: the client failed to recognise a repeat
        // [MQTT-4.3.3-10]. A repeat on a new exchange cannot be recognised: the broker sent it.
        client.on('message', (topic, payload, packet) => {
          if (packet.qos === 2 && arrivedOpen.get(packet.messageId)) out.clientDuplicated[topic.slice(2)]++;
        });
      }
      return out;
    }
  }, { up, down, limit: WINDOW, audit });
}

/**
 * Per stream: what was sent, what was refused (offline queue full: not sent, the publisher
 * told so), what arrived, duplicates, missing, first arrivals out of order. With the `audit`
 * of `startStreams`, also what the broker is to blame for:
 *   brokerLost        missing although the broker had acknowledged it (PUBACK or PUBREC)
 *   brokerDuplicated  QoS 2 arrivals beyond the first that came on a new exchange: the
 *                     receiver cannot know them for repeats, the broker sent them again
 *   brokerReordered   first arrivals out of order whose PUBLISH packet also came in after a
 *                     later one's, although the publisher sent them in order (one the
 *                     client delivered out of the order its packets came in stays the
 *                     client's)
 */
export function tally(sent, received, refused, audit) {
  const out = {};
  for (const [stream, list] of Object.entries(received)) {
    const count = new Map();
    let outOfOrder = 0;
    let arrivedLate = 0;
    let last = -1;
    for (const n of list) {
      count.set(n, (count.get(n) ?? 0) + 1);
      if (count.get(n) > 1) continue;
      if (n < last) {
        outOfOrder++;
        if (audit?.arrivedLate[stream].has(n)) arrivedLate++;
      }
      last = n;
    }
    let missing = 0;
    let brokerLost = 0;
    for (let n = 0; n < sent[stream]; n++) {
      if (count.has(n) || refused[stream].has(n)) continue;
      missing++;
      if (audit?.acked[stream].has(n)) brokerLost++;
    }
    const duplicates = list.length - count.size;
    const qos2 = stream.endsWith('/2');
    const brokerDuplicated = qos2 && audit ? duplicates - audit.clientDuplicated[stream] : 0;
    const brokerReordered = audit && audit.publisherOutOfOrder[stream] === 0 ? arrivedLate : 0;
    out[stream] = {
      sent: sent[stream], refused: refused[stream].size, arrived: list.length,
      duplicates, missing, outOfOrder,
    };
    if (audit) Object.assign(out[stream], { brokerLost, brokerDuplicated, brokerReordered });
  }
  return out;
}

/**
 * Stops publishing, waits for every message of every stream (while messages still arrive) and for both
 * clients to be connected, and returns `{ figures, errors, connected }` counted in the page
 * (a soak run's streams are too long to copy out).
 */
export async function finishStreams(page) {
  await page.evaluate(() => window.faults.stop());
  return page.evaluate(async (tallySource) => {
    const { up, down, received, sent, refused, errors, queue, audit } = window.faults;
    const all = () => Object.keys(sent).every((s) => new Set(received[s]).size + refused[s].size >= sent[s]);
    // Until everything has arrived, or nothing more has for 8 s (a soak run may take a while).
    const count = () => Object.values(received).reduce((sum, list) => sum + list.length, 0);
    for (let last = -1, n = count(); !all() && n !== last; last = n, n = count()) {
      await h.until(all, 'every message of every stream', 8000).catch(() => {});
    }
    const connected = () => up.connected && down.connected;
    await h.until(connected, 'both clients connected', 10000).catch(() => {});
    const figures = new Function(`return (${tallySource})`)()(sent, received, refused, audit);
    return { figures, queue, errors: errors.slice(0, 20), connected: connected() };
  }, tally.toString());
}

/** Prints the figures and asserts: nothing missing, first arrivals in order, QoS 2 never
 *  duplicated, no publish failed but for a full queue, the queue within its bound, both
 *  clients connected at the end. What an audit puts on
 *  the broker (see `tally`) is printed and left out of the counts. */
export function assertNothingLost(assert, result) {
  for (const [stream, f] of Object.entries(result.figures)) console.log(`  ${stream.padEnd(6)} ${JSON.stringify(f)}`);
  for (const error of result.errors) console.log(`  publish failed: ${error}`);
  console.log(`  offline queue of "up": at most ${result.queue.max} messages (queueLimit ${result.queue.limit})`);
  for (const [stream, f] of Object.entries(result.figures)) {
    assert.equal(f.missing - (f.brokerLost ?? 0), 0, `${stream}: lost messages`);
    assert.equal(f.outOfOrder - (f.brokerReordered ?? 0), 0, `${stream}: first arrivals out of order`);
    if (stream.endsWith('/2')) assert.equal(f.duplicates - (f.brokerDuplicated ?? 0), 0, `${stream}: QoS 2 duplicated`);
  }
  assert.deepEqual(result.errors, []);
  assert.ok(result.queue.max <= result.queue.limit, 'the offline queue stays within queueLimit');
  assert.equal(result.connected, true, 'both clients end connected');
}
