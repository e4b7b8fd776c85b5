// Worker-thread entry: runs trial jobs posted by pool.ts and posts back their results.
import { parentPort } from 'node:worker_threads';
import { runJob, type TrialJob } from './jobs.ts';

parentPort?.on('message', (msg: { id: number; job: TrialJob }) => {
  try {
    parentPort?.postMessage({ id: msg.id, result: runJob(msg.job) });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
