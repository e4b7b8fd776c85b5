// Executors that run the k-means kernels over row shards: inline (one thread) or worker_threads (all cores).
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../core/index.ts';
import { createShard, type Matrix, type Shard, type StepInput, type StepOutput } from './kmeans-kernel.ts';
import { runStep } from './kmeans-step.ts';

/** The k-means algorithms: Lloyd (every distance, expanded form), Hamerly or Elkan (same result, fewer distances). */
export type KmeansAlgorithm = 'lloyd' | 'hamerly' | 'elkan' | 'lloyd-simd';

/** Runs one k-means phase on every shard of a loaded matrix; shard results come back in shard order. */
export interface KmeansExecutor {
  /** Prepares the shards for a matrix and a number of clusters (resets every bound and label). */
  load(m: { data: Matrix; n: number; d: number; k: number; algorithm: KmeansAlgorithm }): Promise<Int32Array>;
  step(inp: StepInput): Promise<StepOutput[]>;
  /** Number of shards (threads). */
  readonly threads: number;
  close(): Promise<void>;
}

function ranges(n: number, parts: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let p = 0; p < parts; p++)
    out.push({ start: Math.floor((n * p) / parts), end: Math.floor((n * (p + 1)) / parts) });
  return out;
}

/** Runs the kernels in the calling thread (tests, small matrices). */
export function createInlineExecutor(): KmeansExecutor {
  let shard: Shard | undefined;
  let algorithm: KmeansAlgorithm = 'lloyd';
  return {
    threads: 1,
    load(m) {
      const labels = new Int32Array(m.n).fill(-1);
      shard = createShard(m.data, m.d, { start: 0, end: m.n, labels, k: m.k });
      algorithm = m.algorithm;
      return Promise.resolve(labels);
    },
    step(inp) {
      if (shard === undefined) return Promise.reject(new Error('executor not loaded'));
      return Promise.resolve([runStep(algorithm, shard, inp)]);
    },
    close: () => Promise.resolve(),
  };
}

/** Copies a matrix into shared memory unless it already lives there (workers then read it without copies). */
function toShared(data: Matrix): Matrix {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const sab = new SharedArrayBuffer(data.byteLength);
  const copy = data instanceof Float32Array ? new Float32Array(sab) : new Float64Array(sab);
  copy.set(data);
  return copy;
}

/**
 * Starts `threads` workers; each owns one contiguous shard. Workers run the TypeScript kernel through
 * the tsx loader (resolved from this package), so this works from the CLI and from vitest alike.
 */
export function createWorkerExecutor(threads: number): KmeansExecutor {
  const entry = new URL('./kmeans-worker.ts', import.meta.url);
  const workers = Array.from({ length: Math.max(1, threads) }, () => startTsWorker(entry));
  const call = <T>(w: Worker, msg: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onError = (e: Error): void => {
        w.off('message', onMessage);
        reject(e);
      };
      const onMessage = (v: T): void => {
        w.off('error', onError);
        resolve(v);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(msg);
    });
  return {
    threads: workers.length,
    async load(m) {
      const data = toShared(m.data);
      const labels = new Int32Array(new SharedArrayBuffer(m.n * 4)).fill(-1);
      const parts = ranges(m.n, workers.length);
      await Promise.all(
        workers.map((w, p) =>
          call(w, { type: 'load', data, labels, d: m.d, k: m.k, algorithm: m.algorithm, ...parts[p] }),
        ),
      );
      return labels;
    },
    step: (inp) => Promise.all(workers.map((w) => call<StepOutput>(w, { type: 'step', inp }))),
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
