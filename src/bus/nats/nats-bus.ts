// NATS JetStream bus adapter: the cluster preset's bus; passes the same conformance suite as the in-process bus.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  JetStreamApiError,
  jetstreamManager,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  matchesSubject,
  type Bus,
  type BusHandler,
  type SubscribeOptions,
  type Unsubscribe,
} from '../port.ts';

export interface NatsBusOptions {
  /** e.g. `nats://127.0.0.1:4222` (comma-separated for a cluster). */
  readonly servers: string;
  /** The JetStream stream holding every bus subject. @default 'GRIDTRUST' */
  readonly stream?: string;
  /** Prefix of every subject in NATS (`<prefix>.evidence.<partition>`). @default 'gt' */
  readonly prefix?: string;
  /** Stream replicas (3 in a NATS cluster). @default 1 */
  readonly replicas?: number;
  /** Messages older than this are dropped by the stream. @default 7 days */
  readonly maxAgeMs?: number;
  /** Stream size limit; oldest messages are dropped past it. @default 1 GiB */
  readonly maxBytes?: number;
  /** Hears of a handler that kept failing after `maxDeliver` deliveries (the message is then skipped). */
  readonly onHandlerError?: (e: unknown) => void;
}

/** The bus port over JetStream, plus what only this adapter has. */
export interface NatsBus extends Bus {
  /** Resolves once every subscription made so far has its consumer on the server. */
  ready(): Promise<void>;
}

const SEQ_HEADER = 'Gt-Seq';
/** JetStream's "wrong last sequence" API error: another publisher wrote to the subject meanwhile. */
const WRONG_LAST_SEQUENCE = 10071;
const PUBLISH_TRIES = 20;

interface Sub {
  readonly pattern: string;
  readonly handler: BusHandler<unknown>;
  readonly maxDeliver: number;
  readonly maxPending: number;
  /** Stream sequences this process published that match and are not yet handled. */
  readonly outstanding: Set<number>;
  /**
   * The highest stream sequence handled (or given up). The consumer delivers in stream order, so
   * everything at or below it is done — even a message handled before its publish's ack came back.
   */
  lastHandled: number;
  readonly room: (() => void)[];
  ready: Promise<void>;
  messages?: ConsumerMessages;
  consumer?: string;
  closed: boolean;
}

/** Creates (or updates to these settings) the stream; idempotent, safe for many processes at once. */
async function ensureStream(jsm: JetStreamManager, o: NatsBusOptions): Promise<string> {
  const name = o.stream ?? 'GRIDTRUST';
  const cfg: Partial<StreamConfig> = {
    subjects: [`${o.prefix ?? 'gt'}.>`],
    storage: StorageType.File,
    num_replicas: o.replicas ?? 1,
    max_age: nanos(o.maxAgeMs ?? 7 * 86_400_000),
    max_bytes: o.maxBytes ?? 2 ** 30,
    discard: DiscardPolicy.Old,
  };
  const exists = await jsm.streams.info(name).then(
    () => true,
    () => false,
  );
  if (exists) await jsm.streams.update(name, cfg);
  else await jsm.streams.add({ name, ...cfg });
  return name;
}

const apiCode = (e: unknown): number | undefined => (e instanceof JetStreamApiError ? e.code : undefined);

/**
 * Opens the JetStream bus. Every subject's messages carry a per-subject sequence (header `Gt-Seq`)
 * kept consistent across publishers with JetStream's expected-last-subject-sequence check; each
 * subscription is a pull consumer with one message in flight (order per subject, redelivery before
 * the next message), so the port's guarantees hold across processes. Back-pressure and `settled()`
 * cover this process's own subscriptions; across processes the stream's limits bound the backlog.
 * @example
 * const bus = await openNatsBus({ servers: 'nats://127.0.0.1:4222' });
 * bus.subscribe('evidence.>', (m) => trust.addEvidence(m.body));
 */
export async function openNatsBus(o: NatsBusOptions): Promise<NatsBus> {
  const nc = await connect({ servers: o.servers.split(','), name: 'gridtrust-bus' });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = await ensureStream(jsm, o);
    return createBus({ nc, js: jetstream(nc), jsm, stream, prefix: o.prefix ?? 'gt', options: o });
  } catch (e) {
    await nc.close();
    throw e;
  }
}

interface Parts {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly prefix: string;
  readonly options: NatsBusOptions;
}

function createBus(p: Parts): NatsBus {
  let subs: Sub[] = [];
  const idle: (() => void)[] = [];
  /** Per subject: the last stream sequence and Gt-Seq this process knows of, and its publish chain. */
  const last = new Map<string, { stream: number; seq: number } | null>();
  const chains = new Map<string, Promise<unknown>>();
  let publishing = 0;
  const full = (s: string): string => `${p.prefix}.${s}`;
  const busy = (): boolean => publishing > 0 || subs.some((s) => s.outstanding.size > 0);
  const wake = (): void => {
    if (busy()) return;
    for (const f of idle.splice(0)) f();
  };

  const lastOf = async (subject: string): Promise<{ stream: number; seq: number } | null> => {
    const m = await p.jsm.streams.getMessage(p.stream, { last_by_subj: full(subject) });
    return m === null ? null : { stream: m.seq, seq: Number(m.header.get(SEQ_HEADER) || '0') };
  };
  const publishOne = async (subject: string, body: unknown): Promise<number> => {
    const data = JSON.stringify(body);
    for (let i = 0; ; i++) {
      let prev = last.get(subject);
      if (prev === undefined) last.set(subject, (prev = await lastOf(subject)));
      const seq = (prev?.seq ?? 0) + 1;
      const h = headers();
      h.set(SEQ_HEADER, String(seq));
      try {
        const ack = await p.js.publish(full(subject), data, {
          headers: h,
          expect: { lastSubjectSequence: prev?.stream ?? 0 },
        });
        last.set(subject, { stream: ack.seq, seq });
        return ack.seq;
      } catch (e) {
        if (apiCode(e) !== WRONG_LAST_SEQUENCE || i >= PUBLISH_TRIES) throw e;
        last.delete(subject); // another publisher wrote to this subject: read its last message again
      }
    }
  };

  const handled = (s: Sub, streamSeq: number): void => {
    s.lastHandled = Math.max(s.lastHandled, streamSeq);
    for (const q of s.outstanding) if (q <= s.lastHandled) s.outstanding.delete(q);
    if (s.outstanding.size <= s.maxPending) for (const f of s.room.splice(0)) f();
    wake();
  };
  const handle = async (s: Sub, m: JsMsg): Promise<void> => {
    if (s.closed) return;
    const deliveries = m.info.deliveryCount;
    try {
      await s.handler({
        subject: m.subject.slice(p.prefix.length + 1),
        body: m.json<unknown>(),
        seq: Number(m.headers?.get(SEQ_HEADER) || '0'),
        deliveries,
      });
      m.ack();
    } catch (e) {
      if (deliveries < s.maxDeliver) return m.nak();
      p.options.onHandlerError?.(e);
      m.term();
    }
    handled(s, m.seq);
  };
  const start = async (s: Sub): Promise<void> => {
    const ci = await p.jsm.consumers.add(p.stream, {
      filter_subject: full(s.pattern),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      max_ack_pending: 1,
      ack_wait: nanos(30_000),
      inactive_threshold: nanos(60_000),
    });
    s.consumer = ci.name;
    if (s.closed) return void p.jsm.consumers.delete(p.stream, ci.name).catch(() => undefined);
    const c = await p.js.consumers.get(p.stream, ci.name);
    s.messages = await c.consume({ max_messages: 16 });
    void (async () => {
      for await (const m of s.messages!) await handle(s, m);
    })().catch(() => undefined);
  };
  const stop = (s: Sub): void => {
    s.closed = true;
    s.outstanding.clear();
    for (const f of s.room.splice(0)) f();
    void s.messages?.close().catch(() => undefined);
    if (s.consumer !== undefined) void p.jsm.consumers.delete(p.stream, s.consumer).catch(() => undefined);
  };

  return {
    async publish<T>(subject: string, body: T): Promise<void> {
      publishing += 1;
      try {
        await Promise.all(subs.map((s) => s.ready));
        const prev = chains.get(subject) ?? Promise.resolve();
        const mine = prev.then(() => publishOne(subject, body));
        chains.set(
          subject,
          mine.catch(() => undefined),
        );
        const streamSeq = await mine;
        const waits: Promise<void>[] = [];
        for (const s of subs) {
          if (s.closed || streamSeq <= s.lastHandled || !matchesSubject(s.pattern, subject)) continue;
          s.outstanding.add(streamSeq);
          if (s.outstanding.size > s.maxPending) waits.push(new Promise((r) => s.room.push(r)));
        }
        await Promise.all(waits);
      } finally {
        publishing -= 1;
        wake();
      }
    },
    subscribe<T>(pattern: string, handler: BusHandler<T>, so: SubscribeOptions = {}): Unsubscribe {
      const s: Sub = {
        pattern,
        handler: handler as BusHandler<unknown>,
        maxDeliver: Math.max(1, so.maxDeliver ?? 5),
        maxPending: Math.max(1, so.maxPending ?? 1024),
        outstanding: new Set(),
        lastHandled: 0,
        room: [],
        ready: Promise.resolve(),
        closed: false,
      };
      s.ready = start(s).catch((e: unknown) => {
        p.options.onHandlerError?.(e);
        stop(s);
      });
      subs.push(s);
      return () => {
        stop(s);
        subs = subs.filter((x) => x !== s);
        wake();
      };
    },
    ready: async () => {
      await Promise.all(subs.map((s) => s.ready));
    },
    settled() {
      return busy() ? new Promise<void>((r) => idle.push(r)) : Promise.resolve();
    },
    async close() {
      for (const s of subs) stop(s);
      subs = [];
      wake();
      await p.nc.drain().catch(() => undefined);
    },
  };
}
