// Write worker body: owns the write connection; each packed group is one IMMEDIATE transaction, answered after COMMIT.
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadTsModule } from '../../core/index.ts';
import { validateBatch } from '../validate.ts';
import { packGroup, type PackedGroup } from './write-codec.ts';
import { EvidenceBuffer } from './evidence-buffer.ts';
import { ReadingInbox, type InboxOptions } from './reading-inbox.ts';
import { ReplayWindows } from './replay-windows.ts';
import { applyBatches, forgetUncommitted, type BatchOutcome, type WriterMemory } from './write-group.ts';
import { prepareWriteOps, type WriteOps } from './write-ops.ts';
import { fromWire, toWire, type WireError } from './wire-error.ts';
import type { AttachWriterExtension, WriterHost } from './writer-extension.ts';

/** What the main thread sends. */
export type WriteRequest =
  | { type: 'group'; id: number; group: PackedGroup }
  | { type: 'sync'; id: number }
  /** Loads the module at path `entry` and attaches it (writer-extension.ts) with its own port. */
  | { type: 'extend'; id: number; entry: string; data: unknown; port: MessagePort }
  | { type: 'close' };

/** What the worker answers. */
export type WriteReply =
  | { type: 'ready' }
  | {
      type: 'done';
      id: number;
      outcomes: ({ ok: true; value: BatchOutcome } | { ok: false; error: WireError })[];
    }
  | { type: 'failed'; id: number; error: WireError }
  | { type: 'synced'; id: number }
  | { type: 'extended'; id: number }
  | { type: 'fatal'; error: WireError }
  | { type: 'closed' };

/** Options the main thread passes as workerData. */
export interface WriteWorkerData {
  path: string;
  synchronous: 'full' | 'normal';
  inbox?: InboxOptions | undefined;
  /** Shared with the main thread: [0] counts committed group transactions. */
  counters?: Int32Array | undefined;
  /** Longest time summed evidence waits in memory before it is written (ms). @default 200 */
  evidenceFlushMs?: number | undefined;
}

function openWriteConnection(data: WriteWorkerData): Database.Database {
  const db = new Database(data.path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${data.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  // Foreign keys are not enforced row by row here: every terminal a group names is checked once per
  // group inside the same IMMEDIATE transaction (write-group.ts), and terminals are never deleted.
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  // Merges rewrite the same index pages again and again; checkpointing every ~40 MiB of WAL instead
  // of every 4 MiB copies each page once instead of many times (docs/storage.md "Write path").
  db.pragma('wal_autocheckpoint = 10000');
  return db;
}

/** The group transaction: fast path, or each batch in its own SAVEPOINT when anything failed. */
function createGroupRunner(
  db: Database.Database,
  ops: WriteOps,
  mem: WriterMemory,
  evidence: EvidenceBuffer,
  counters: Int32Array | undefined,
) {
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
  return (id: number, g: PackedGroup): WriteReply => {
    try {
      try {
        const out = fast.immediate(g);
        if (counters) Atomics.add(counters, 0, 1);
        evidence.add(g, 0, g.batches); // committed: its evidence joins the buffer
        return { type: 'done', id, outcomes: out.map((value) => ({ ok: true, value })) };
      } catch {
        forgetUncommitted(mem);
        const outcomes = isolated.immediate(g);
        if (counters) Atomics.add(counters, 0, 1);
        outcomes.forEach((o, i) => o.ok && evidence.add(g, i, i + 1));
        return { type: 'done', id, outcomes };
      }
    } catch (e) {
      forgetUncommitted(mem);
      return { type: 'failed', id, error: toWire(e) };
    }
  };
}

/** Writes the summed evidence in its own transaction; on failure it stays pending (retried later). */
function createEvidenceFlusher(
  db: Database.Database,
  ops: WriteOps,
  evidence: EvidenceBuffer,
  flushMs: number,
) {
  const write = db.transaction(() => evidence.write(ops));
  let last = performance.now();
  const flush = (): void => {
    last = performance.now();
    if (evidence.rows === 0) return;
    try {
      write.immediate();
      evidence.clear();
    } catch {
      // The rows stay in the buffer; the next flush retries them.
    }
  };
  const flushIfDue = (): void => {
    if (performance.now() - last >= flushMs) flush();
  };
  return { flush, flushIfDue };
}

/**
 * Merges inbox slices into `readings` when the worker is idle (no group for `idleMs`), and one slice
 * after every group once the inbox holds more than `hardLimit` rows, so it stays bounded under load.
 */
function createMergeScheduler(
  db: Database.Database,
  mem: WriterMemory,
  o: InboxOptions & { onIdle: () => void },
) {
  const slice = o.mergeSlice ?? 5000;
  const hardLimit = o.hardLimit ?? 100_000;
  const idleMs = o.idleMs ?? 200;
  const merge = db.transaction(() => mem.inbox.mergeOldest(slice, (last) => mem.windows.coverUpTo(last)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const mergeSlice = (): number => {
    try {
      return merge.immediate();
    } catch {
      forgetUncommitted(mem); // nothing moved; the rows stay in the inbox and are retried later
      return 0;
    }
  };
  const onIdle = (): void => {
    timer = undefined;
    o.onIdle();
    if (mergeSlice() > 0 && mem.inbox.rows > 0) arm();
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, idleMs);
  };
  return {
    afterGroup(): void {
      if (mem.inbox.rows > hardLimit) mergeSlice();
      arm();
    },
    stop: () => clearTimeout(timer),
  };
}

/** The host an extension commits through: one batch, one group, the same runner as the main thread's. */
function createHost(run: ReturnType<typeof createGroupRunner>, afterGroup: () => void): WriterHost {
  return {
    commit(batch) {
      validateBatch(batch);
      const r = run(0, packGroup([batch]));
      afterGroup();
      if (r.type === 'failed') throw fromWire(r.error);
      const o = r.type === 'done' ? r.outcomes[0] : undefined;
      if (o === undefined) throw fromWire({ code: 'GT_ERR_STORAGE_WRITE', message: 'no outcome' });
      if (!o.ok) throw fromWire(o.error);
      return o.value;
    },
  };
}

/** Loads and attaches an extension; its port is closed when the store closes. */
function extend(host: WriterHost, m: Extract<WriteRequest, { type: 'extend' }>, ports: MessagePort[]): void {
  const mod = loadTsModule(m.entry) as { attachWriterExtension?: AttachWriterExtension };
  if (typeof mod.attachWriterExtension !== 'function')
    throw new Error(`${m.entry} does not export attachWriterExtension`);
  mod.attachWriterExtension(host, m.port, m.data);
  ports.push(m.port);
}

function start(port: NonNullable<typeof parentPort>, data: WriteWorkerData): void {
  const db = openWriteConnection(data);
  const ops = prepareWriteOps(db);
  const inbox = new ReadingInbox(db);
  const mem: WriterMemory = { known: new Set(), windows: new ReplayWindows(ops, inbox), inbox };
  const evidence = new EvidenceBuffer();
  const run = createGroupRunner(db, ops, mem, evidence, data.counters);
  const evidenceWrites = createEvidenceFlusher(db, ops, evidence, data.evidenceFlushMs ?? 200);
  const merges = createMergeScheduler(db, mem, { ...data.inbox, onIdle: evidenceWrites.flush });
  merges.afterGroup(); // rows left in the inbox by an earlier run are merged once idle
  const afterGroup = (): void => {
    evidenceWrites.flushIfDue();
    merges.afterGroup();
  };
  const host = createHost(run, afterGroup);
  const extensions: MessagePort[] = [];
  port.on('message', (m: WriteRequest) => {
    switch (m.type) {
      case 'extend':
        try {
          extend(host, m, extensions);
          port.postMessage({ type: 'extended', id: m.id } satisfies WriteReply);
        } catch (e) {
          m.port.close();
          const hint = `check that ${m.entry} exists and exports attachWriterExtension (writer-extension.ts)`;
          port.postMessage({ type: 'failed', id: m.id, error: { ...toWire(e), hint } } satisfies WriteReply);
        }
        return;
      case 'close':
        for (const p of extensions) p.close();
        merges.stop();
        evidenceWrites.flush();
        db.close();
        port.postMessage({ type: 'closed' } satisfies WriteReply);
        return;
      case 'sync':
        evidenceWrites.flush();
        port.postMessage({ type: 'synced', id: m.id } satisfies WriteReply);
        return;
      case 'group':
        port.postMessage(run(m.id, m.group));
        afterGroup();
    }
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
