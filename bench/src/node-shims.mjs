// Node globals mqtt-packet expects, from their browser packages (as MQTT.js's own bundle does).
import { Buffer } from 'buffer';
import process from 'process';

export { Buffer, process };
