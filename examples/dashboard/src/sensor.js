// A simulated sensor (one per iframe): the handbook's "A/status" pattern, a retained "online"
// on connect and a retained "offline" will for when it vanishes; a temperature every 500 ms;
// answers commands with MQTT 5 request/response (response topic + correlation data).
import init, { connectAsync } from 'wasmqtt';
import { broker } from './config.js';

const id = new URLSearchParams(location.search).get('id');
const status = `sensors/${id}/status`;

await init();
const client = await connectAsync(broker, {
  protocolVersion: 5,
  clientId: `${id}-${Math.random().toString(16).slice(2, 8)}`,
  will: { topic: status, payload: 'offline', qos: 1, retain: true },
});
await client.publishAsync(status, 'online', { qos: 1, retain: true });
await client.subscribeAsync(`sensors/${id}/cmd`, { qos: 1 });
client.on('message', (topic, payload, packet) => {
  const { responseTopic, correlationData } = packet.properties ?? {};
  if (!responseTopic) return;
  const reply = `${new TextDecoder().decode(payload) === 'ping' ? 'pong' : 'unknown command'} from ${id}`;
  client.publish(responseTopic, reply, { qos: 1, properties: { correlationData } });
});
let t = 20 + Math.random() * 5;
setInterval(() => {
  t += (Math.random() - 0.5) * 0.4;
  client.publish(`sensors/${id}/temp`, t.toFixed(2), { qos: 0 });
}, 500);
