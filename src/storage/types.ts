// The store port: every record the platform persists, and the atomic ingestion batch.
import type { MessagePort } from 'node:worker_threads';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import type { EvidenceCounters, ReplayKey, ReplayState, ReplayWindowUpdate } from '../model/index.ts';
import type { IngestReading } from '../ingest/index.ts';
import type { AuditInput, RegistryStore, TerminalStatus } from '../keys/index.ts';

/** Replay window state of one (terminal, purpose, dir, version) key [SGT1-1.2 receiver rules]. */
export type { ReplayKey, ReplayState };

/** A window's new state, committed with the batch that made it. */
export type ReplayUpdate = ReplayWindowUpdate;

/**
 * One stored telemetry reading (spec §7.3) in SI units. `(terminal, purpose, keyVersion, fc)` is
 * unique: the frame it came from can never be stored twice.
 */
export interface ReadingInput extends IngestReading {
  /** The decrypted CBOR record, when the caller keeps it. */
  readonly raw?: Uint8Array | null;
}

/** A reading as read back: every field present (null when absent). */
export type Reading = { readonly [K in keyof ReadingInput]-?: Exclude<ReadingInput[K], undefined> };

/** Additive per-terminal behaviour evidence for one cycle; a counter left out adds nothing. */
export type EvidenceDelta = Pick<EvidenceCounters, 'terminal' | 'cycle'> &
  Partial<Omit<EvidenceCounters, 'terminal' | 'cycle'>>;

/** One terminal's summed evidence of one cycle, as read back. */
export type EvidenceRecord = EvidenceCounters & {
  /** delaySumMs / delayCount, or null when no delay was measured. */
  readonly meanDelayMs: number | null;
};

/** Rejected frames to add to the counters; `terminal` when the frame named a known terminal. */
export interface RejectCountDelta {
  readonly reason: string;
  readonly terminal?: TerminalId | null;
  readonly count: number;
}

export interface RejectCounts {
  readonly byReason: Readonly<Record<string, number>>;
  readonly byTerminal: readonly { terminal: TerminalId; reason: string; count: number }[];
}

/**
 * Everything one ingestion step writes, committed atomically (all or nothing). A reading's counter is
 * part of its replay window (terminal, purpose, dir 0, keyVersion) as if `replayUpdates` had named it,
 * so a caller sends updates only for counters that came without a reading (ADR 0009).
 */
export interface CommitBatch {
  readonly readings?: readonly ReadingInput[];
  readonly replayUpdates?: readonly ReplayUpdate[];
  readonly evidenceDeltas?: readonly EvidenceDelta[];
  readonly rejectCounts?: readonly RejectCountDelta[];
  readonly audit?: readonly AuditInput[];
}

export interface CommitResult {
  /** Readings newly stored. */
  readonly stored: number;
  /** Indexes (into `readings`) of readings already stored before: a retried or replayed frame. */
  readonly duplicates: readonly number[];
}

/** One audit log record: the input plus its place in the SHA-256 hash chain. */
export interface AuditRecord extends AuditInput {
  readonly seq: number;
  /** Hex SHA-256 of the previous record (64 zeros for the first). */
  readonly prevHash: string;
  /** Hex SHA-256 over this record's canonical form, including prevHash. */
  readonly hash: string;
}

export type AuditVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; brokenAt: number; reason: 'BAD_HASH' | 'BAD_LINK' | 'BAD_SEQ' };

export interface ReadingQuery {
  readonly terminal: TerminalId;
  /** Inclusive lower bound on `ts`. */
  readonly from?: UnixMillis;
  /** Exclusive upper bound on `ts`. */
  readonly to?: UnixMillis;
  /** Maximum rows, oldest first. @default 10000 */
  readonly limit?: number;
}

export interface AggregateQuery {
  readonly terminal?: TerminalId;
  readonly from: UnixMillis;
  readonly to: UnixMillis;
  /** Bucket width in ms (e.g. 3_600_000 for hourly). */
  readonly bucketMs: number;
}

export interface AggregateBucket {
  /** Bucket start, ms. */
  readonly start: UnixMillis;
  readonly count: number;
  /** Mean active power in W over the readings in the bucket (null if none had P). */
  readonly meanActivePower: number | null;
  readonly maxActivePower: number | null;
}

export interface TerminalStatusChange {
  readonly id: TerminalId;
  readonly status: TerminalStatus;
  readonly at: UnixMillis;
  readonly actor: string;
  readonly reason: string;
}

/**
 * The storage port. Every method is async so that PostgreSQL can implement it; the memory store is
 * the reference and `conformance.ts` is the suite every adapter passes.
 */
export interface Store extends RegistryStore {
  /** Sets a terminal's status (e.g. `quarantined`), audited; false if the terminal is unknown. */
  setTerminalStatus(change: TerminalStatusChange): Promise<boolean>;
  getReplayState(key: ReplayKey): Promise<ReplayState | undefined>;
  /** All replay windows of one terminal, or of every terminal (to warm a cache at start). */
  listReplayStates(terminal?: TerminalId): Promise<ReplayUpdate[]>;
  /**
   * Writes readings, replay-window updates, evidence, reject counters and audit entries in one
   * transaction; resolves only after it is durable. Readings already stored are skipped and reported
   * in `duplicates`; replay windows are merged (never move backwards). Throws `StorageError` (and
   * writes nothing) when the batch is invalid, e.g. a reading of an unknown terminal.
   */
  commitBatch(batch: CommitBatch): Promise<CommitResult>;
  /**
   * Only a store with one writer thread (SQLite): runs the module at `entry` inside that thread as a
   * writer extension (sqlite/writer-extension.ts), which commits batches there synchronously; resolves
   * to this side of its message channel. Absent elsewhere: callers then commit with `commitBatch`.
   */
  extendWriter?(entry: URL, data: unknown): Promise<MessagePort>;
  queryReadings(query: ReadingQuery): Promise<Reading[]>;
  countReadings(terminal?: TerminalId): Promise<number>;
  aggregateReadings(query: AggregateQuery): Promise<AggregateBucket[]>;
  getRejectCounts(): Promise<RejectCounts>;
  getEvidence(filter?: {
    terminal?: TerminalId;
    fromCycle?: number;
    toCycle?: number;
  }): Promise<EvidenceRecord[]>;
  appendAudit(entries: readonly AuditInput[]): Promise<AuditRecord[]>;
  listAudit(filter?: { afterSeq?: number; limit?: number }): Promise<AuditRecord[]>;
  /** Recomputes the whole hash chain; reports the first broken record. */
  verifyAudit(): Promise<AuditVerification>;
  /** Flushes pending batches and closes connections and workers. */
  close(): Promise<void>;
}

/** Tuning of the group-commit batcher. */
export interface GroupCommitOptions {
  /**
   * How long the first batch of a group waits for others, in ms. 0 = flush on the next turn of the
   * event loop (everything submitted meanwhile joins the group). SQLite applies it only while its
   * write worker is idle (batches queued during a commit go as the next group at once).
   * @default 2 (PostgreSQL), 0 (SQLite)
   */
  readonly maxDelayMs?: number;
  /** Most items (e.g. readings) per group. @default 2000 (PostgreSQL), 4000 (SQLite) */
  readonly maxItems?: number;
  /** SQLite: groups in the write worker at once (committed in order). @default 2 */
  readonly maxInFlight?: number;
  /** SQLite: queued items that send a group at once instead of on the next turn. @default 512 */
  readonly eagerItems?: number;
}

/** Builds a fresh, empty store (what the conformance suite runs against). */
export type StoreFactory = () => Promise<Store>;
