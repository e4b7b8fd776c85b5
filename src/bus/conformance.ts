// Bus conformance suite: every Bus adapter (in-process, NATS) must pass these cases.
import type { Bus } from './port.ts';

/** One conformance case: a name and a check that throws on failure. */
export interface BusCase {
  name: string;
  run(bus: Bus): Promise<void>;
}

function assert(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`bus conformance: ${msg}`);
}

/** Cases for `describe.each`-style use with any test runner. */
export const BUS_CONFORMANCE: readonly BusCase[] = [
  {
    name: 'delivers to exact, * and > subscriptions, not to others',
    async run(bus) {
      const got: string[] = [];
      bus.subscribe('readings.a', () => got.push('exact'));
      bus.subscribe('readings.*', () => got.push('star'));
      bus.subscribe('readings.>', () => got.push('tail'));
      bus.subscribe('events.>', () => got.push('other'));
      await bus.publish('readings.a', { v: 1 });
      await settle();
      assert(got.sort().join() === 'exact,star,tail', `got ${got.join()}`);
    },
  },
  {
    name: 'unsubscribe stops delivery',
    async run(bus) {
      let n = 0;
      const off = bus.subscribe('x.y', () => n++);
      await bus.publish('x.y', 1);
      await settle();
      off();
      await bus.publish('x.y', 2);
      await settle();
      assert(n === 1, `expected 1 delivery, got ${n}`);
    },
  },
];

/** Lets asynchronous adapters deliver before asserting. */
async function settle(): Promise<void> {
  await new Promise<void>((r) => queueMicrotask(r));
}
