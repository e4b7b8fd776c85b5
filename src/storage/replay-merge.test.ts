// Window merging, adding counters and coverage against a set-based model (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCounters,
  bitmapFromHex,
  bitmapToHex,
  coversReplayState,
  mergeReplayStates,
} from './replay-merge.ts';
import type { ReplayState } from './types.ts';

/** The window a receiver holds after accepting exactly `counters` [SGT1-1.2]: bit i = H − i. */
function windowOf(counters: readonly number[]): ReplayState {
  if (counters.length === 0) return { highest: -1, bitmap: 0n };
  const highest = Math.max(...counters);
  let bitmap = 0n;
  for (const c of counters) if (highest - c < 64) bitmap |= 1n << BigInt(highest - c);
  return { highest, bitmap };
}

const counters = fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 });

describe('mergeReplayStates', () => {
  it('equals the window of the union of both counter sets', () => {
    fc.assert(
      fc.property(counters, counters, (a, b) => {
        expect(mergeReplayStates(windowOf(a), windowOf(b))).toEqual(windowOf([...a, ...b]));
      }),
    );
  });

  it('is commutative and idempotent, and never lowers highest', () => {
    fc.assert(
      fc.property(counters, counters, (a, b) => {
        const [x, y] = [windowOf(a), windowOf(b)];
        expect(mergeReplayStates(x, y)).toEqual(mergeReplayStates(y, x));
        expect(mergeReplayStates(x, x)).toEqual(x);
        expect(mergeReplayStates(x, y).highest).toBeGreaterThanOrEqual(x.highest);
      }),
    );
  });

  it('stores a 64-bit bitmap as 16 hex digits and back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (b) => {
        expect(bitmapToHex(b)).toHaveLength(16);
        expect(bitmapFromHex(bitmapToHex(b))).toBe(b);
      }),
    );
  });

  it('adds counters to a window (or to none) as their union', () => {
    fc.assert(
      fc.property(counters, counters, (a, b) => {
        expect(addCounters(windowOf(a), b)).toEqual(windowOf([...a, ...b]));
        if (b.length > 0) expect(addCounters(undefined, b)).toEqual(windowOf(b));
      }),
    );
  });

  it('covers exactly when merging adds nothing', () => {
    fc.assert(
      fc.property(counters, counters, (a, b) => {
        const [x, y] = [windowOf(a), windowOf(b)];
        const m = mergeReplayStates(x, y);
        expect(coversReplayState(x, y)).toBe(m.highest === x.highest && m.bitmap === x.bitmap);
        expect(coversReplayState(mergeReplayStates(x, y), y)).toBe(true);
      }),
    );
  });
});
