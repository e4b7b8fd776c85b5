// Demo detection arithmetic against the simulator's ground truth, and the synthetic load fallback.
import { describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import type { AttackTruth } from '../../sim/index.ts';
import { scoreDetection } from './detection.ts';
import { syntheticLoadShapes } from './synthetic-load.ts';

const truth = (terminal: string, attack: AttackTruth['attack']): AttackTruth => ({
  terminal: terminal as TerminalId,
  index: 0,
  attack,
  onset: 0 as UnixMillis,
  params: { rate: 0.5, copies: 1, rollback: 100 },
  expectedRejection: [],
});

describe('scoreDetection', () => {
  it('counts each flagged terminal once and breaks the truth down by attack', () => {
    const d = scoreDetection(
      [
        { id: 'a', reason: 'COMPROMISED', cycle: 1 },
        { id: 'a', reason: 'COMPROMISED', cycle: 4 }, // flagged again after a reinstatement
        { id: 'h', reason: 'MASKING', cycle: 2 },
      ],
      [truth('a', 'TAMPERED_CIPHERTEXT'), truth('b', 'UNKNOWN_TERMINAL')],
    );
    expect(d).toEqual({
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      byAttack: {
        TAMPERED_CIPHERTEXT: { malicious: 1, flagged: 1 },
        UNKNOWN_TERMINAL: { malicious: 1, flagged: 0 },
      },
    });
  });
});

describe('syntheticLoadShapes', () => {
  it('gives a seeded month of half-hourly households the fleet accepts', () => {
    const a = syntheticLoadShapes({ seed: 3, households: 8 });
    const b = syntheticLoadShapes({ seed: 3, households: 8 });
    expect(a.ids).toHaveLength(8);
    expect(a.stepsPerDay).toBe(48);
    expect(a).toEqual(b);
  });
});
