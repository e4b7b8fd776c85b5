// Behaviour evidence counters of one terminal in one cycle: what ingest counts, the store sums and
// publishes, and the trust engine scores (docs/evidence-format.md).
import type { TerminalId } from '../core/index.ts';

/** The additive counters, in their one canonical order. */
export const EVIDENCE_COUNTER_FIELDS = [
  'requests',
  'replies',
  'duplicates',
  'late',
  'integrityFailures',
  'delaySumMs',
  'delayCount',
] as const;

/** One counter's name. */
export type EvidenceCounterField = (typeof EVIDENCE_COUNTER_FIELDS)[number];

/** Additive behaviour evidence of one terminal in one cycle (a delta or a sum of deltas). */
export type EvidenceCounters<Id extends string = TerminalId> = {
  readonly terminal: Id;
  /** Trust cycle number: floor(receive time / cycle length). */
  readonly cycle: number;
} & { readonly [K in EvidenceCounterField]: number };

/** Zeroed counters of a terminal and cycle. */
export function emptyEvidence<Id extends string>(terminal: Id, cycle: number): EvidenceCounters<Id> {
  return {
    terminal,
    cycle,
    requests: 0,
    replies: 0,
    duplicates: 0,
    late: 0,
    integrityFailures: 0,
    delaySumMs: 0,
    delayCount: 0,
  };
}

/** `a + b`, counter by counter (terminal and cycle of `a`). */
export function sumEvidence<Id extends string>(
  a: EvidenceCounters<Id>,
  b: EvidenceCounters<string>,
): EvidenceCounters<Id> {
  const out: { -readonly [K in keyof EvidenceCounters<Id>]: EvidenceCounters<Id>[K] } = { ...a };
  for (const k of EVIDENCE_COUNTER_FIELDS) out[k] += b[k];
  return out;
}
