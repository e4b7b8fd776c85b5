// Frame-level flagging for the demo: a terminal whose rejected frames reach a threshold is flagged
// (a stand-in until the trust engine scores terminals from the same evidence).
import type { TerminalId } from '../../core/index.ts';
import type { EvidenceRecord, RejectCounts } from '../../storage/index.ts';

/** Reasons that count against a terminal (its own frames were authentic-looking but wrong). */
export const INCRIMINATING = new Set(['BAD_TAG', 'REPLAY', 'UNKNOWN_KEY', 'KEY_NOT_USABLE', 'BAD_DIRECTION']);

/** One flagged terminal: its dominant rejection reason and the cycle it crossed the threshold. */
export interface Flagged {
  id: TerminalId;
  reason: string;
  cycle: number;
}

/**
 * Flags terminals with at least `threshold` incriminating rejections. The cycle is the first evidence
 * cycle whose cumulative non-accepted frames (requests − replies) reach the threshold.
 */
export function flagTerminals(
  rejects: RejectCounts,
  evidence: readonly EvidenceRecord[],
  threshold: number,
): Flagged[] {
  const byTerminal = new Map<string, Map<string, number>>();
  for (const r of rejects.byTerminal) {
    if (!INCRIMINATING.has(r.reason)) continue;
    const m = byTerminal.get(r.terminal) ?? new Map<string, number>();
    m.set(r.reason, (m.get(r.reason) ?? 0) + r.count);
    byTerminal.set(r.terminal, m);
  }
  const flagged: Flagged[] = [];
  for (const [id, reasons] of byTerminal) {
    const total = [...reasons.values()].reduce((a, b) => a + b, 0);
    if (total < threshold) continue;
    const reason = [...reasons].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'UNKNOWN';
    flagged.push({ id: id as TerminalId, reason, cycle: crossingCycle(evidence, id, threshold) });
  }
  return flagged.sort((a, b) => a.cycle - b.cycle || a.id.localeCompare(b.id));
}

function crossingCycle(evidence: readonly EvidenceRecord[], id: string, threshold: number): number {
  const rows = evidence.filter((e) => e.terminal === id).sort((a, b) => a.cycle - b.cycle);
  let bad = 0;
  for (const e of rows) {
    bad += Math.max(0, e.requests - e.replies);
    if (bad >= threshold) return e.cycle;
  }
  return rows.at(-1)?.cycle ?? 0;
}

/** Detection figures against the ground truth (malicious terminal ids). */
export function scoreDetection(flagged: readonly Flagged[], malicious: ReadonlySet<string>) {
  const f = new Set(flagged.map((x) => x.id as string));
  const truePositives = [...f].filter((id) => malicious.has(id)).length;
  return {
    truePositives,
    falsePositives: f.size - truePositives,
    falseNegatives: [...malicious].filter((id) => !f.has(id)).length,
  };
}
