// Terminal-side MQTT uplink (mqtt.js, QoS 1): a send resolves when the broker's PUBACK arrives.
import mqtt, { type MqttClient } from 'mqtt';
import { toDownlinkTopic, toUplinkTopic } from '../topics.ts';
import { TransportError } from '../errors.ts';

/** Result of one uplink send: acknowledged (committed) or failed (retry later). */
export type UplinkSendResult = { ok: true } | { ok: false; reason: 'TIMEOUT' | 'DISCONNECTED' };

/** One MQTT connection that may carry the uplinks of one or many terminals (a concentrator). */
export interface MqttUplinkClient {
  send(titleHex: string, frame: Uint8Array): Promise<UplinkSendResult>;
  /** Subscribes to a terminal's downlink topic; frames arrive through `onDownlink`. */
  listenDownlink(titleHex: string, onDownlink: (frame: Uint8Array) => void): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link connectMqttUplink}. */
export interface MqttUplinkOptions {
  url: string;
  clientId: string;
  /** @default 4 (MQTT 3.1.1, what aedes speaks) */
  protocolVersion?: 4 | 5;
  /** A send not acknowledged within this time resolves `{ ok: false, reason: 'TIMEOUT' }`. @default 10000 */
  ackTimeoutMs?: number;
}

/** Connects one uplink client; throws TransportError when the broker is unreachable. */
export async function connectMqttUplink(opts: MqttUplinkOptions): Promise<MqttUplinkClient> {
  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(opts.url, {
      clientId: opts.clientId,
      protocolVersion: opts.protocolVersion ?? 4,
      reconnectPeriod: 500,
      connectTimeout: 5000,
    });
  } catch (cause) {
    throw new TransportError('GT_ERR_TRANSPORT_CONNECT', `cannot connect to ${opts.url}`, {
      hint: 'check that the platform is running and the port is right',
      cause,
    });
  }
  const handlers = new Map<string, (f: Uint8Array) => void>();
  client.on('message', (topic, payload) => handlers.get(topic)?.(payload));
  client.on('error', () => undefined); // reconnects; sends report TIMEOUT meanwhile
  const timeoutMs = opts.ackTimeoutMs ?? 10_000;
  return {
    send: (titleHex, frame) => sendWithTimeout(client, toUplinkTopic(titleHex), frame, timeoutMs),
    listenDownlink: async (titleHex, onDownlink) => {
      const topic = toDownlinkTopic(titleHex);
      handlers.set(topic, onDownlink);
      await client.subscribeAsync(topic, { qos: 1 });
    },
    close: () => client.endAsync(true),
  };
}

function sendWithTimeout(
  client: MqttClient,
  topic: string,
  frame: Uint8Array,
  timeoutMs: number,
): Promise<UplinkSendResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: 'TIMEOUT' }), timeoutMs);
    client.publish(topic, Buffer.from(frame), { qos: 1 }, (e) => {
      clearTimeout(timer);
      resolve(e ? { ok: false, reason: 'DISCONNECTED' } : { ok: true });
    });
  });
}
