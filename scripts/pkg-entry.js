// The npm package's entry, bundled with wasm-bindgen's module into pkg/wasmqtt.js by build_pkg.
// It loads the wasm when the module is imported (top-level await), so that an MQTT.js program
// changes only its import line: connect() works with no init() first. A page that serves the
// wasm somewhere else still calls init({ module_or_path: url }) before connecting; a failed load is named then.
import load, * as bindings from './wasmqtt.js';

export * from './wasmqtt.js';

/** Why the wasm could not be loaded next to this module, until a load succeeds. */
let loadError;

/** Loads the wasm: from `options` (a URL, a Response, bytes, a module), or next to this module. */
export default async function init(options) {
  const loaded = await load(options);
  loadError = undefined;
  return loaded;
}

/** Instantiates the wasm from bytes or a module, synchronously. */
export function initSync(options) {
  const loaded = bindings.initSync(options);
  loadError = undefined;
  return loaded;
}

function loaded() {
  if (loadError === undefined) return;
  const e = new Error(`wasmqtt's wasm could not be loaded next to the module (${loadError}); serve wasmqtt_bg.wasm there, or call init({ module_or_path: url }) first`);
  e.name = 'MqttUsageError';
  throw e;
}

/** `connect(url, options)`, once the wasm is loaded (see the module's top). */
export function connect(url, options) {
  loaded();
  return bindings.connect(url, options);
}

/** `connectAsync(url, options)`, once the wasm is loaded (see the module's top). */
export function connectAsync(url, options) {
  try {
    loaded();
  } catch (e) {
    return Promise.reject(e);
  }
  return bindings.connectAsync(url, options);
}

try {
  await load();
} catch (e) {
  // Not fatal: the page may serve the wasm elsewhere and call init. Outside a browser
  // (server-side rendering) there is nothing to fetch.
  loadError = e instanceof Error ? e.message : String(e);
}
