// An MQTT.js v5 program, type-checked against pkg/wasmqtt.d.ts by the test command
// (`tsc --noEmit`): only the import differs from MQTT.js.
import init, { connect, connectAsync, type IClientOptions, type IPublishPacket, type MqttError } from '../../pkg/wasmqtt.js';

export async function main(url: string): Promise<void> {
  await init();
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: 'dashboard-1',
    clean: true,
    keepalive: 30,
    reconnectPeriod: 1000,
    will: { topic: 'dashboard/status', payload: 'offline', qos: 1, retain: true },
    properties: { sessionExpiryInterval: 60, userProperties: { app: 'demo' } },
  };
  const client = connect(url, options);
  client.on('connect', (connack) => console.log('connected', connack.sessionPresent));
  client.on('message', (topic: string, payload: Uint8Array, packet: IPublishPacket) => {
    console.log(topic, new TextDecoder().decode(payload), packet.qos, packet.properties.contentType);
  });
  client.on('error', (err: MqttError) => console.error(err.name, err.code, err.reasonName));
  client.on('close', () => console.log('closed'));
  client.subscribe('sensors/#', { qos: 1 }, (err, granted) => {
    if (err) throw err;
    console.log(granted?.map((g) => g.qos));
  });
  client.publish('sensors/t1', '21.5', { qos: 1, retain: true });
  client.publish('sensors/t2', new Uint8Array([1, 2]));
  await client.publishAsync('sensors/t3', 'x', { qos: 2, properties: { contentType: 'text/plain' } });
  const granted = await client.subscribeAsync({ 'a/b': { qos: 2, nl: true }, 'c/+': 1 });
  granted.forEach((g) => console.log(g.topic, g.qos));
  await client.unsubscribeAsync('a/b');
  const answer = await client.request('svc/time', 'now?', { qos: 1, timeout: 5000 });
  console.log(answer.topic, answer.packet.properties.correlationData);
  client.end(false, {}, () => console.log('ended'));
  // The types catch what MQTT.js users get wrong most.
  // @ts-expect-error: the option is keepalive, not keepAlive
  connect(url, { keepAlive: 10 });
  // @ts-expect-error: QoS 3 does not exist
  client.publish('t', 'x', { qos: 3 });
  // @ts-expect-error: payloads are strings or bytes
  client.publish('t', 42);
  const other = await connectAsync(url, { protocolVersion: 4 });
  await other.endAsync();
  // Options are optional; end takes MQTT.js's argument shapes.
  const plain = connect(url);
  connect({ host: 'broker.example', port: 8084, protocol: 'wss', path: '/mqtt' }).end(true);
  plain.end({ reasonCode: 4, properties: { reasonString: 'bye' } }, (err) => console.log(err?.name));
  const ok: { cmd: string; reasonCode: number } | undefined = await (await connectAsync(url)).publishAsync('t', 'x');
  console.log(ok?.reasonCode);
  await (await connectAsync(url)).endAsync(true);
}
