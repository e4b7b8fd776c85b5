// `simulate --target` verdicts: fails (with the reason) on no answers, honest quarantine and truth mismatches.
import { describe, expect, it } from 'vitest';
import { createCounts } from './simulate-senders.ts';
import { verdict } from './simulate-target.ts';

describe('simulate --target verdict', () => {
  it('passes a clean run', () => {
    const c = { ...createCounts(), sent: 10, acked: 10, truthMatches: 10 };
    expect(verdict(c, true)).toEqual({ failed: false });
  });
  it('fails when nothing answers, nothing is sent, or an honest terminal is quarantined', () => {
    expect(verdict({ ...createCounts(), sent: 5, failed: 5 }, true).reason).toMatch(/nothing answered/);
    expect(verdict(createCounts(), true).reason).toMatch(/no frame was sent/);
    const q = { ...createCounts(), sent: 3, acked: 2, truthMismatches: 1 };
    q.honestQuarantined.add('00000000000000aa');
    const v = verdict(q, true);
    expect(v.failed).toBe(true);
    expect(v.reason).toMatch(/1 honest terminal\(s\) quarantined/);
    expect(v.reason).toMatch(/did not match the ground truth/);
  });
});
