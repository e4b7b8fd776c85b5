// The bus port: accepted readings, per-terminal evidence and trust decisions between areas and processes.

/**
 * A message as a subscriber receives it: the subject (e.g. `evidence.<partition>`), a
 * JSON-serialisable body, the publish sequence number of its subject (1, 2, …; the same on every
 * redelivery, so a consumer can drop a message it already handled) and how many times it was delivered.
 */
export interface BusMessage<T = unknown> {
  subject: string;
  body: T;
  /** Increases by one per message published on this subject (a stream sequence in JetStream). */
  seq: number;
  /** 1 on the first delivery, 2 on the first redelivery, … */
  deliveries: number;
}

/** Unsubscribes the handler it was returned for. */
export type Unsubscribe = () => void;

/**
 * Handles one message. A handler that throws or rejects has not handled it: the message is delivered
 * again (at least once), before any later message of the same subscription.
 */
export type BusHandler<T> = (msg: BusMessage<T>) => void | Promise<void>;

/** Per-subscription delivery options. */
export interface SubscribeOptions {
  /** Deliveries of one message before it is given up (reported, then skipped). @default 5 */
  maxDeliver?: number;
  /** Unhandled messages above which `publish` waits for this subscriber (back-pressure). @default 1024 */
  maxPending?: number;
}

/**
 * Publish/subscribe between areas. Subjects are dot-separated; a subscription pattern may end in `>`
 * (any remainder, as in NATS) or use `*` for one token. Guarantees every adapter passes in
 * `BUS_CONFORMANCE`: messages of one subject reach a subscription in publish order, one at a time;
 * a failed delivery is retried (at-least-once); `publish` resolves only once every matching subscriber
 * has room for more (so a publisher that awaits it slows down to its slowest consumer).
 */
export interface Bus {
  publish<T>(subject: string, body: T): Promise<void>;
  subscribe<T>(pattern: string, handler: BusHandler<T>, options?: SubscribeOptions): Unsubscribe;
  /** Resolves once every message published so far has been handled (or given up) by every subscriber. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** True when a NATS-style pattern (`a.*.c`, `a.>`) matches a subject. */
export function matchesSubject(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
