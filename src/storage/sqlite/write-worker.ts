// Write worker body: owns the write connection; each packed group is one IMMEDIATE transaction, answered after COMMIT.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { GridtrustError } from '../../core/index.ts';
import type { PackedGroup } from './write-codec.ts';
import { applyBatches, forgetUncommitted, type BatchOutcome, type WriterMemory } from './write-group.ts';
import { prepareWriteOps } from './write-ops.ts';

/** What the main thread sends. */
export type WriteRequest = { type: 'group'; id: number; group: PackedGroup } | { type: 'close' };

/** A batch's failure, as data (errors do not cross threads with their class). */
export interface WireError {
  code: string;
  message: string;
  hint?: string | undefined;
}

/** What the worker answers. */
export type WriteReply =
  | { type: 'ready' }
  | {
      type: 'done';
      id: number;
      outcomes: ({ ok: true; value: BatchOutcome } | { ok: false; error: WireError })[];
    }
  | { type: 'failed'; id: number; error: WireError }
  | { type: 'fatal'; error: WireError }
  | { type: 'closed' };

/** Options the main thread passes as workerData. */
export interface WriteWorkerData {
  path: string;
  synchronous: 'full' | 'normal';
}

function toWire(e: unknown): WireError {
  if (e instanceof GridtrustError) {
    const err = e as GridtrustError;
    return { code: err.code, message: err.message, hint: err.hint };
  }
  return { code: 'GT_ERR_STORAGE_WRITE', message: e instanceof Error ? e.message : String(e) };
}

function start(port: NonNullable<typeof parentPort>, data: WriteWorkerData): void {
  const db = new Database(data.path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${data.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  // Foreign keys are not enforced row by row here: every terminal a group names is checked once per
  // group inside the same IMMEDIATE transaction (write-group.ts), and terminals are never deleted.
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  // Ingestion touches every terminal's index pages in each group: keep them in memory (64 MiB).
  db.pragma('cache_size = -65536');
  // Groups rewrite the same index pages again and again; checkpointing every ~40 MiB of WAL instead
  // of every 4 MiB copies each page once instead of many times (docs/storage.md "Write path").
  db.pragma('wal_autocheckpoint = 10000');
  const ops = prepareWriteOps(db);
  const mem: WriterMemory = { known: new Set(), replay: new Map() };
  // Fast path: the whole group at once; on any failure nothing was written and each batch is redone
  // in its own SAVEPOINT so that an invalid batch fails only its caller.
  const fast = db.transaction((g: PackedGroup) => applyBatches(ops, g, mem, [0, g.batches]));
  const one = db.transaction((g: PackedGroup, i: number) => applyBatches(ops, g, mem, [i, i + 1])[0]);
  const isolated = db.transaction((g: PackedGroup) =>
    Array.from({ length: g.batches }, (_, i) => {
      try {
        return { ok: true as const, value: one(g, i) ?? { stored: 0, duplicates: [] } };
      } catch (e) {
        forgetUncommitted(mem);
        return { ok: false as const, error: toWire(e) };
      }
    }),
  );
  const run = (id: number, g: PackedGroup): WriteReply => {
    try {
      try {
        return { type: 'done', id, outcomes: fast.immediate(g).map((value) => ({ ok: true, value })) };
      } catch {
        forgetUncommitted(mem);
        return { type: 'done', id, outcomes: isolated.immediate(g) };
      }
    } catch (e) {
      forgetUncommitted(mem);
      return { type: 'failed', id, error: toWire(e) };
    }
  };
  port.on('message', (m: WriteRequest) => {
    if (m.type === 'close') {
      db.close();
      port.postMessage({ type: 'closed' } satisfies WriteReply);
      return;
    }
    port.postMessage(run(m.id, m.group));
  });
  port.postMessage({ type: 'ready' } satisfies WriteReply);
}

if (parentPort !== null) {
  try {
    start(parentPort, workerData as WriteWorkerData);
  } catch (e) {
    parentPort.postMessage({ type: 'fatal', error: toWire(e) } satisfies WriteReply);
  }
}
