// Replay window [SGT1-1.2 receiver rules]: model-based properties, window 0 for DLMS, serialisation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptCounter,
  checkCounter,
  commitCounter,
  EMPTY_REPLAY_STATE,
  replayStateFromBytes,
  replayStateFromHighest,
  replayStateFromJson,
  replayStateToBytes,
  replayStateToJson,
  ProtocolError,
  SGT1_WINDOW,
  type ReplayState,
} from './index.ts';

/** Runs counters through the window; returns the accepted ones in order. */
function run(counters: readonly number[], window: number): number[] {
  let s: ReplayState = EMPTY_REPLAY_STATE;
  const accepted: number[] = [];
  for (const c of counters) {
    const next = acceptCounter(s, c, window);
    if (next !== undefined) {
      accepted.push(c);
      s = next;
    }
  }
  return accepted;
}

const counters = fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 200 });

describe('replay window', () => {
  it('never accepts a counter twice', () => {
    fc.assert(
      fc.property(counters, fc.constantFrom(0, 1, 32, 64), (cs, w) => {
        const acc = run(cs, w);
        expect(new Set(acc).size).toBe(acc.length);
      }),
    );
  });

  it('accepts exactly: above the highest, or inside the window and unseen (RFC 4303 model)', () => {
    fc.assert(
      fc.property(counters, (cs) => {
        const seen = new Set<number>();
        let highest = -1;
        const expected: number[] = [];
        for (const c of cs) {
          const ok = c > highest || (c > highest - SGT1_WINDOW && !seen.has(c));
          if (!ok) continue;
          expected.push(c);
          seen.add(c);
          highest = Math.max(highest, c);
        }
        expect(run(cs, SGT1_WINDOW)).toEqual(expected);
      }),
    );
  });

  it('accepts out-of-order counters inside the window and rejects older ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 63 }), (h, back) => {
        const s = commitCounter(EMPTY_REPLAY_STATE, h, SGT1_WINDOW);
        expect(checkCounter(s, h - back, SGT1_WINDOW).ok).toBe(true);
        const s2 = commitCounter(s, h - back, SGT1_WINDOW);
        expect(checkCounter(s2, h - back, SGT1_WINDOW).ok).toBe(false);
        expect(checkCounter(s2, h - 64, SGT1_WINDOW).ok).toBe(false);
        expect(checkCounter(s2, h, SGT1_WINDOW).ok).toBe(false);
      }),
    );
  });

  it('window 0 (DLMS) accepts only strictly increasing counters', () => {
    fc.assert(
      fc.property(counters, (cs) => {
        const acc = run(cs, 0);
        for (let i = 1; i < acc.length; i++) expect(acc[i]!).toBeGreaterThan(acc[i - 1]!);
        let max = -1;
        expect(acc).toEqual(cs.filter((c) => (c > max ? ((max = c), true) : false)));
      }),
    );
  });

  it('checkCounter never changes the state (pure)', () => {
    const s = commitCounter(EMPTY_REPLAY_STATE, 10, SGT1_WINDOW);
    const copy = { ...s };
    checkCounter(s, 11, SGT1_WINDOW);
    checkCounter(s, 10, SGT1_WINDOW);
    expect(s).toEqual(copy);
  });

  it('a jump larger than the window clears the bitmap to the new counter', () => {
    const s = commitCounter(commitCounter(EMPTY_REPLAY_STATE, 5, 64), 500, 64);
    expect(s).toEqual({ highest: 500, bitmap: 1n });
    expect(checkCounter(s, 499, 64).ok).toBe(true);
  });
});

describe('replay state serialisation', () => {
  const stateArb = counters.map((cs) => {
    let s: ReplayState = EMPTY_REPLAY_STATE;
    for (const c of cs) s = acceptCounter(s, c, SGT1_WINDOW) ?? s;
    return s;
  });
  it('round-trips through JSON and bytes', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        expect(replayStateFromJson(JSON.parse(JSON.stringify(replayStateToJson(s))))).toEqual(s);
        expect(replayStateFromBytes(replayStateToBytes(s))).toEqual(s);
      }),
    );
  });
  it('rejects corrupt forms with GT_ERR_PROTOCOL_BAD_REPLAY_STATE', () => {
    const bad = [
      () => replayStateFromBytes(Buffer.alloc(12)),
      () => replayStateFromJson({ highest: 1, bitmap: 'zz' }),
    ];
    for (const f of bad) expect(f).toThrow(ProtocolError);
    expect(() => replayStateFromBytes(Buffer.from('02' + '00'.repeat(12), 'hex'))).toThrow(/flag byte/);
  });
  it('resuming from the highest alone accepts only newer counters', () => {
    const s = replayStateFromHighest(1000);
    expect(checkCounter(s, 1000, SGT1_WINDOW).ok).toBe(false);
    expect(checkCounter(s, 990, SGT1_WINDOW).ok).toBe(false);
    expect(checkCounter(s, 1001, SGT1_WINDOW).ok).toBe(true);
  });

  it('commits long in-order runs exactly like the bitmap formula (full-window shortcut)', () => {
    // The reference: shift the bitmap by the advance and set bit 0, truncated to 64 bits.
    const reference = (st: ReplayState, c: number): bigint =>
      c > st.highest
        ? st.highest < 0 || c - st.highest >= 64
          ? 1n
          : BigInt.asUintN(64, (st.bitmap << BigInt(c - st.highest)) | 1n)
        : st.bitmap | (1n << BigInt(st.highest - c));
    // Mostly +1 (runs long enough to fill the window), sometimes a jump back or ahead.
    const step = fc.oneof(
      { arbitrary: fc.constant(1), weight: 60 },
      { arbitrary: fc.integer({ min: -70, max: 70 }), weight: 1 },
    );
    const steps = fc.array(step, { minLength: 60, maxLength: 300 });
    fc.assert(
      fc.property(steps, fc.constantFrom(64, 65), (deltas, w) => {
        let s: ReplayState = EMPTY_REPLAY_STATE;
        let c = 100;
        for (const d of deltas) {
          c = Math.max(1, c + d);
          if (!checkCounter(s, c, w).ok) continue;
          const next = commitCounter(s, c, w);
          expect(next).toEqual({ highest: Math.max(s.highest, c), bitmap: reference(s, c) });
          s = next;
        }
      }),
    );
    let full: ReplayState = EMPTY_REPLAY_STATE;
    for (let c = 1; c <= 200; c++) full = commitCounter(full, c, SGT1_WINDOW);
    expect(full).toEqual({ highest: 200, bitmap: (1n << 64n) - 1n });
  });
});
