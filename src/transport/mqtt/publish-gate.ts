// The embedded broker's publish gate: uplinks to the sink, PUBACK only after commit, abusive connections dropped.
import type { Client, PublishPacket } from 'aedes';
import type { FrameMeta, FrameSink } from '../port.ts';
import { parseUplinkTopic } from '../topics.ts';
import type { TransportCounters } from '../counters.ts';
import { createRejectionBudget } from '../rejection-budget.ts';
import { createReadAhead } from './read-ahead.ts';

/** Refusals that are not acknowledged: the frame is not stored and the terminal must know it. */
const UNACKED_REFUSALS: ReadonlySet<string> = new Set(['QUARANTINED']);

/** Limits of the embedded broker (each counted in /metrics when hit). */
export interface MqttLimits {
  /** Refused publishes per second a connection may sustain before it is dropped. @default 50 */
  rejectsPerSecond?: number;
  /** Refused publishes a connection may have in a burst. @default 500 */
  rejectBurst?: number;
}

/** What the publish gate needs (part of the broker's options). */
export interface PublishGateOptions {
  sink: FrameSink;
  /** Largest accepted payload in bytes; bigger frames are rejected as OVERSIZE. @default 1024 */
  maxPayload?: number;
  /**
   * Uplinks per connection that may wait for their commit while the broker reads on (see
   * read-ahead.ts); 0 = aedes's own behaviour (the next chunk waits for every PUBACK of this one).
   * @default 1024
   */
  readAhead?: number;
  /** Called with infrastructure faults (the client is disconnected and retries). */
  onError?: (e: unknown) => void;
  /**
   * A frame refused with a reason the terminal must learn (QUARANTINED): MQTT 3.1.1 has no negative
   * PUBACK, so the broker publishes what this returns (a sealed refusal, or nothing) on the
   * terminal's downlink and then closes the connection without a PUBACK.
   */
  onRefused?: (titleHex: string, reason: string) => Promise<Uint8Array | undefined>;
  limits?: MqttLimits;
}

/** Which titles a connection has published for: one only (a terminal) or several (a concentrator). */
function createTitleTracker() {
  const titles = new WeakMap<Client, string | null>();
  return {
    saw(client: Client, title: string): void {
      const t = titles.get(client);
      if (t === undefined) titles.set(client, title);
      else if (t !== null && t !== title) titles.set(client, null);
    },
    alone: (client: Client, title: string): boolean => titles.get(client) === title,
  };
}

export type ReplyFn = (titleHex: string, reply: Uint8Array) => Promise<void>;

/**
 * aedes's authorizePublish for uplinks. A refused publish is acknowledged (resending it cannot
 * succeed), but a connection whose publishes keep being refused is dropped (issue #16: 238,860
 * oversize publishes in 20 s were acknowledged at once).
 */
export function authorizePublishWith(
  opts: PublishGateOptions,
  counters: TransportCounters,
  onReply: ReplyFn,
) {
  const maxPayload = opts.maxPayload ?? 1024;
  const readAhead = createReadAhead(opts.readAhead ?? 1024);
  const budget = createRejectionBudget<Client>({
    perSecond: opts.limits?.rejectsPerSecond ?? 50,
    burst: opts.limits?.rejectBurst ?? 500,
    now: () => performance.now(),
  });
  const speaksFor = createTitleTracker();
  /** Acknowledges a refused publish, or drops the connection once it is over its budget. */
  const refused = (client: Client, cb: (e?: Error | null) => void): void => {
    if (budget.spend(client)) return cb(null);
    counters.inc('dropped_abusive');
    cb(new Error('too many refused publishes')); // aedes closes the connection
  };
  return (client: Client | null, packet: PublishPacket, cb: (e?: Error | null) => void): void => {
    if (client === null) return cb(null); // the platform's own downlink publishes
    const parsed = parseUplinkTopic(packet.topic);
    if (!parsed.ok) {
      // MQTT 3.1.1 has no negative PUBACK: acknowledge and drop (authorizeForward never forwards it).
      opts.sink.recordRejection('BAD_TOPIC', { transport: 'mqtt', peer: client.id });
      return refused(client, cb);
    }
    // One meta object per publish (not a base object plus a spread copy).
    const meta: FrameMeta = { transport: 'mqtt', peer: client.id, topicTitle: parsed.title };
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (payload.length > maxPayload) {
      opts.sink.recordRejection('OVERSIZE', meta);
      return refused(client, cb);
    }
    speaksFor.saw(client, parsed.title);
    const settled = opts.sink.handleFrame(payload, meta);
    const reattach = readAhead.detach(client);
    settled.then(
      // A rejected frame is acknowledged too: resending it can never succeed, and a REPLAY of a frame
      // whose first PUBACK was lost must be acknowledged so the terminal stops resending it.
      (out) => {
        if (!out.ok && UNACKED_REFUSALS.has(out.reason)) {
          return void refuse(opts, parsed.title, out.reason, onReply).then(() => {
            reattach();
            // A connection speaking for this terminal alone is closed without a PUBACK; one that
            // multiplexes terminals (a concentrator) gets its PUBACK, the refusal went on the downlink.
            if (speaksFor.alone(client, parsed.title)) cb(new Error(out.reason));
            else cb(null);
          });
        }
        if (out.ok && out.reply !== undefined) void onReply(parsed.title, out.reply);
        reattach();
        if (out.ok) cb(null);
        else refused(client, cb);
      },
      (e: unknown) => {
        opts.onError?.(e);
        reattach();
        cb(e instanceof Error ? e : new Error('ingest failed')); // aedes closes the client: no PUBACK
      },
    );
  };
}

/** Publishes the refusal (when the platform seals one) on the terminal's downlink; never rejects. */
async function refuse(opts: PublishGateOptions, title: string, reason: string, send: ReplyFn) {
  try {
    const frame = await opts.onRefused?.(title, reason);
    if (frame !== undefined) await send(title, frame); // delivered before the connection closes
  } catch (e) {
    opts.onError?.(e);
  }
}
