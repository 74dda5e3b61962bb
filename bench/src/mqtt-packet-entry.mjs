// The entry esbuild bundles for the page: MQTT.js's parser and generator, mqtt-packet, and
// the Buffer polyfill its payloads must be made of (as in MQTT.js's own bundle).
import mqttPacket from 'mqtt-packet';
import { Buffer } from 'buffer';

export const { parser, generate } = mqttPacket;
export { Buffer };
