// The app under load: messages published from outside the browser (the benchmark's Node side)
// at a steady rate, frame times measured in the app's window while it ingests them; then
// scrolling through 100,000 messages, frame by frame.
const params = new URL(location.href).searchParams;
const QUICK = params.has('quick');
const RATE = Number(params.get('rate') ?? 5_000); // messages per second; 5,000 is the target
const SECONDS = QUICK ? 1 : 10;
const TOTAL = QUICK ? 10_000 : 100_000;
const TOPIC = 'appbench/t';

const report = (kind, body) => fetch(`/bench-report/${kind}`, { method: 'POST', body: JSON.stringify(body) });

const frame = document.getElementById('app');
const loaded = new Promise((ok) => frame.addEventListener('load', ok, { once: true }));
frame.src = `../www/dist/index.html?broker=${encodeURIComponent(params.get('broker'))}`;
await loaded;
const win = frame.contentWindow;
const doc = frame.contentDocument;

/** Resolves when `check()` holds, checked on each of the app's DOM changes. */
function until(check, what, ms = 60_000) {
  return new Promise((ok, fail) => {
    if (check()) return ok();
    const timer = setTimeout(() => { observer.disconnect(); fail(new Error(`app: no ${what} in ${ms} ms`)); }, ms);
    const observer = new MutationObserver(() => {
      if (check()) { clearTimeout(timer); observer.disconnect(); ok(); }
    });
    observer.observe(doc.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const count = () => Number(/(\d+) messages/.exec(doc.querySelector('.messages .count')?.textContent ?? '')?.[1] ?? 0);

/** Frame-to-frame times in the app's window until `stop()` resolves, each with when it ended. */
async function frameTimes(stop) {
  const times = [];
  let last = null;
  let running = true;
  const tick = (t) => {
    if (last !== null) times.push({ duration: t - last, end: t });
    last = t;
    if (running) win.requestAnimationFrame(tick);
  };
  win.requestAnimationFrame(tick);
  await stop;
  running = false;
  return times;
}

/** The app's animation frames longer than 50 ms while `stop` is pending, with what ran in
 *  them (Chromium's Long Animation Frames API): where a long frame comes from. */
async function longFrames(stop) {
  if (!PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) return [];
  // Observed from the benchmark's own window: the frame shares its event loop, and Chromium
  // reports its long frames to the top window, not to the frame's.
  const entries = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ type: 'long-animation-frame' });
  await stop;
  entries.push(...observer.takeRecords());
  observer.disconnect();
  return entries.sort((a, b) => b.duration - a.duration).slice(0, 5).map((e) => ({
    duration: e.duration,
    start: e.startTime,
    blocking: e.blockingDuration,
    render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
    styleAndLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
    scripts: e.scripts.map((x) => ({
      invoker: x.invoker, duration: x.duration, forcedLayout: x.forcedStyleAndLayoutDuration,
      source: `${x.sourceFunctionName || '?'} ${x.sourceURL?.split('/').pop() ?? ''}:${x.sourceCharPosition ?? ''}`,
    })),
  }));
}

/** Median, p95 and longest frame, and when the longest ended (ms after `start`). */
function summary(times, start) {
  const s = times.map((x) => x.duration).sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const longest = times.reduce((a, b) => (b.duration > a.duration ? b : a), times[0]);
  return { frames: s.length, median: at(0.5), p95: at(0.95), max: s[s.length - 1], maxAt: longest.end - start };
}

async function main() {
  await until(() => doc.querySelector('.status[role=status]')?.textContent.includes('Connected'), 'connection');
  const subscriptions = doc.querySelector('[aria-label=Subscriptions]');
  const topic = subscriptions.querySelector('input[aria-label=Topic]');
  topic.value = 'appbench/#';
  topic.dispatchEvent(new win.Event('input', { bubbles: true }));
  [...subscriptions.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Subscribe').click();
  await until(() => subscriptions.textContent.includes('granted QoS 0'), 'SUBACK');

  // Ingest at a steady rate; the Node side publishes while the frames are measured.
  const ingestN = RATE * SECONDS;
  // The app's frames are timed on its window's clock, the long frames on this window's.
  const started = performance.now();
  const startedInApp = win.performance.now();
  const published = report('publish', { topic: TOPIC, count: ingestN, rate: RATE });
  const ingested = until(() => count() >= ingestN, `${ingestN} messages`, 120_000);
  const [ingestFrames, ingestLong] = await Promise.all([frameTimes(ingested), longFrames(ingested)]);
  const ingestSeconds = (performance.now() - started) / 1000;
  await published;

  // Fill up to TOTAL as fast as the broker sends, then scroll through all of it.
  await report('publish', { topic: TOPIC, count: TOTAL - ingestN, rate: 0 });
  await until(() => count() >= TOTAL, `${TOTAL} messages`, 300_000);
  const list = doc.querySelector('.message-list');
  list.scrollTop = 0;
  const steps = QUICK ? 60 : 600;
  const stride = list.scrollHeight / steps;
  let step = 0;
  const scrolled = new Promise((ok) => {
    const scroll = () => {
      list.scrollTop = ++step * stride;
      if (step < steps) win.requestAnimationFrame(scroll); else ok();
    };
    win.requestAnimationFrame(scroll);
  });
  const scrollStarted = performance.now();
  const scrollStartedInApp = win.performance.now();
  const [scrollFrames, scrollLong] = await Promise.all([frameTimes(scrolled), longFrames(scrolled)]);
  return {
    ingest: { rate: RATE, messages: ingestN, seconds: ingestSeconds, achieved: ingestN / ingestSeconds, ...summary(ingestFrames, startedInApp), long: ingestLong.map((f) => ({ ...f, start: f.start - started })) },
    scroll: { messages: count(), steps, rows: doc.querySelectorAll('.message').length, listHeight: list.clientHeight, listScroll: list.scrollHeight, ...summary(scrollFrames, scrollStartedInApp), long: scrollLong.map((f) => ({ ...f, start: f.start - scrollStarted })) },
  };
}

main().then((app) => report('done', { userAgent: navigator.userAgent, app }), (e) => report('error', `${e.stack ?? e}`));
