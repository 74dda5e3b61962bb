// The canonical bundler path: import the package by name, let Vite bundle the glue and emit
// the wasm as an asset. As in an MQTT.js program, no init(): the module loads its wasm.
import { connectAsync } from 'wasmqtt';

const log = (line) => { document.getElementById('log').textContent += `${line}\n`; };

window.runRoundTrip = async (url) => {
  const client = await connectAsync(url, { protocolVersion: 5 });
  const received = new Promise((resolve) => client.on('message', (topic, payload) => resolve(`${topic}=${new TextDecoder().decode(payload)}`)));
  await client.subscribeAsync('vite/t', { qos: 1 });
  await client.publishAsync('vite/t', 'bundled', { qos: 1 });
  const message = await received;
  await client.endAsync();
  log(message);
  return message;
};
window.viteReady = true;
