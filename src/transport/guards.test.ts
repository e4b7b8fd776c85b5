// The transport guards: rate limiter, rejection budget and counters (no sockets).
import { describe, expect, it } from 'vitest';
import { createRejectionBudget } from './rejection-budget.ts';
import { createTransportCounters } from './counters.ts';
import { createRateLimiter } from './rate-limit.ts';

describe('createRateLimiter', () => {
  it('allows the burst, then the sustained rate, per source', () => {
    let now = 0;
    const rl = createRateLimiter({ perSecond: 10, burst: 20, now: () => now });
    const taken = Array.from({ length: 30 }, () => rl.take('a')).filter(Boolean).length;
    expect(taken).toBe(20);
    expect(rl.take('b')).toBe(true); // another source is not affected
    now += 500;
    expect(Array.from({ length: 10 }, () => rl.take('a')).filter(Boolean).length).toBe(5);
  });

  it('tracks at most maxSources sources', () => {
    const rl = createRateLimiter({ perSecond: 1, maxSources: 100, now: () => 0 });
    for (let i = 0; i < 10_000; i++) rl.take(`s${i}`);
    expect(rl.sources).toBe(100);
  });
});

describe('createRejectionBudget', () => {
  it('spends a burst, refills at the rate, and keys by connection object', () => {
    let now = 0;
    const b = createRejectionBudget<object>({ perSecond: 2, burst: 3, now: () => now });
    const c1 = {};
    expect([b.spend(c1), b.spend(c1), b.spend(c1), b.spend(c1)]).toEqual([true, true, true, false]);
    expect(b.spend({})).toBe(true);
    now += 1000;
    expect([b.spend(c1), b.spend(c1), b.spend(c1)]).toEqual([true, true, false]);
  });
});

describe('createTransportCounters', () => {
  it('counts named events of one transport', () => {
    const c = createTransportCounters('coap');
    c.inc('busy');
    c.inc('busy', 2);
    expect(c.get('busy')).toBe(3);
    expect(c.get('other')).toBe(0);
    expect(c.snapshot()).toEqual([{ transport: 'coap', event: 'busy', value: 3 }]);
  });
});
