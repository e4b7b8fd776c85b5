// The single group-commit layer: batches queue on the main thread and go to the write worker as one packed group.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { StorageError, type StorageErrorCode } from '../errors.ts';
import type { CommitBatch, CommitResult, GroupCommitOptions } from '../types.ts';
import { groupTransfers, packGroup } from './write-codec.ts';
import type { WireError, WriteReply, WriteWorkerData } from './write-worker.ts';

/*
 * The worker body is TypeScript (write-worker.ts, sharing the write code with the rest of the store);
 * this CommonJS bootstrap loads it through tsx so it runs the same under the CLI, vitest and plain node.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.tsx).require(workerData.entry, workerData.entry);
`;

interface Pending {
  readonly batch: CommitBatch;
  readonly items: number;
  readonly resolve: (r: CommitResult) => void;
  readonly reject: (e: Error) => void;
}

/** Submits batches; each promise settles after the COMMIT of the group that carried it. */
export interface WriteClient {
  submit(batch: CommitBatch, items: number): Promise<CommitResult>;
  /** Resolves when everything submitted so far is committed (or failed). */
  flush(): Promise<void>;
  /** Flushes, then closes the worker's connection and stops it. */
  close(): Promise<void>;
  /** Transactions committed so far. */
  readonly groups: number;
}

const KNOWN_CODES = new Set<string>([
  'GT_ERR_STORAGE_INVALID_BATCH',
  'GT_ERR_STORAGE_UNKNOWN_TERMINAL',
  'GT_ERR_STORAGE_DUPLICATE',
  'GT_ERR_STORAGE_WRITE',
]);

/** Rebuilds the worker's error on this side of the thread boundary. */
function fromWire(e: WireError): StorageError {
  const code = (KNOWN_CODES.has(e.code) ? e.code : 'GT_ERR_STORAGE_WRITE') as StorageErrorCode;
  const hint = e.hint ?? 'check free disk space and that no other process holds a write lock on the database';
  return new StorageError(code, e.message, { hint });
}

function spawn(data: WriteWorkerData): Promise<Worker> {
  const req = createRequire(import.meta.url);
  const entry = new URL('./write-worker.ts', import.meta.url).pathname;
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...data, tsx: req.resolve('tsx/cjs/api'), entry },
  });
  return new Promise((resolve, reject) => {
    const fail = (e: unknown) =>
      reject(
        new StorageError('GT_ERR_STORAGE_OPEN', `cannot start the write worker for ${data.path}`, {
          hint: 'check that the data directory is writable; the cause says more',
          cause: e,
        }),
      );
    worker.once('error', fail);
    worker.once('message', (m: WriteReply) => {
      worker.off('error', fail);
      if (m.type === 'ready') resolve(worker);
      else fail(m.type === 'fatal' ? fromWire(m.error) : new Error(m.type));
    });
  });
}

const workerGone = (what: string, cause?: unknown): StorageError =>
  new StorageError('GT_ERR_STORAGE_WRITE', `the write worker ${what}`, {
    hint: 'restart the process',
    cause,
  });

/** The main-thread side of the group commit: a queue, one group in the worker, waiters for idle. */
class WorkerGroupCommitter implements WriteClient {
  private queue: Pending[] = [];
  private inFlight: Pending[] | undefined;
  private scheduled = false;
  private nextId = 1;
  private failure: StorageError | undefined;
  private idle: (() => void)[] = [];
  groups = 0;

  constructor(
    private readonly worker: Worker,
    private readonly maxItems: number,
    private readonly maxDelayMs: number,
  ) {
    worker.unref();
    worker.on('message', (m: WriteReply) => this.onReply(m));
    worker.on('error', (e) => this.failAll(workerGone('crashed', e)));
    worker.on('exit', (code) => this.failAll(workerGone(`exited (${code})`)));
  }

  submit(batch: CommitBatch, items: number): Promise<CommitResult> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<CommitResult>((resolve, reject) => {
      this.queue.push({ batch, items: Math.max(1, items), resolve, reject });
      this.schedule();
    });
  }

  flush(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idle.push(resolve);
      if (this.queue.length > 0) this.dispatch();
      this.settleIdle();
    });
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.failure !== undefined) return;
    const closed = new Promise<void>((resolve) => this.worker.once('message', () => resolve()));
    this.worker.ref();
    this.worker.postMessage({ type: 'close' });
    await closed;
    this.failure = new StorageError('GT_ERR_STORAGE_CLOSED', 'the store is closed', {
      hint: 'open a new store',
    });
    await this.worker.terminate();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight !== undefined) return;
    this.scheduled = true;
    if (this.maxDelayMs > 0) setTimeout(() => this.dispatch(), this.maxDelayMs);
    else setImmediate(() => this.dispatch());
  }

  /** Sends the oldest queued batches (up to maxItems items, at least one batch) as one group. */
  private dispatch(): void {
    this.scheduled = false;
    if (this.inFlight !== undefined || this.queue.length === 0) return;
    let items = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || items + (this.queue[n]?.items ?? 0) <= this.maxItems))
      items += this.queue[n++]?.items ?? 0;
    const ps = this.queue.splice(0, n);
    this.inFlight = ps;
    const group = packGroup(ps.map((p) => p.batch));
    this.worker.ref();
    this.worker.postMessage({ type: 'group', id: this.nextId++, group }, groupTransfers(group));
  }

  /** The worker answered after COMMIT (or after the transaction failed): settle that group's callers. */
  private onReply(m: WriteReply): void {
    const ps = this.inFlight ?? [];
    this.inFlight = undefined;
    if (m.type === 'done') {
      this.groups += 1;
      m.outcomes.forEach((o, i) => (o.ok ? ps[i]?.resolve(o.value) : ps[i]?.reject(fromWire(o.error))));
    } else if (m.type === 'failed') {
      const e = fromWire(m.error);
      const hint = e.hint ?? 'check free disk space';
      const failed = new StorageError('GT_ERR_STORAGE_WRITE', 'the group commit transaction failed', {
        hint,
        cause: e,
      });
      for (const p of ps) p.reject(failed);
    }
    if (this.queue.length > 0) this.dispatch(); // they waited for this commit already
    this.settleIdle();
  }

  private failAll(e: StorageError): void {
    this.failure ??= e;
    for (const p of [...(this.inFlight ?? []), ...this.queue]) p.reject(e);
    this.inFlight = undefined;
    this.queue = [];
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.inFlight !== undefined || this.queue.length > 0) return;
    this.worker.unref();
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }
}

/**
 * Starts the write worker. At most one group is in the worker at a time; batches submitted meanwhile
 * queue here and form the next group (up to `maxItems` items), so group size adapts to the load
 * without a timer. A batch submitted while the worker is idle waits `maxDelayMs` (0 = the next turn of
 * the event loop, so a burst of callers still shares one transaction).
 */
export async function startWriteWorker(
  data: WriteWorkerData,
  options: GroupCommitOptions = {},
): Promise<WriteClient> {
  const worker = await spawn(data);
  return new WorkerGroupCommitter(worker, options.maxItems ?? 4000, options.maxDelayMs ?? 0);
}
