// The broker: ?broker=ws://… in the page URL, else the one `scripts/run` starts.
export const broker = new URLSearchParams(location.search).get('broker') ?? 'ws://127.0.0.1:8083/mqtt';
export const SENSORS = ['sensor-1', 'sensor-2', 'sensor-3'];
