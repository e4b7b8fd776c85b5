// Evidence accumulator: counts per terminal and cycle, drained copies that later counts never touch.
import { describe, expect, it } from 'vitest';
import type { TerminalId } from '../core/index.ts';
import { createEvidenceAccumulator } from './evidence.ts';

const A = '00000000000000a1' as TerminalId;
const B = '00000000000000b2' as TerminalId;

describe('evidence accumulator', () => {
  it('drains what was counted since the last drain, as copies later counts leave alone', () => {
    const ev = createEvidenceAccumulator();
    ev.count(A, 1, 'requests');
    ev.count(A, 1, 'requests');
    ev.delay(A, 1, 250, true);
    ev.count(B, 1, 'duplicates');
    ev.count(A, 2, 'replies');
    const first = ev.drain();
    expect(ev.pending).toBe(false);
    const byKey = (d: typeof first) =>
      Object.fromEntries(d.evidenceDeltas.map((e) => [`${e.terminal}@${e.cycle}`, e]));
    expect(byKey(first)).toEqual({
      [`${A}@1`]: {
        terminal: A,
        cycle: 1,
        requests: 2,
        replies: 0,
        duplicates: 0,
        late: 1,
        integrityFailures: 0,
        delaySumMs: 250,
        delayCount: 1,
      },
      [`${B}@1`]: expect.objectContaining({ duplicates: 1, requests: 0 }),
      [`${A}@2`]: expect.objectContaining({ replies: 1, requests: 0 }),
    });
    const copy = structuredClone(first);
    ev.count(A, 1, 'requests');
    ev.count(A, 2, 'integrityFailures');
    expect(first).toEqual(copy); // the drained batch is not mutated by the next counts
    const second = ev.drain();
    expect(second.evidenceDeltas).toEqual([
      expect.objectContaining({ terminal: A, cycle: 1, requests: 1, late: 0, delaySumMs: 0, delayCount: 0 }),
      expect.objectContaining({ terminal: A, cycle: 2, integrityFailures: 1, replies: 0 }),
    ]);
    expect(ev.drain()).toEqual({ evidenceDeltas: [], rejectCounts: [] });
  });

  it('puts a failed batch back and adds it to what came since; cycles come back after a pause', () => {
    const ev = createEvidenceAccumulator();
    ev.count(A, 5, 'requests');
    ev.reject('BAD_TAG', A);
    const failed = ev.drain();
    ev.count(A, 5, 'requests');
    ev.restore(failed);
    expect(ev.pending).toBe(true);
    const merged = ev.drain();
    expect(merged.evidenceDeltas).toEqual([expect.objectContaining({ terminal: A, cycle: 5, requests: 2 })]);
    expect(merged.rejectCounts).toEqual([{ reason: 'BAD_TAG', terminal: A, count: 1 }]);
    ev.count(B, 6, 'requests');
    ev.drain(); // cycle 5 saw nothing: dropped
    ev.count(A, 5, 'late');
    expect(ev.drain().evidenceDeltas).toEqual([
      expect.objectContaining({ terminal: A, cycle: 5, late: 1, requests: 0 }),
    ]);
  });
});
