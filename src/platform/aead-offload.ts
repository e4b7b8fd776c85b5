// Opens SGT1 frames on a worker thread, batched per event-loop turn, so the main thread keeps serving
// the transports: the ingest pipeline's AEAD step (ingest FrameOpener port) on the second core.
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../core/index.ts';
import type { Suite } from '../protocol/index.ts';
import { PlatformError } from './errors.ts';
import { KEY_BYTES, type AeadReply } from './aead-codec.ts';

/** The opener plus shutdown. */
export interface AeadWorker {
  /** Resolves to the plaintext, or undefined when the tag does not verify. */
  open(key: Uint8Array, suite: Suite, frame: Uint8Array): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

interface Item {
  readonly key: Uint8Array;
  readonly suite: Suite;
  readonly frame: Uint8Array;
  readonly resolve: (pt: Buffer | undefined) => void;
  readonly reject: (e: Error) => void;
}

/** Queues the frames of one event-loop turn and sends them as one packed, transferred batch. */
class BatchingOpener {
  private queue: Item[] = [];
  private bytes = 0;
  private scheduled = false;
  private readonly inFlight = new Map<number, Item[]>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly maxBatch: number,
  ) {
    worker.unref();
    worker.on('message', (m: AeadReply) => this.onReply(m));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`the AEAD worker exited (${code})`)));
  }

  open(key: Uint8Array, suite: Suite, frame: Uint8Array): Promise<Buffer | undefined> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ key, suite, frame, resolve, reject });
      this.bytes += 3 + KEY_BYTES + frame.length;
      if (this.queue.length >= this.maxBatch) this.dispatch();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  private dispatch(): void {
    this.scheduled = false;
    if (this.queue.length === 0 || this.failure !== undefined) return;
    const items = this.queue;
    const buf = Buffer.allocUnsafeSlow(this.bytes); // its own ArrayBuffer: transferred, not copied
    this.queue = [];
    this.bytes = 0;
    let o = 0;
    for (const it of items) {
      o = buf.writeUInt16LE(it.frame.length, o);
      buf[o++] = it.suite;
      buf.set(it.key.subarray(0, KEY_BYTES), o);
      buf.set(it.frame, o + KEY_BYTES);
      o += KEY_BYTES + it.frame.length;
    }
    const id = this.nextId++;
    this.inFlight.set(id, items);
    this.worker.ref();
    this.worker.postMessage({ id, n: items.length, buf: buf.buffer }, [buf.buffer]);
  }

  private onReply(m: AeadReply): void {
    const items = this.inFlight.get(m.id) ?? [];
    this.inFlight.delete(m.id);
    const out = Buffer.from(m.buf, 0, m.bytes);
    let o = 0;
    for (const it of items) {
      const len = out.readInt16LE(o);
      o += 2;
      if (len < 0) it.resolve(undefined);
      else it.resolve(out.subarray(o, (o += len)));
    }
    if (this.inFlight.size === 0 && this.queue.length === 0) this.worker.unref();
  }

  failAll(e: Error): void {
    this.failure ??= e;
    for (const items of [...this.inFlight.values(), this.queue]) for (const it of items) it.reject(e);
    this.inFlight.clear();
    this.queue = [];
  }

  async close(): Promise<void> {
    this.failAll(new Error('the AEAD worker is closed'));
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

function spawn(): Promise<Worker> {
  const worker = startTsWorker(new URL('./aead-worker.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    worker.once('error', (cause) =>
      reject(
        new PlatformError('GT_ERR_PLATFORM_START', 'cannot start the AEAD worker thread', {
          hint: 'set GRIDTRUST_AEAD_WORKERS=0 (or aeadWorkers: 0) to open frames on the main thread; the cause says more',
          cause,
        }),
      ),
    );
    worker.once('message', () => resolve(worker));
  });
}

/**
 * Starts the AEAD worker. At most `maxBatch` frames go in one message; more are sent at once in
 * further batches (the worker answers batches in order).
 */
export async function startAeadWorker(o: { maxBatch?: number } = {}): Promise<AeadWorker> {
  const opener = new BatchingOpener(await spawn(), o.maxBatch ?? 1024);
  return {
    open: (key, suite, frame) => opener.open(key, suite, frame),
    close: () => opener.close(),
  };
}
