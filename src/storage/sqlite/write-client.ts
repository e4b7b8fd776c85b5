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
  worker.unref();
  const maxItems = options.maxItems ?? 4000;
  const maxDelayMs = options.maxDelayMs ?? 0;
  let queue: Pending[] = [];
  let inFlight: Pending[] | undefined;
  let scheduled = false;
  let groups = 0;
  let nextId = 1;
  let failure: StorageError | undefined;
  let idle: (() => void)[] = [];

  const settleIdle = (): void => {
    if (inFlight !== undefined || queue.length > 0) return;
    worker.unref();
    const waiters = idle;
    idle = [];
    for (const w of waiters) w();
  };
  const dispatch = (): void => {
    scheduled = false;
    if (inFlight !== undefined || queue.length === 0) return;
    let items = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || items + (queue[n]?.items ?? 0) <= maxItems))
      items += queue[n++]?.items ?? 0;
    const ps = queue.slice(0, n);
    queue = queue.slice(n);
    inFlight = ps;
    const group = packGroup(ps.map((p) => p.batch));
    worker.ref();
    worker.postMessage({ type: 'group', id: nextId++, group }, groupTransfers(group));
  };
  const schedule = (): void => {
    if (scheduled || inFlight !== undefined) return;
    scheduled = true;
    if (maxDelayMs > 0) setTimeout(dispatch, maxDelayMs);
    else setImmediate(dispatch);
  };
  const failAll = (e: StorageError): void => {
    failure ??= e;
    for (const p of [...(inFlight ?? []), ...queue]) p.reject(e);
    inFlight = undefined;
    queue = [];
    settleIdle();
  };
  worker.on('message', (m: WriteReply) => {
    const ps = inFlight ?? [];
    inFlight = undefined;
    if (m.type === 'done') {
      groups += 1;
      m.outcomes.forEach((o, i) => (o.ok ? ps[i]?.resolve(o.value) : ps[i]?.reject(fromWire(o.error))));
    } else if (m.type === 'failed') {
      const e = fromWire(m.error);
      for (const p of ps)
        p.reject(
          new StorageError('GT_ERR_STORAGE_WRITE', 'the group commit transaction failed', {
            hint: e.hint,
            cause: e,
          }),
        );
    }
    if (queue.length > 0) dispatch(); // they waited for this commit already
    settleIdle();
  });
  worker.on('error', (e) =>
    failAll(
      new StorageError('GT_ERR_STORAGE_WRITE', 'the write worker crashed', {
        hint: 'restart the process',
        cause: e,
      }),
    ),
  );
  worker.on('exit', (code) =>
    failAll(
      new StorageError('GT_ERR_STORAGE_WRITE', `the write worker exited (${code})`, {
        hint: 'restart the process',
      }),
    ),
  );

  const flush = (): Promise<void> =>
    new Promise<void>((resolve) => {
      idle.push(resolve);
      if (queue.length > 0) dispatch();
      settleIdle();
    });
  return {
    submit(batch, items) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<CommitResult>((resolve, reject) => {
        queue.push({ batch, items: Math.max(1, items), resolve, reject });
        schedule();
      });
    },
    flush,
    async close() {
      await flush();
      if (failure !== undefined) return;
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.ref();
      worker.postMessage({ type: 'close' });
      await closed;
      failure = new StorageError('GT_ERR_STORAGE_CLOSED', 'the store is closed', {
        hint: 'open a new store',
      });
      await worker.terminate();
    },
    get groups() {
      return groups;
    },
  };
}
