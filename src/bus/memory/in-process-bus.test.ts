// The in-process bus passes the bus conformance suite; a throwing subscriber does not hurt others.
import { describe, expect, it } from 'vitest';
import { BUS_CONFORMANCE } from '../conformance.ts';
import { matchesSubject } from '../port.ts';
import { createInProcessBus } from './in-process-bus.ts';

describe('in-process bus', () => {
  it.each(BUS_CONFORMANCE.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await c.run(createInProcessBus());
  });

  it('isolates a throwing subscriber', async () => {
    const errors: unknown[] = [];
    const bus = createInProcessBus((e) => errors.push(e));
    let ok = 0;
    bus.subscribe('a', () => {
      throw new Error('boom');
    });
    bus.subscribe('a', () => ok++);
    await bus.publish('a', 1);
    expect(ok).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('matches NATS-style patterns', () => {
    expect(matchesSubject('a.>', 'a')).toBe(false);
    expect(matchesSubject('a.*', 'a.b.c')).toBe(false);
    expect(matchesSubject('a.*.c', 'a.b.c')).toBe(true);
  });
});
