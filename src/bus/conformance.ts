// Bus conformance suite: every Bus adapter (in-process, NATS JetStream) must pass these cases.
import type { Bus, BusMessage } from './port.ts';

/** One conformance case: a name and a check that throws on failure. */
export interface BusCase {
  name: string;
  run(bus: Bus): Promise<void>;
}

function assert(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`bus conformance: ${msg}`);
}

/** Lets asynchronous adapters deliver before asserting. */
async function settle(bus: Bus): Promise<void> {
  await bus.settled();
  await new Promise<void>((r) => setTimeout(r, 0));
  await bus.settled();
}

/** A promise and its resolver (a gate a handler waits on). */
function gate(): { open: () => void; wait: Promise<void> } {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { open, wait };
}

const routing: BusCase[] = [
  {
    name: 'delivers to exact, * and > subscriptions, not to others',
    async run(bus) {
      const got: string[] = [];
      bus.subscribe('readings.a', () => void got.push('exact'));
      bus.subscribe('readings.*', () => void got.push('star'));
      bus.subscribe('readings.>', () => void got.push('tail'));
      bus.subscribe('events.>', () => void got.push('other'));
      await bus.publish('readings.a', { v: 1 });
      await settle(bus);
      assert(got.sort().join() === 'exact,star,tail', `got ${got.join()}`);
    },
  },
  {
    name: 'unsubscribe stops delivery',
    async run(bus) {
      let n = 0;
      const off = bus.subscribe('x.y', () => void n++);
      await bus.publish('x.y', 1);
      await settle(bus);
      off();
      await bus.publish('x.y', 2);
      await settle(bus);
      assert(n === 1, `expected 1 delivery, got ${n}`);
    },
  },
];

const ordering: BusCase[] = [
  {
    name: 'keeps publish order per partition, one message at a time, with seq 1, 2, … per subject',
    async run(bus) {
      const got: string[] = [];
      let inHandler = 0;
      let overlap = false;
      bus.subscribe<number>('evidence.>', async (m) => {
        overlap ||= ++inHandler > 1;
        // a slow handler for odd bodies: later messages must still wait their turn
        if (m.body % 2 === 1) await new Promise<void>((r) => setTimeout(r, 2));
        got.push(`${m.subject}:${m.body}:${m.seq}`);
        inHandler--;
      });
      const sent: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) sent.push(bus.publish(`evidence.p${i % 2}`, i));
      await Promise.all(sent);
      await settle(bus);
      assert(!overlap, 'a subscription handled two messages at once');
      for (const p of ['p0', 'p1']) {
        const mine = got.filter((g) => g.startsWith(`evidence.${p}:`));
        const bodies = mine.map((g) => Number(g.split(':')[1]));
        const seqs = mine.map((g) => Number(g.split(':')[2]));
        assert(
          bodies.every((b, i) => i === 0 || b > (bodies[i - 1] ?? -1)),
          `${p} out of order: ${bodies.join()}`,
        );
        assert(seqs.join() === '1,2,3,4,5,6,7,8,9,10', `${p} seqs ${seqs.join()}`);
      }
    },
  },
];

const delivery: BusCase[] = [
  {
    name: 'redelivers a message whose handler failed, before the next one (at-least-once)',
    async run(bus) {
      const seen: string[] = [];
      let failures = 0;
      bus.subscribe<number>('decisions.p', (m: BusMessage<number>) => {
        seen.push(`${m.body}#${m.deliveries}`);
        if (m.body === 2 && failures++ < 2) throw new Error('transient');
      });
      for (const b of [1, 2, 3]) await bus.publish('decisions.p', b);
      await settle(bus);
      assert(seen.join() === '1#1,2#1,2#2,2#3,3#1', `got ${seen.join()}`);
    },
  },
  {
    name: 'a subscriber that keeps failing is given up on after maxDeliver; others still get it',
    async run(bus) {
      let tries = 0;
      let other = 0;
      const failing = (): void => {
        tries++;
        throw new Error('always');
      };
      bus.subscribe('x.fail', failing, { maxDeliver: 3 });
      bus.subscribe('x.fail', () => void other++);
      await bus.publish('x.fail', 1);
      await bus.publish('x.fail', 2);
      await settle(bus);
      assert(tries === 6, `expected 3 tries for each of 2 messages, got ${tries}`);
      assert(other === 2, `the healthy subscriber got ${other}`);
    },
  },
  {
    name: 'publish waits while a subscriber has more than maxPending unhandled messages (back-pressure)',
    async run(bus) {
      const g = gate();
      let handled = 0;
      bus.subscribe(
        'readings.p.t',
        async () => {
          await g.wait;
          handled++;
        },
        { maxPending: 2 },
      );
      let resolved = 0;
      const sent = [1, 2, 3, 4].map((b) => bus.publish('readings.p.t', b).then(() => void resolved++));
      await new Promise<void>((r) => setTimeout(r, 10));
      assert(resolved < 4, 'every publish resolved while the subscriber was stuck');
      g.open();
      await Promise.all(sent);
      await settle(bus);
      assert(resolved === 4 && handled === 4, `resolved ${resolved}, handled ${handled}`);
    },
  },
  {
    name: 'settled() waits for a handler that is still running',
    async run(bus) {
      let done = false;
      bus.subscribe('s.t', async () => {
        await new Promise<void>((r) => setTimeout(r, 5));
        done = true;
      });
      await bus.publish('s.t', 1);
      await bus.settled();
      assert(done, 'settled before the handler finished');
    },
  },
];

/** Cases for `describe.each`-style use with any test runner. */
export const BUS_CONFORMANCE: readonly BusCase[] = [...routing, ...ordering, ...delivery];
