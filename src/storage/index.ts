// Public entry of the storage area: the store port, its in-memory reference, and the SQLite adapter.
// (The conformance suite, src/storage/conformance.ts, imports vitest and is used only by adapter tests.)
export type {
  AggregateBucket,
  AggregateQuery,
  AuditRecord,
  AuditVerification,
  CommitBatch,
  CommitResult,
  EvidenceDelta,
  EvidenceRecord,
  Reading,
  ReadingInput,
  ReadingQuery,
  RejectCountDelta,
  RejectCounts,
  ReplayKey,
  ReplayState,
  ReplayUpdate,
  Store,
  StoreFactory,
  TerminalStatusChange,
} from './types.ts';
export { StorageError, type StorageErrorCode } from './errors.ts';
export { GENESIS_HASH, verifyAuditChain } from './audit-chain.ts';
export { mergeReplayStates, REPLAY_WINDOW_BITS } from './replay-merge.ts';
export { createMemoryStore } from './memory/memory-store.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export type { AttachWriterExtension, WriterHost } from './sqlite/writer-extension.ts';
export type { GroupCommitOptions } from './types.ts';
export {
  DATABASE_FILE,
  DATA_DIR_ENV,
  DEFAULT_DATA_DIR,
  PERSONALISATION_DIR,
  openDataDir,
  resolveDataDir,
  type DataDir,
} from './data-dir.ts';
export {
  openPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from './postgres/postgres-store.ts';
