// The slice of the store the pipeline writes through (structurally satisfied by src/storage's Store).
import type { TerminalId, UnixMillis } from '../core/index.ts';
import type {
  EvidenceCounters,
  ReplayState,
  ReplayWindowUpdate as ModelReplayWindowUpdate,
} from '../model/index.ts';

/** A replay window as persisted: highest accepted counter (−1 when none) and the 64-bit bitmap. */
export type PersistedReplayState = ReplayState;

/** One replay window update: counters are per (terminal, purpose, dir, version) [SGT1-1.2]. */
export type ReplayWindowUpdate = ModelReplayWindowUpdate;

/**
 * One telemetry reading (spec §7.3) in SI units. `(terminal, purpose, keyVersion, fc)` is unique: the
 * frame it came from can never be stored twice.
 */
export interface IngestReading {
  readonly terminal: TerminalId;
  readonly purpose: number;
  readonly keyVersion: number;
  /** Frame counter of the SGT1 frame that carried it. */
  readonly fc: number;
  /** Measurement time (telemetry key 1), ms since the epoch. */
  readonly ts: UnixMillis;
  /** When the platform accepted the frame. */
  readonly receivedAt: UnixMillis;
  /** Voltage L1 in V (key 2). */
  readonly voltage?: number | null;
  /** Current L1 in A (key 3). */
  readonly current?: number | null;
  /** Active power import P in W (key 4). */
  readonly activePower?: number | null;
  /** Reactive power Q in var (key 5). */
  readonly reactivePower?: number | null;
  /** Power factor, −1..1 (key 6). */
  readonly powerFactor?: number | null;
  /** Frequency in Hz (key 7). */
  readonly frequency?: number | null;
  /** Active energy import register in Wh (key 8). */
  readonly energyImport?: number | null;
  /** Active energy export register in Wh (key 9). */
  readonly energyExport?: number | null;
}

/** Additive behaviour evidence of one terminal in one cycle (what the trust engine consumes). */
export type EvidenceIncrement = EvidenceCounters;

/** Rejected requests to add to the counters. */
export interface RejectIncrement {
  readonly reason: string;
  readonly terminal?: TerminalId | null;
  readonly count: number;
}

/**
 * One atomic write: all or nothing, durable when the promise resolves. A reading also accepts its
 * counter into its window (dir 0), so `replayUpdates` holds only windows some frame without a
 * reading moved (ADR 0009).
 */
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
