// Maps the ingest pipeline's per-terminal evidence counters to evidence records (platform-tier online use).
import type { EvidenceCounters as ModelEvidenceCounters } from '../model/index.ts';
import type { EvidenceRecord } from './evidence.ts';

/** One terminal's counters of one cycle (the model's, with any string id: trust also scores traces). */
export type EvidenceCounters = ModelEvidenceCounters<string>;

/**
 * One cycle's counters of a terminal as an evidence record. Mains-powered terminals (fusion terminals,
 * iTTUs) have no battery: pass no energy and the record carries a constant 1 J / 1 J (Etm = 1).
 * @example engine.scoreCycle(increments.map((c) => evidenceFromCounters(c, { fusionTerminal: 'platform' })))
 */
export function evidenceFromCounters(
  c: EvidenceCounters,
  o: {
    fusionTerminal: string;
    remainingEnergyJ?: number;
    initialEnergyJ?: number;
    /** @default 1000 — ingest measures delay against the telemetry's whole-second time */
    delayResolutionMs?: number;
  },
): EvidenceRecord {
  const valid = Math.max(0, c.replies);
  const caught = Math.max(0, c.integrityFailures);
  return {
    terminal: c.terminal,
    fusionTerminal: o.fusionTerminal,
    cycle: c.cycle,
    requests: Math.max(c.requests, valid + caught),
    validReplies: valid,
    duplicates: Math.max(0, c.duplicates),
    lateReplies: Math.min(Math.max(0, c.late), valid),
    tamperedCaught: caught,
    meanDelayMs: c.delayCount > 0 ? c.delaySumMs / c.delayCount : null,
    delayResolutionMs: o.delayResolutionMs ?? 1000,
    remainingEnergyJ: o.remainingEnergyJ ?? o.initialEnergyJ ?? 1,
    initialEnergyJ: o.initialEnergyJ ?? 1,
  };
}
