// Runs trial jobs across worker threads (one per core by default), in-process when workers = 1.
import { availableParallelism } from 'node:os';
import { startTsWorker } from '../../core/index.ts';
import type { TrialResult } from '../../trust/index.ts';
import { runJob, type TrialJob } from './jobs.ts';

export interface PoolOptions {
  /** @default os.availableParallelism() */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

type Reply = { id: number; result?: TrialResult; error?: string };

/** Runs all jobs; results come back in job order. */
export async function runJobs(jobs: readonly TrialJob[], opts: PoolOptions = {}): Promise<TrialResult[]> {
  const n = Math.max(1, Math.min(jobs.length, opts.workers ?? availableParallelism()));
  const results = new Array<TrialResult>(jobs.length);
  let done = 0;
  if (n === 1) {
    jobs.forEach((j, k) => {
      results[k] = runJob(j);
      opts.onProgress?.(++done, jobs.length);
    });
    return results;
  }
  let next = 0;
  const entry = new URL('./trial-worker.ts', import.meta.url);
  const workers = Array.from({ length: n }, () => startTsWorker(entry));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              w.postMessage({ id, job: jobs[id] });
            };
            w.on('message', (m: Reply) => {
              if (m.error !== undefined || m.result === undefined)
                return reject(new Error(m.error ?? 'no result'));
              results[m.id] = m.result;
              opts.onProgress?.(++done, jobs.length);
              feed();
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
