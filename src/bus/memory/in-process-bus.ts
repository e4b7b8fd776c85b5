// In-process bus adapter: ordered, at-least-once delivery per subscription with back-pressure; the
// embedded preset's bus and the reference for the bus conformance suite.
import {
  matchesSubject,
  type Bus,
  type BusHandler,
  type BusMessage,
  type SubscribeOptions,
  type Unsubscribe,
} from '../port.ts';

interface Sub {
  readonly pattern: string;
  readonly handler: BusHandler<unknown>;
  readonly maxDeliver: number;
  readonly maxPending: number;
  readonly queue: BusMessage[];
  /** Publishers waiting for room in this subscription's queue. */
  readonly room: (() => void)[];
  running: boolean;
  closed: boolean;
}

/**
 * Creates the embedded preset's bus. Each subscription has its own queue, handled one message at a
 * time in publish order; a handler that throws or rejects gets the same message again (up to
 * `maxDeliver`, then `onHandlerError` hears of it and it is skipped). A publisher never sees a
 * subscriber's failure.
 * @example
 * const bus = createInProcessBus();
 * bus.subscribe('evidence.>', (m) => trust.addEvidence(m.body));
 * await bus.publish('evidence.platform', { evidence: [] });
 */
export function createInProcessBus(onHandlerError: (e: unknown) => void = () => undefined): Bus {
  let subs: Sub[] = [];
  const seqs = new Map<string, number>();
  let idle: (() => void)[] = [];
  const busy = (): boolean => subs.some((s) => s.running || s.queue.length > 0);
  const wakeIdle = (): void => {
    if (busy()) return;
    const w = idle;
    idle = [];
    for (const f of w) f();
  };
  const pump = async (s: Sub): Promise<void> => {
    s.running = true;
    while (!s.closed && s.queue.length > 0) {
      const m = s.queue[0] as BusMessage;
      await deliver(s, m);
      s.queue.shift();
      if (s.queue.length < s.maxPending) for (const f of s.room.splice(0)) f();
    }
    s.running = false;
    for (const f of s.room.splice(0)) f();
    wakeIdle();
  };
  const deliver = async (s: Sub, m: BusMessage): Promise<void> => {
    for (let n = 1; !s.closed; n++) {
      try {
        await s.handler({ ...m, deliveries: n });
        return;
      } catch (e) {
        if (n >= s.maxDeliver) return onHandlerError(e);
      }
    }
  };
  return {
    publish<T>(subject: string, body: T): Promise<void> {
      const seq = (seqs.get(subject) ?? 0) + 1;
      seqs.set(subject, seq);
      const waits: Promise<void>[] = [];
      for (const s of subs) {
        if (!matchesSubject(s.pattern, subject)) continue;
        s.queue.push({ subject, body, seq, deliveries: 0 });
        if (!s.running) void pump(s);
        if (s.queue.length > s.maxPending) waits.push(new Promise((r) => s.room.push(r)));
      }
      return waits.length === 0 ? Promise.resolve() : Promise.all(waits).then(() => undefined);
    },
    subscribe<T>(pattern: string, handler: BusHandler<T>, o: SubscribeOptions = {}): Unsubscribe {
      const sub: Sub = {
        pattern,
        handler: handler as BusHandler<unknown>,
        maxDeliver: Math.max(1, o.maxDeliver ?? 5),
        maxPending: Math.max(1, o.maxPending ?? 1024),
        queue: [],
        room: [],
        running: false,
        closed: false,
      };
      subs.push(sub);
      return () => {
        sub.closed = true;
        sub.queue.length = 0;
        for (const f of sub.room.splice(0)) f();
        subs = subs.filter((x) => x !== sub);
        wakeIdle();
      };
    },
    settled() {
      return busy() ? new Promise<void>((r) => idle.push(r)) : Promise.resolve();
    },
    close() {
      for (const s of subs) {
        s.closed = true;
        s.queue.length = 0;
        for (const f of s.room.splice(0)) f();
      }
      subs = [];
      wakeIdle();
      return Promise.resolve();
    },
  };
}
