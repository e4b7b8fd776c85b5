// The in-process bus passes the bus conformance suite; a throwing subscriber does not hurt others.
import { describe, expect, it } from 'vitest';
import { BUS_CONFORMANCE } from '../conformance.ts';
import { matchesSubject } from '../port.ts';
import { createInProcessBus } from './in-process-bus.ts';

describe('in-process bus', () => {
  it.each(BUS_CONFORMANCE.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await c.run(createInProcessBus());
  });

  it('isolates a throwing subscriber and reports it once it gives up', async () => {
    const errors: unknown[] = [];
    const bus = createInProcessBus((e) => errors.push(e));
    let ok = 0;
    bus.subscribe(
      'a',
      () => {
        throw new Error('boom');
      },
      { maxDeliver: 2 },
    );
    bus.subscribe('a', () => void ok++);
    await bus.publish('a', 1);
    await bus.settled();
    expect(ok).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('close drops queued messages and releases waiting publishers', async () => {
    const bus = createInProcessBus();
    bus.subscribe('a', () => new Promise<void>(() => undefined), { maxPending: 1 });
    const waiting = bus.publish('a', 1).then(() => bus.publish('a', 2));
    await bus.close();
    await expect(waiting).resolves.toBeUndefined();
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('matches NATS-style patterns', () => {
    expect(matchesSubject('a.>', 'a')).toBe(false);
    expect(matchesSubject('a.*', 'a.b.c')).toBe(false);
    expect(matchesSubject('a.*.c', 'a.b.c')).toBe(true);
  });
});
