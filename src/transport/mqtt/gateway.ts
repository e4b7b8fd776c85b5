// External-broker gateway (mqtt.js): subscribes QoS 1 to uplinks and acks each one only after commit.
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { FrameSink, Listener } from '../port.ts';
import { SHARED_UPLINK_FILTER, UPLINK_FILTER, parseUplinkTopic, toDownlinkTopic } from '../topics.ts';
import { TransportError } from '../errors.ts';

/** Options of {@link startMqttGateway}. */
export interface MqttGatewayOptions {
  sink: FrameSink;
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5 (enables the shared subscription). @default 5 */
  protocolVersion?: 4 | 5;
  /** Persistent session id: unacked uplinks are redelivered to it after a restart. */
  clientId: string;
  /** With MQTT 5: join `$share/<group>/...` so several gateways share the load. @default true */
  shared?: boolean;
  /** Shared-subscription group: gateways of one platform share one group. @default 'gridtrust' */
  shareGroup?: string;
  /**
   * How long the broker keeps the session (and its unacked uplinks) after a disconnect, in seconds;
   * 0 = a clean session that ends with the connection. @default 3600
   */
  sessionExpirySeconds?: number;
  onError?: (e: unknown) => void;
}

/** A connected gateway; `publishDownlink` sends to `gt/v1/<title>/down` through the broker. */
export interface MqttGateway extends Omit<Listener, 'port'> {
  publishDownlink(topic: string, frame: Uint8Array): Promise<void>;
}

function handleMessageWith(opts: MqttGatewayOptions, client: MqttClient) {
  return (packet: IPublishPacket, done: (e?: Error) => void): void => {
    const meta = { transport: 'mqtt-gateway' as const, peer: opts.clientId };
    const parsed = parseUplinkTopic(packet.topic);
    if (!parsed.ok) {
      opts.sink.recordRejection('BAD_TOPIC', meta);
      return done();
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    opts.sink.handleFrame(payload, { ...meta, topicTitle: parsed.title }).then(
      (out) => {
        if (out.ok && out.reply !== undefined) {
          client.publish(toDownlinkTopic(parsed.title), Buffer.from(out.reply), { qos: 1 });
        }
        done(); // mqtt.js sends the PUBACK when done() is called: only after commit
      },
      (e: unknown) => {
        // Not acknowledged: the broker redelivers it on reconnect (persistent session).
        opts.onError?.(e);
        done(e instanceof Error ? e : new Error('ingest failed'));
      },
    );
  };
}

/**
 * Connects to an external broker (Mosquitto, EMQX, ...) with a persistent session (`clean: false`) and
 * subscribes QoS 1 to every uplink. mqtt.js acknowledges a message only when `handleMessage` calls
 * back, which we do after the durable commit.
 */
export async function startMqttGateway(opts: MqttGatewayOptions): Promise<MqttGateway> {
  const version = opts.protocolVersion ?? 5;
  const expiry = opts.sessionExpirySeconds ?? 3600;
  const clientOpts: IClientOptions = {
    clientId: opts.clientId,
    protocolVersion: version,
    clean: expiry === 0,
    reconnectPeriod: 1000,
    ...(version === 5 && expiry > 0 ? { properties: { sessionExpiryInterval: expiry } } : {}),
  };
  const client: MqttClient = mqtt.connect(opts.url, clientOpts);
  client.handleMessage = handleMessageWith(opts, client);
  client.on('error', (e) => opts.onError?.(e));
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const group = opts.shareGroup ?? 'gridtrust';
    const filter =
      version === 5 && opts.shared !== false
        ? SHARED_UPLINK_FILTER.replace('gridtrust', group)
        : UPLINK_FILTER;
    await client.subscribeAsync(filter, { qos: 1 });
  } catch (cause) {
    client.end(true);
    throw new TransportError('GT_ERR_TRANSPORT_CONNECT', `cannot connect to MQTT broker ${opts.url}`, {
      hint: 'check the broker address and that it accepts this protocol version',
      cause,
    });
  }
  return {
    publishDownlink: async (topic, frame) => {
      await client.publishAsync(topic, Buffer.from(frame), { qos: 1 });
    },
    close: () => client.endAsync(),
  };
}
