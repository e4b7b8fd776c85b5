// SqliteStore: the embedded default store (better-sqlite3, WAL, migrations, group commit in a write worker, read worker).
import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { TerminalId } from '../../core/index.ts';
import type { AuditInput } from '../../keys/index.ts';
import { createAuditVerifier } from '../audit-chain.ts';
import { StorageError } from '../errors.ts';
import { addCounters, bitmapFromHex } from '../replay-merge.ts';
import type {
  AggregateQuery,
  ReadingQuery,
  RejectCounts,
  ReplayKey,
  ReplayState,
  ReplayUpdate,
  GroupCommitOptions,
  Store,
} from '../types.ts';
import { validateBatch } from '../validate.ts';
import { applyMigrations } from './migrations.ts';
import {
  aggregateReadingsSql,
  countReadingsSql,
  getEvidenceSql,
  listAuditSql,
  queryReadingsSql,
} from './read-queries.ts';
import { createWorkerReader, type SqlReader } from './read-worker.ts';
import { createRegistryPart, type Live } from './registry-part.ts';
import type { InboxOptions } from './reading-inbox.ts';
import { windowId } from './replay-windows.ts';
import { startWriteWorker } from './write-client.ts';
import { appendAuditSync, prepareWriteOps, type WriteOps } from './write-ops.ts';

export interface SqliteStoreOptions {
  /** Database file; created with its schema when missing. */
  readonly path: string;
  /**
   * `full`: every committed group is fsynced before callers are resolved (survives power loss);
   * `normal`: survives a process crash but a power loss may drop the last groups (docs/storage.md).
   * @default 'full'
   */
  readonly synchronous?: 'full' | 'normal';
  readonly groupCommit?: GroupCommitOptions;
  /** When new readings move from the arrival-ordered inbox into the indexed table (ADR 0008). */
  readonly inbox?: InboxOptions;
  /**
   * Longest time the write worker sums behaviour evidence in memory before writing it (ms); reads of
   * evidence (`getEvidence`) always see everything committed before them (ADR 0008).
   * @default 200
   */
  readonly evidenceFlushMs?: number;
  /** Run heavy reads in a worker thread (false: on the main connection, for short-lived CLI runs). @default true */
  readonly readWorker?: boolean;
}

/** The SQLite store, plus figures for metrics. */
export interface SqliteStore extends Store {
  /** Transactions written by the group committer so far. */
  readonly groupCommits: number;
  readonly path: string;
  extendWriter(entry: URL, data: unknown): Promise<MessagePort>;
}

function openDatabase(o: SqliteStoreOptions): Database.Database {
  try {
    const db = new Database(o.path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // The write worker checkpoints the WAL; this connection's rare registry writes never stall on it.
    db.pragma('wal_autocheckpoint = 0');
    applyMigrations(db);
    return db;
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError('GT_ERR_STORAGE_OPEN', `cannot open database ${o.path}`, {
      hint: 'check that the data directory exists, is writable and the disk is not full',
      cause,
    });
  }
}

/** A reader on the main connection (no worker): statements cached per SQL text. */
function createInlineReader(db: Database.Database): SqlReader {
  const cache = new Map<string, Database.Statement>();
  return {
    all<T>(sql: string, params: readonly unknown[]) {
      let st = cache.get(sql);
      if (st === undefined) cache.set(sql, (st = db.prepare(sql)));
      return Promise.resolve(st.all(...params) as T[]);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Opens (creating and migrating if needed) a SQLite store.
 * @example
 * const store = await openSqliteStore({ path: '.gridtrust/gridtrust.db' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const db = openDatabase(options);
  try {
    const committer = await startWriteWorker(
      {
        path: options.path,
        synchronous: options.synchronous ?? 'full',
        inbox: options.inbox,
        evidenceFlushMs: options.evidenceFlushMs,
      },
      options.groupCommit,
    );
    return buildStore(options, db, committer);
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Ingestion batches (`commitBatch`) are written by the write worker, on its own connection and thread;
 * the rare registry and audit writes stay on this connection. Both use IMMEDIATE transactions, so the
 * two writers queue on SQLite's write lock (busy_timeout) instead of failing on a stale snapshot.
 */
function buildStore(
  options: SqliteStoreOptions,
  db: Database.Database,
  committer: Awaited<ReturnType<typeof startWriteWorker>>,
): SqliteStore {
  const ops = prepareWriteOps(db);
  const reader = options.readWorker === false ? createInlineReader(db) : createWorkerReader(options.path);
  let closed = false;
  const live: Live = (fn) => {
    if (closed)
      return Promise.reject(
        new StorageError('GT_ERR_STORAGE_CLOSED', 'the store is closed', { hint: 'open a new store' }),
      );
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    path: options.path,
    get groupCommits() {
      return committer.groups;
    },
    ...createRegistryPart(db, ops, live),
    ...createDataPart(db, ops, reader, live),
    // Evidence the write worker still sums in memory is written first (read-your-writes).
    getEvidence: (f: Parameters<Store['getEvidence']>[0] = {}) =>
      live(() => committer.sync().then(() => getEvidenceSql(reader, f))),
    extendWriter: (entry, data) => live(() => committer.extend(entry, data)),
    commitBatch: (batch) =>
      live(() => {
        validateBatch(batch);
        return committer.submit(batch, batch.readings?.length ?? 1);
      }),
    close: async () => {
      if (closed) return;
      closed = true; // refuse new work first, then write what was accepted before
      await committer.close();
      await reader.close();
      db.close();
    },
  };
}

/** Replay windows, reads, counters and audit: point lookups on the main connection, the rest on `reader`. */
function createDataPart(db: Database.Database, ops: WriteOps, reader: SqlReader, live: Live) {
  const q = prepareReads(db);
  // A window is its row united with its inbox rows' counters (ADR 0009): both read in one snapshot.
  const window = db.transaction((k: ReplayKey): ReplayState | undefined => {
    const row = q.replay.get(k.terminal, k.purpose, k.dir, k.version);
    const state = row === undefined ? undefined : { highest: row.highest, bitmap: bitmapFromHex(row.bitmap) };
    const fcs = k.dir === 0 ? q.inboxCounters.raw().all(k.terminal, k.purpose, k.version).flat() : [];
    return fcs.length === 0 ? state : addCounters(state, fcs);
  });
  const windows = db.transaction((terminal: TerminalId | null): ReplayUpdate[] => {
    const all = new Map<string, ReplayUpdate>();
    for (const r of q.replays.all(terminal, terminal)) {
      const dir = r.dir === 1 ? 1 : 0;
      all.set(windowId(r.terminal, r.purpose, dir, r.version), {
        terminal: r.terminal as TerminalId,
        purpose: r.purpose,
        dir,
        version: r.version,
        state: { highest: r.highest, bitmap: bitmapFromHex(r.bitmap) },
      });
    }
    for (const [t, purpose, version, fc] of q.inboxRows.raw().iterate(terminal, terminal)) {
      const id = windowId(t, purpose, 0, version);
      const u = all.get(id);
      const state = addCounters(u?.state, [fc]);
      all.set(id, { terminal: t as TerminalId, purpose, dir: 0, version, state });
    }
    return [...all.values()];
  });
  return {
    getReplayState: (k: ReplayKey) => live(() => window.deferred(k)),
    listReplayStates: (terminal?: TerminalId) => live(() => windows.deferred(terminal ?? null)),
    queryReadings: (query: ReadingQuery) => live(() => queryReadingsSql(reader, query)),
    countReadings: (terminal?: TerminalId) => live(() => countReadingsSql(reader, terminal)),
    aggregateReadings: (query: AggregateQuery) => live(() => aggregateReadingsSql(reader, query)),
    getRejectCounts: () => live(() => toRejectCounts(q.rejects.all())),
    appendAudit: (entries: readonly AuditInput[]) =>
      live(() => db.transaction(() => appendAuditSync(ops, entries)).immediate()),
    listAudit: (f: Parameters<Store['listAudit']>[0] = {}) => live(() => listAuditSql(reader, f)),
    verifyAudit: () => live(() => verifyAll(reader)),
  };
}

async function verifyAll(reader: SqlReader) {
  const v = createAuditVerifier();
  for (let after = 0; ;) {
    const page = await listAuditSql(reader, { afterSeq: after, limit: 5000 });
    if (page.length === 0) return v.finish();
    for (const r of page) if (!v.push(r)) return v.finish();
    after = page.at(-1)?.seq ?? after;
  }
}

function toRejectCounts(rows: { reason: string; terminal: string; count: number }[]): RejectCounts {
  const byReason: Record<string, number> = {};
  for (const r of rows) byReason[r.reason] = (byReason[r.reason] ?? 0) + r.count;
  const byTerminal = rows
    .filter((r) => r.terminal !== '')
    .map((r) => ({ terminal: r.terminal as TerminalId, reason: r.reason, count: r.count }));
  return { byReason, byTerminal };
}

function prepareReads(db: Database.Database) {
  return {
    replay: db.prepare<[string, number, number, number], { highest: number; bitmap: string }>(
      'SELECT highest, bitmap FROM replay_state WHERE terminal = ? AND purpose = ? AND dir = ? AND version = ?',
    ),
    inboxCounters: db.prepare<[string, number, number], [number]>(
      'SELECT fc FROM readings_inbox WHERE terminal = ? AND purpose = ? AND key_version = ?',
    ),
    inboxRows: db.prepare<[string | null, string | null], [string, number, number, number]>(
      'SELECT terminal, purpose, key_version, fc FROM readings_inbox WHERE (? IS NULL OR terminal = ?)',
    ),
    replays: db.prepare<
      [string | null, string | null],
      { terminal: string; purpose: number; dir: number; version: number; highest: number; bitmap: string }
    >(
      `SELECT terminal, purpose, dir, version, highest, bitmap FROM replay_state WHERE (? IS NULL OR terminal = ?)`,
    ),
    rejects: db.prepare<[], { reason: string; terminal: string; count: number }>(
      'SELECT reason, terminal, count FROM reject_counts ORDER BY terminal, reason',
    ),
  };
}
