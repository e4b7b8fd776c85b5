// Detection figures of the demo: the trust engine's flags against the simulator's ground truth.
import type { AttackTruth } from '../../sim/index.ts';

/** One flagged terminal: the trust engine's reason and the demo cycle (0 = first) it was flagged in. */
export interface Flagged {
  id: string;
  reason: string;
  cycle: number;
}

/** True/false positives and false negatives, plus how each attack kind fared. */
export interface Detection {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Per attack kind: malicious terminals and how many of them were flagged. */
  byAttack: Record<string, { malicious: number; flagged: number }>;
}

/**
 * Scores flags against the ground truth. A terminal counts once however often it was flagged
 * (an operator may reinstate it and the engine flag it again).
 */
export function scoreDetection(flagged: readonly Flagged[], truth: readonly AttackTruth[]): Detection {
  const f = new Set(flagged.map((x) => x.id));
  const bad = new Set<string>(truth.map((t) => t.terminal));
  const truePositives = [...f].filter((id) => bad.has(id)).length;
  const byAttack: Detection['byAttack'] = {};
  for (const t of truth) {
    const a = (byAttack[t.attack] ??= { malicious: 0, flagged: 0 });
    a.malicious++;
    if (f.has(t.terminal)) a.flagged++;
  }
  return {
    truePositives,
    falsePositives: f.size - truePositives,
    falseNegatives: [...bad].filter((id) => !f.has(id)).length,
    byAttack,
  };
}
