// The app benchmark's publisher, outside the browser: feeds a topic over MQTT 3.1.1/TCP.
import { connect as tcpConnect } from 'node:net';
import { once } from 'node:events';
import { mqttString, mqttPacket } from '../tests/browser/harness.mjs';

/**
 * Publishes `count` QoS 0 messages to `topic` over MQTT 3.1.1/TCP from here, outside the
 * browser: `rate` per second in 10 ms slices, or as fast as the socket takes them when 0.
 */
export async function publishFromNode(tcpPort, { topic, count, rate }) {
  const socket = tcpConnect(tcpPort, '127.0.0.1');
  await once(socket, 'connect');
  socket.resume();
  socket.write(mqttPacket(0x10, Buffer.concat([mqttString('MQTT'), Buffer.from([4, 2, 0, 60]), mqttString(`bench-publisher-${Date.now()}`)])));
  const message = (i) => mqttPacket(0x30, Buffer.concat([mqttString(topic), Buffer.from(JSON.stringify({ i, value: Math.sin(i / 100) }))]));
  const slice = rate > 0 ? Math.max(1, Math.round(rate / 100)) : count;
  const started = Date.now();
  for (let sent = 0; sent < count;) {
    const n = Math.min(slice, count - sent);
    socket.write(Buffer.concat(Array.from({ length: n }, (_, k) => message(sent + k))));
    sent += n;
    if (rate > 0) {
      const due = started + (sent / rate) * 1000;
      await new Promise((ok) => setTimeout(ok, Math.max(0, due - Date.now())));
    }
  }
  socket.end(Buffer.from([0xe0, 0]));
  await once(socket, 'close');
}
