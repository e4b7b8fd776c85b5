// Worker threads whose entry is a TypeScript module, run without a build step (one bootstrap for all).
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Worker, workerData, type WorkerOptions } from 'node:worker_threads';

/*
 * A CommonJS bootstrap evaluated in the new thread: it loads the entry through tsx's require hook, so
 * the same worker runs under the CLI, vitest and plain node. (tsx's ESM `register()` would also work,
 * but in Node 20 it starts one more loader thread per worker.)
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.tsx).require(workerData.entry, workerData.entry);
`;

/** Options of {@link startTsWorker}: those of `new Worker` except the entry's own. */
export type TsWorkerOptions = Omit<WorkerOptions, 'eval' | 'workerData'> & {
  /** Passed to the entry as `workerData` (with `tsx` and `entry` added: do not use those two names). */
  workerData?: object;
};

/**
 * Starts a worker thread running the TypeScript module `entry` (a file URL, usually
 * `new URL('./x-worker.ts', import.meta.url)`). The entry must not use top-level await or
 * `import.meta`: tsx loads it as CommonJS.
 */
export function startTsWorker(entry: URL, options: TsWorkerOptions = {}): Worker {
  const { workerData, ...rest } = options;
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return new Worker(BOOTSTRAP, {
    ...rest,
    eval: true,
    workerData: { ...workerData, tsx, entry: fileURLToPath(entry) },
  });
}

/**
 * Loads a further TypeScript module from inside a thread that {@link startTsWorker} started (e.g. a
 * module the parent names at run time), through the same tsx require hook. `entry` is a file path.
 */
export function loadTsModule(entry: string): unknown {
  const { tsx } = workerData as { tsx?: string };
  if (tsx === undefined) throw new Error('loadTsModule runs only in a thread started by startTsWorker');
  const req = createRequire(entry);
  return (req(tsx) as { require: (id: string, from: string) => unknown }).require(entry, entry);
}
