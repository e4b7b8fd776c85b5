// The slice of the store the pipeline writes through (structurally satisfied by src/storage's Store).
import type { TerminalId, UnixMillis } from '../core/index.ts';

/** A replay window as persisted: highest accepted counter (−1 when none) and the 64-bit bitmap. */
export interface PersistedReplayState {
  readonly highest: number;
  readonly bitmap: bigint;
}

/** One replay window update: counters are per (terminal, purpose, dir, version) [SGT1-1.2]. */
export interface ReplayWindowUpdate {
  readonly terminal: TerminalId;
  readonly purpose: number;
  readonly dir: 0 | 1;
  readonly version: number;
  readonly state: PersistedReplayState;
}

/** One reading in SI units (spec §7.3), unique per (terminal, purpose, keyVersion, fc). */
export interface IngestReading {
  readonly terminal: TerminalId;
  readonly purpose: number;
  readonly keyVersion: number;
  readonly fc: number;
  readonly ts: UnixMillis;
  readonly receivedAt: UnixMillis;
  readonly voltage?: number | null;
  readonly current?: number | null;
  readonly activePower?: number | null;
  readonly reactivePower?: number | null;
  readonly powerFactor?: number | null;
  readonly frequency?: number | null;
  readonly energyImport?: number | null;
  readonly energyExport?: number | null;
}

/** Additive behaviour evidence of one terminal in one cycle (what the trust engine consumes). */
export interface EvidenceIncrement {
  readonly terminal: TerminalId;
  readonly cycle: number;
  readonly requests: number;
  readonly replies: number;
  readonly duplicates: number;
  readonly late: number;
  readonly integrityFailures: number;
  readonly delaySumMs: number;
  readonly delayCount: number;
}

/** Rejected requests to add to the counters. */
export interface RejectIncrement {
  readonly reason: string;
  readonly terminal?: TerminalId | null;
  readonly count: number;
}

/** One atomic write: all or nothing, durable when the promise resolves. */
export interface IngestBatch {
  readonly readings: readonly IngestReading[];
  readonly replayUpdates: readonly ReplayWindowUpdate[];
  readonly evidenceDeltas: readonly EvidenceIncrement[];
  readonly rejectCounts: readonly RejectIncrement[];
}

/** The store operation the pipeline needs (the store group-commits concurrent batches). */
export interface IngestStore {
  /** Resolves after the transaction commits; `duplicates` indexes readings stored before. */
  commitBatch(batch: IngestBatch): Promise<{ readonly duplicates: readonly number[] }>;
}
