// The dashboard: subscribes with wildcards, shows each sensor's value with a sparkline and its
// online/offline status, and sends a command with request/response.
import init, { connectAsync } from 'wasmqtt';
import { broker, SENSORS } from './config.js';

const HISTORY = 40;
const cards = new Map();

function card(id) {
  if (cards.has(id)) return cards.get(id);
  const el = document.createElement('section');
  el.className = 'card';
  el.setAttribute('aria-label', id);
  el.innerHTML = `<h2></h2><p class="status">unknown</p><p class="value">–</p>
    <svg class="spark" viewBox="0 0 ${HISTORY - 1} 20" preserveAspectRatio="none" aria-hidden="true"><polyline/></svg>
    <p class="actions"><button class="ping">Ping</button><button class="crash">Crash</button></p>
    <p class="reply" role="status"></p>`;
  el.querySelector('h2').textContent = id;
  document.getElementById('cards').append(el);
  const entry = { el, values: [] };
  cards.set(id, entry);
  return entry;
}

function showValue(id, text) {
  const entry = card(id);
  const value = Number(text);
  entry.el.querySelector('.value').textContent = `${text} °C`;
  if (!Number.isFinite(value)) return;
  entry.values = [...entry.values, value].slice(-HISTORY);
  const lo = Math.min(...entry.values), hi = Math.max(...entry.values);
  const points = entry.values.map((v, i) => `${i},${20 - ((v - lo) / (hi - lo || 1)) * 18 - 1}`).join(' ');
  entry.el.querySelector('polyline').setAttribute('points', points);
  // The line fills the card from the first value on, then scrolls once the history is full.
  entry.el.querySelector('svg').setAttribute('viewBox', `0 0 ${Math.max(entry.values.length - 1, 1)} 20`);
}

function showStatus(id, text) {
  const status = card(id).el.querySelector('.status');
  status.textContent = text;
  status.dataset.state = text;
}

document.getElementById('broker').textContent = broker;
await init();
const client = await connectAsync(broker, { protocolVersion: 5, clientId: `dashboard-${Date.now()}` });
document.getElementById('status').value = 'connected';
client.on('close', ({ code, reason }) => { document.getElementById('status').value = `closed ${code ?? ''} ${reason ?? ''}`; });
client.on('message', (topic, payload) => {
  const [, id, kind] = topic.split('/');
  const text = new TextDecoder().decode(payload);
  if (kind === 'temp') showValue(id, text);
  if (kind === 'status') showStatus(id, text);
});
await client.subscribeAsync(['sensors/+/temp', 'sensors/+/status'], { qos: 1 });

// The sensors run in hidden iframes of this page; Crash removes one without a DISCONNECT.
for (const id of SENSORS) {
  const { el } = card(id);
  const frame = Object.assign(document.createElement('iframe'), { src: `./sensor.html?id=${id}&broker=${encodeURIComponent(broker)}` });
  document.getElementById('sensors').append(frame);
  el.querySelector('.crash').addEventListener('click', () => frame.remove());
  el.querySelector('.ping').addEventListener('click', async () => {
    const reply = el.querySelector('.reply');
    try {
      const response = await client.request(`sensors/${id}/cmd`, 'ping', { timeout: 3000 });
      reply.textContent = new TextDecoder().decode(response.payload);
    } catch (e) {
      reply.textContent = `${e.name}: ${e.message}`;
    }
  });
}
