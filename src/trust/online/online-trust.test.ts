// The online trust engine: cycles close once, in order, on the injected clock; redeliveries and late
// evidence never count; partitions are scored as the peer groups they are.
import { describe, expect, it } from 'vitest';
import { createManualClock, type UnixMillis } from '../../core/index.ts';
import type { EvidenceCounters } from '../counters.ts';
import { createOnlineTrust } from './online-trust.ts';

const delta = (terminal: string, cycle: number, over: Partial<EvidenceCounters> = {}): EvidenceCounters => ({
  terminal,
  cycle,
  requests: 10,
  replies: 10,
  duplicates: 0,
  late: 0,
  integrityFailures: 0,
  delaySumMs: 8000,
  delayCount: 10,
  ...over,
});

describe('createOnlineTrust', () => {
  it('closes every ended cycle exactly once, oldest first, and none that is still running', () => {
    const clock = createManualClock(10_500 as UnixMillis); // inside cycle 10 (1 s cycles)
    const trust = createOnlineTrust({ cycleMs: 1000, clock });
    trust.addEvidence({ partition: 'p', evidence: [delta('a', 10), delta('b', 10)] });
    trust.addEvidence({ partition: 'p', evidence: [delta('a', 12)] });
    expect(trust.closeEnded()).toEqual([]);
    clock.advance(2600); // now in cycle 13: 10, 11, 12 ended
    const closed = trust.closeEnded();
    expect(closed.map((d) => [d.cycle, d.decisions.length])).toEqual([
      [10, 2],
      [12, 1],
    ]);
    expect(trust.lastClosed).toBe(12);
    expect(trust.closeEnded()).toEqual([]);
  });

  it('sums the deltas of one terminal and cycle, ignores a redelivered message and counts late ones', () => {
    const clock = createManualClock(0 as UnixMillis);
    const trust = createOnlineTrust({ cycleMs: 1000, clock });
    const m = { partition: 'p', evidence: [delta('a', 0, { requests: 5, replies: 5, delayCount: 5 })] };
    expect(trust.addEvidence(m, 1)).toBe(true);
    expect(trust.addEvidence(m, 1)).toBe(false); // at-least-once: the same seq again
    expect(trust.addEvidence(m, 2)).toBe(true);
    clock.set(1500 as UnixMillis);
    const [d] = trust.closeEnded();
    expect(d?.decisions[0]?.terminal).toBe('a');
    trust.addEvidence({ partition: 'p', evidence: [delta('a', 0)] }, 3);
    expect(trust.stats()).toEqual({ messages: 3, duplicates: 1, late: 1 });
  });

  it('scores each partition as its own peer group and flags a tampering terminal with an audit text', () => {
    const clock = createManualClock(0 as UnixMillis);
    const trust = createOnlineTrust({ cycleMs: 1000, clock });
    const ids = ['01', '02', '03', '04'];
    const flags: string[] = [];
    for (let c = 0; c < 5; c++) {
      for (const p of ['f1', 'f2'])
        trust.addEvidence({
          partition: p,
          evidence: ids.map((id) =>
            delta(
              `${p}-${id}`,
              c,
              p === 'f2' && id === '04' && c >= 2 ? { replies: 6, integrityFailures: 4 } : {},
            ),
          ),
        });
      clock.set(((c + 1) * 1000 + 1) as UnixMillis);
      for (const d of trust.closeEnded()) {
        expect(d.decisions.every((x) => x.fusionTerminal === d.partition)).toBe(true);
        flags.push(...d.flagged.map((f) => f.audit));
      }
    }
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatch(/cycle [2-4]: .*"integrityFailures"|cycle [2-4]: .*"tamperedCaught"/);
    expect(trust.engine.quarantined().map((q) => q.terminal)).toEqual(['f2-04']);
    expect(trust.reinstate('f2-04')).toBe(true);
  });
});
