// The single group-commit layer: batches queue on the main thread and go to the write worker as one packed group.
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startTsWorker } from '../../core/index.ts';
import { StorageError } from '../errors.ts';
import type { CommitBatch, CommitResult, GroupCommitOptions } from '../types.ts';
import { groupTransfers, packGroup } from './write-codec.ts';
import { fromWire } from './wire-error.ts';
import type { WriteReply, WriteWorkerData } from './write-worker.ts';

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
  /** Flushes, then has the worker write the evidence it holds in memory (read-your-writes for evidence). */
  sync(): Promise<void>;
  /**
   * Attaches the writer extension at `entry` (writer-extension.ts) in the worker, with `data`;
   * resolves to this side of its message channel.
   */
  extend(entry: URL, data: unknown): Promise<MessagePort>;
  /** Flushes, then closes the worker's connection and stops it. */
  close(): Promise<void>;
  /** Group transactions committed so far (by the worker, also those of a writer extension). */
  readonly groups: number;
}

function spawn(data: WriteWorkerData & { counters: Int32Array }): Promise<Worker> {
  // The worker body is TypeScript, sharing the write code with the rest of the store.
  const worker = startTsWorker(new URL('./write-worker.ts', import.meta.url), { workerData: data });
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

/** How groups are formed and how many may be in the worker at once. */
interface Grouping {
  readonly maxItems: number;
  readonly maxDelayMs: number;
  /** Groups sent to the worker and not yet answered, at most (the worker commits them in order). */
  readonly maxInFlight: number;
  /** A group is sent at once, without waiting for the next turn, when this many items are queued. */
  readonly eagerItems: number;
}

/** The main-thread side of the group commit: a queue, groups in the worker, waiters for idle. */
class WorkerGroupCommitter implements WriteClient {
  private queue: Pending[] = [];
  private queuedItems = 0;
  private readonly inFlight = new Map<number, Pending[]>();
  private scheduled = false;
  private nextId = 1;
  private failure: StorageError | undefined;
  private idle: (() => void)[] = [];
  private readonly syncs = new Map<number, () => void>();
  private readonly extending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(
    private readonly worker: Worker,
    private readonly g: Grouping,
    /** [0]: groups the worker committed (it counts; this side only reads). */
    private readonly counters: Int32Array,
  ) {
    worker.unref();
    worker.on('message', (m: WriteReply) => this.onReply(m));
    worker.on('error', (e) => this.failAll(workerGone('crashed', e)));
    worker.on('exit', (code) => this.failAll(workerGone(`exited (${code})`)));
  }

  get groups(): number {
    return Atomics.load(this.counters, 0);
  }

  submit(batch: CommitBatch, items: number): Promise<CommitResult> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<CommitResult>((resolve, reject) => {
      const n = Math.max(1, items);
      this.queue.push({ batch, items: n, resolve, reject });
      this.queuedItems += n;
      // A big burst starts its first group while the rest of it is still being verified.
      if (this.queuedItems >= this.g.eagerItems && this.inFlight.size < this.g.maxInFlight) this.dispatch();
      else this.schedule();
    });
  }

  flush(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idle.push(resolve);
      while (this.queue.length > 0 && this.inFlight.size < this.g.maxInFlight) this.dispatch();
      this.settleIdle();
    });
  }

  async sync(): Promise<void> {
    await this.flush();
    if (this.failure !== undefined) return;
    const id = this.nextId++;
    await new Promise<void>((resolve) => {
      this.syncs.set(id, resolve);
      this.worker.ref();
      this.worker.postMessage({ type: 'sync', id });
    });
  }

  async extend(entry: URL, data: unknown): Promise<MessagePort> {
    if (this.failure !== undefined) throw this.failure;
    const { port1, port2 } = new MessageChannel();
    const id = this.nextId++;
    try {
      await new Promise<void>((resolve, reject) => {
        this.extending.set(id, { resolve, reject });
        this.worker.ref();
        this.worker.postMessage({ type: 'extend', id, entry: fileURLToPath(entry), data, port: port2 }, [
          port2,
        ]);
      });
    } catch (e) {
      port1.close();
      throw e;
    }
    return port1;
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
    if (this.scheduled || this.inFlight.size >= this.g.maxInFlight) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      if (this.inFlight.size < this.g.maxInFlight) this.dispatch();
    };
    if (this.g.maxDelayMs > 0 && this.inFlight.size === 0) setTimeout(go, this.g.maxDelayMs);
    else setImmediate(go);
  }

  /** Sends the oldest queued batches (up to maxItems items, at least one batch) as one group. */
  private dispatch(): void {
    if (this.queue.length === 0) return;
    let items = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || items + (this.queue[n]?.items ?? 0) <= this.g.maxItems))
      items += this.queue[n++]?.items ?? 0;
    const ps = this.queue.splice(0, n);
    this.queuedItems -= items;
    const id = this.nextId++;
    this.inFlight.set(id, ps);
    const group = packGroup(ps.map((p) => p.batch));
    this.worker.ref();
    this.worker.postMessage({ type: 'group', id, group }, groupTransfers(group));
  }

  /** The worker answered after COMMIT (or after the transaction failed): settle that group's callers. */
  private onReply(m: WriteReply): void {
    if (m.type === 'extended' || m.type === 'failed') {
      const ext = this.extending.get(m.id);
      if (ext !== undefined) {
        this.extending.delete(m.id);
        if (m.type === 'failed') ext.reject(fromWire(m.error));
        else ext.resolve();
        return this.settleIdle();
      }
    }
    if (m.type === 'synced') {
      this.syncs.get(m.id)?.();
      this.syncs.delete(m.id);
      return this.settleIdle();
    }
    if (m.type !== 'done' && m.type !== 'failed') return;
    const ps = this.inFlight.get(m.id) ?? [];
    this.inFlight.delete(m.id);
    if (m.type === 'done') {
      m.outcomes.forEach((o, i) => (o.ok ? ps[i]?.resolve(o.value) : ps[i]?.reject(fromWire(o.error))));
    } else {
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
    for (const resolve of this.syncs.values()) resolve(); // nothing more can be written
    this.syncs.clear();
    for (const x of this.extending.values()) x.reject(e);
    this.extending.clear();
    for (const p of [...[...this.inFlight.values()].flat(), ...this.queue]) p.reject(e);
    this.inFlight.clear();
    this.queue = [];
    this.queuedItems = 0;
    this.settleIdle();
  }

  private settleIdle(): void {
    const busy = this.inFlight.size + this.queue.length + this.syncs.size + this.extending.size;
    if (busy > 0) return;
    this.worker.unref();
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }
}

/**
 * Starts the write worker. Batches queue here and go to the worker as groups (up to `maxItems` items);
 * up to `maxInFlight` groups may be in the worker at once (it commits them one after another), so the
 * main thread keeps verifying while the worker writes. A group is sent at once when `eagerItems` are
 * queued, else on the next turn of the event loop (or after `maxDelayMs` when the worker is idle), so a
 * burst of callers still shares one transaction; while the worker is full, batches keep queueing and
 * form bigger groups, so group size adapts to the load without a timer.
 */
export async function startWriteWorker(
  data: WriteWorkerData,
  options: GroupCommitOptions = {},
): Promise<WriteClient> {
  const counters = new Int32Array(new SharedArrayBuffer(4));
  const worker = await spawn({ ...data, counters });
  return new WorkerGroupCommitter(
    worker,
    {
      maxItems: options.maxItems ?? 4000,
      maxDelayMs: options.maxDelayMs ?? 0,
      maxInFlight: options.maxInFlight ?? 2,
      eagerItems: options.eagerItems ?? 512,
    },
    counters,
  );
}
