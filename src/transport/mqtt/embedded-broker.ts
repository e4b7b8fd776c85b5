// Embedded MQTT 3.1.1 broker (aedes): uplinks go through the ingest sink and are PUBACKed only after commit.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Listener } from '../port.ts';
import { isUplinkNamespace, toDownlinkTopic } from '../topics.ts';
import { TransportError } from '../errors.ts';
import { authorizePublishWith, type PublishGateOptions, type ReplyFn } from './publish-gate.ts';
import { createTransportCounters, type TransportCounters } from '../counters.ts';

/** Options of {@link startEmbeddedBroker}. */
export interface EmbeddedBrokerOptions extends PublishGateOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** aedes drainTimeout: a stalled subscriber is dropped after this many ms. @default 5000 */
  drainTimeoutMs?: number;
  /** Counted events (`mqtt`): dropped_abusive, … */
  counters?: TransportCounters;
}

/** A running embedded broker. `publishDownlink` sends a frame to `gt/v1/<title>/down`. */
export interface EmbeddedBroker extends Listener {
  publishDownlink(topic: string, frame: Uint8Array): Promise<void>;
  readonly connectedClients: number;
}

/**
 * Starts aedes on a TCP port. Uplinks (`gt/v1/<title>/up`) are handed to the sink inside
 * `authorizePublish`, which aedes runs before it writes the PUBACK, so a PUBACK means "committed".
 * Uplinks are never forwarded to subscribers; only downlink topics are.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  let sendReply: ReplyFn = () => Promise.resolve();
  const counters = opts.counters ?? createTransportCounters('mqtt');
  const aedes = await Aedes.createBroker({
    drainTimeout: opts.drainTimeoutMs ?? 5000,
    concurrency: 1000,
    authorizePublish: authorizePublishWith(opts, counters, (t, r) => sendReply(t, r)),
    authorizeSubscribe: (_c, sub, cb) => cb(null, isUplinkNamespace(sub.topic) ? null : sub),
    authorizeForward: (_c, packet) => (isUplinkNamespace(packet.topic) ? null : packet),
  });
  // The ctype 0x04 answer to an ackReq frame goes to the terminal's downlink topic (QoS 1).
  sendReply = (title, reply) =>
    publishTo(aedes, toDownlinkTopic(title), reply).catch((e: unknown) => opts.onError?.(e));
  // TCP_NODELAY: a PUBACK (4 bytes) goes out at once instead of waiting for the peer's ACK of the
  // previous segment (Nagle); in the bench that is +8–18 % for the raw broker, +10–16 % end to end.
  const server = createServer({ noDelay: true }, (socket) => aedes.handle(socket));
  const port = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1').catch(async (e: unknown) => {
    await new Promise<void>((resolve) => aedes.close(() => resolve())); // stop its heartbeat timer
    throw e;
  });
  return {
    port,
    get connectedClients() {
      return aedes.connectedClients;
    },
    publishDownlink: (topic, frame) => publishTo(aedes, topic, frame),
    close: () => closeAll(server, aedes),
  };
}

function publishTo(aedes: Aedes, topic: string, frame: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    aedes.publish(
      { cmd: 'publish', topic, payload: Buffer.from(frame), qos: 1, retain: false, dup: false },
      (e) => (e ? reject(e) : resolve()),
    );
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new TransportError('GT_ERR_TRANSPORT_LISTEN', `cannot listen for MQTT on ${host}:${port}`, {
          hint: 'choose another --mqtt-port, or 0 for a free port',
          cause: e,
        }),
      ),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

async function closeAll(server: Server, aedes: Aedes): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await closed;
}
