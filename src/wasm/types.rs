//! TypeScript types for `pkg/wasmqtt.d.ts`: MQTT.js's names for options, packets and events,
//! and the client object (`client.js`), which wasm-bindgen does not see.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
export type QoS = 0 | 1 | 2;
export type UserProperties = { [key: string]: string | string[] };

export interface IPublishProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  topicAlias?: number;
  responseTopic?: string;
  correlationData?: Uint8Array;
  userProperties?: UserProperties;
  subscriptionIdentifier?: number | number[];
  contentType?: string;
}

export interface IConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  /** "SCRAM-SHA-256": username and password go through the AUTH exchange. */
  authenticationMethod?: string;
}

export interface IWillOptions {
  topic: string;
  payload?: string | Uint8Array;
  qos?: QoS;
  retain?: boolean;
  properties?: IPublishProperties & { willDelayInterval?: number };
}

export interface IClientOptions {
  /** These override the URL's parts, or make the URL: connect({ host, port, path }). */
  protocol?: 'ws' | 'wss' | 'mqtt' | 'mqtts';
  host?: string;
  hostname?: string;
  port?: number;
  path?: string;
  protocolVersion?: 3 | 4 | 5;
  clientId?: string;
  clean?: boolean;
  keepalive?: number;
  username?: string;
  password?: string | Uint8Array;
  /** Base reconnect delay in ms (0: no reconnect); doubles up to reconnectMaxPeriod, with jitter. */
  reconnectPeriod?: number;
  reconnectMaxPeriod?: number;
  maxReconnectAttempts?: number;
  connectTimeout?: number;
  resubscribe?: boolean;
  queueQoSZero?: boolean;
  queueLimit?: number;
  queueLimitBytes?: number;
  will?: IWillOptions;
  properties?: IConnectProperties;
  autoAssignTopicAlias?: boolean;
  autoUseTopicAlias?: boolean;
  /** Tried in rotation on reconnect, after the URL given to connect. */
  servers?: { host: string; port?: number; protocol?: 'ws' | 'wss'; path?: string }[];
  /** Called for every attempt; may return a promise (e.g. a freshly presigned URL). */
  transformWsUrl?: (url: string, options: IClientOptions) => string | Promise<string>;
  /** Keep unacknowledged QoS 1/2 messages and QoS 2 receive state in IndexedDB across page
   *  reloads (needs a clientId; use clean: false to resume). */
  store?: boolean | { name?: string };
}

export interface IClientPublishOptions {
  qos?: QoS;
  retain?: boolean;
  dup?: boolean;
  properties?: IPublishProperties;
}

export interface IClientRequestOptions extends IClientPublishOptions {
  /** ms, default 30000 */
  timeout?: number;
}

export interface IClientSubscribeOptions {
  qos?: QoS;
  nl?: boolean;
  rap?: boolean;
  rh?: 0 | 1 | 2;
  properties?: { subscriptionIdentifier?: number; userProperties?: UserProperties };
  /** Called for the messages this subscription caused. */
  handler?: (topic: string, payload: Uint8Array, packet: IPublishPacket) => void;
}

export interface ISubscriptionGrant { topic: string; qos: number; nl: boolean; rap: boolean; rh: number }

export interface IPublishPacket {
  cmd: 'publish';
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  messageId?: number;
  properties: IPublishProperties;
}

export interface IConnackPacket {
  cmd: 'connack';
  sessionPresent: boolean;
  returnCode?: number;
  reasonCode?: number;
  properties?: { [key: string]: unknown };
}

export interface IDisconnectPacket {
  cmd: 'disconnect';
  reasonCode: number;
  properties: { reasonString?: string; serverReference?: string };
}

/** `end()`'s DISCONNECT under MQTT 5 (3.x has neither, and they are left out there). */
export interface IDisconnectOptions {
  /** 0 (Normal disconnection) or 4 (Disconnect with Will Message), or another code a client may send. */
  reasonCode?: number;
  properties?: { sessionExpiryInterval?: number; reasonString?: string; userProperties?: UserProperties };
}

export interface IResponse { topic: string; payload: Uint8Array; packet: IPublishPacket }

/** Errors carry a stable name, and the MQTT reason code where one applies. */
export interface MqttError extends Error {
  name: 'MqttUsageError' | 'MqttConnectionError' | 'MqttPublishError' | 'MqttSubscriptionError' | 'MqttTimeoutError';
  code?: number;
  reasonName?: string;
}

export interface MqttClient {
  /** Whether CONNACK accepted the connection. */
  readonly connected: boolean;
  /** Whether the client is waiting to reconnect or reconnecting. */
  readonly reconnecting: boolean;
  /** The options passed to connect, with the defaults in force and the client id in use. */
  readonly options: IClientOptions & { clientId: string; protocolVersion: 3 | 4 | 5; keepalive: number; clean: boolean };
  /** Bytes written but not yet sent (the WebSocket's bufferedAmount plus held-back writes). */
  readonly bufferedAmount: number;
  /** Messages accepted but not yet sent (offline queue, Receive Maximum): at most `queueLimit`. */
  readonly queuedMessages: number;
  /** QoS 1 and 2 messages sent but not yet acknowledged (PUBACK, PUBCOMP). */
  readonly inflightMessages: number;
  publish(topic: string, message: string | Uint8Array, callback?: (error?: MqttError) => void): MqttClient;
  publish(topic: string, message: string | Uint8Array, options?: IClientPublishOptions, callback?: (error?: MqttError) => void): MqttClient;
  /** QoS 0 resolves with undefined once written; QoS 1 and 2 with the PUBACK or PUBCOMP. */
  publishAsync(topic: string, message: string | Uint8Array, options?: IClientPublishOptions): Promise<{ cmd: string; reasonCode: number } | undefined>;
  subscribe(topic: string | string[] | { [topic: string]: IClientSubscribeOptions | QoS }, callback?: (error: MqttError | null, granted?: ISubscriptionGrant[]) => void): MqttClient;
  subscribe(topic: string | string[] | { [topic: string]: IClientSubscribeOptions | QoS }, options?: IClientSubscribeOptions, callback?: (error: MqttError | null, granted?: ISubscriptionGrant[]) => void): MqttClient;
  subscribeAsync(topic: string | string[] | { [topic: string]: IClientSubscribeOptions | QoS }, options?: IClientSubscribeOptions): Promise<ISubscriptionGrant[]>;
  unsubscribe(topic: string | string[], callback?: (error?: MqttError) => void): MqttClient;
  unsubscribe(topic: string | string[], options?: object, callback?: (error?: MqttError) => void): MqttClient;
  unsubscribeAsync(topic: string | string[], options?: object): Promise<{ cmd: string; reasonCodes: number[] }>;
  request(topic: string, payload: string | Uint8Array, options?: IClientRequestOptions): Promise<IResponse>;
  /** Disconnects once what is in flight is acknowledged; with `force`, at once and without
   *  DISCONNECT, so the broker publishes the will. */
  end(force?: boolean, options?: IDisconnectOptions, callback?: (error?: MqttError) => void): MqttClient;
  end(force: boolean, callback: (error?: MqttError) => void): MqttClient;
  end(options: IDisconnectOptions, callback?: (error?: MqttError) => void): MqttClient;
  end(callback: (error?: MqttError) => void): MqttClient;
  on(event: 'connect', listener: (connack: IConnackPacket) => void): MqttClient;
  on(event: 'message', listener: (topic: string, payload: Uint8Array, packet: IPublishPacket) => void): MqttClient;
  on(event: 'disconnect', listener: (packet: IDisconnectPacket) => void): MqttClient;
  on(event: 'error', listener: (error: MqttError) => void): MqttClient;
  on(event: 'close', listener: (info: { code?: number; reason?: string; error: MqttError }) => void): MqttClient;
  on(event: 'reconnect' | 'offline' | 'end' | 'reauth', listener: () => void): MqttClient;
  on(event: 'packetsend' | 'packetreceive', listener: (packet: { cmd: string; [key: string]: unknown }) => void): MqttClient;
  once(event: 'connect', listener: (connack: IConnackPacket) => void): MqttClient;
  once(event: 'message', listener: (topic: string, payload: Uint8Array, packet: IPublishPacket) => void): MqttClient;
  once(event: 'error', listener: (error: MqttError) => void): MqttClient;
  once(event: string, listener: (...args: any[]) => void): MqttClient;
  on(event: string, listener: (...args: any[]) => void): MqttClient;
  addListener(event: string, listener: (...args: any[]) => void): MqttClient;
  off(event: string, listener: (...args: any[]) => void): MqttClient;
  removeListener(event: string, listener: (...args: any[]) => void): MqttClient;
  removeAllListeners(event?: string): MqttClient;
  emit(event: string, ...args: any[]): boolean;
  endAsync(force?: boolean, options?: IDisconnectOptions): Promise<void>;
  endAsync(options: IDisconnectOptions): Promise<void>;
  /** Connects again after end(), or now instead of after the backoff. */
  reconnect(): MqttClient;
  /** Resolves once every session change so far is committed to IndexedDB (store option). */
  whenStored(): Promise<void>;
}
"#;
