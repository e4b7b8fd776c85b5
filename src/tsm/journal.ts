// The job journal port (the durable breakpoint journal) and its in-memory reference adapter.
import type { Job, JobStatus } from './model.ts';
import { TsmError } from './errors.ts';

/** Statuses that hold an SE: at most one job per SE is in one of these (paused jobs do not hold it). */
export const HOLDING: readonly JobStatus[] = ['pending', 'running', 'stalled'];
export const FINAL: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

export type CreateResult = { ok: true } | { ok: false; reason: 'SE_BUSY'; activeJobId: string };

export interface JobFilter {
  seId?: string;
  status?: JobStatus;
}

/**
 * Durable store of jobs. `create` and `save` resolve only once the job is durable (a platform killed
 * right after sees it on reopen); `create` refuses a second holding job for one SE.
 */
export interface JobJournal {
  create(job: Job): Promise<CreateResult>;
  save(job: Job): Promise<void>;
  get(jobId: string): Promise<Job | undefined>;
  list(filter?: JobFilter): Promise<Job[]>;
  close(): Promise<void>;
}

const copy = (j: Job): Job => structuredClone(j);

/** The in-memory reference journal (tests, benchmarks); passes the journal conformance suite. */
export function createMemoryJournal(): JobJournal {
  const jobs = new Map<string, Job>();
  return {
    create(job) {
      const busy = [...jobs.values()].find((j) => j.seId === job.seId && HOLDING.includes(j.status));
      if (busy) return Promise.resolve({ ok: false, reason: 'SE_BUSY', activeJobId: busy.jobId });
      if (jobs.has(job.jobId))
        return Promise.reject(
          new TsmError('GT_ERR_TSM_DUPLICATE', `job ${job.jobId} exists`, { hint: 'use a new job id' }),
        );
      jobs.set(job.jobId, copy(job));
      return Promise.resolve({ ok: true });
    },
    save(job) {
      jobs.set(job.jobId, copy(job));
      return Promise.resolve();
    },
    get(id) {
      const j = jobs.get(id);
      return Promise.resolve(j ? copy(j) : undefined);
    },
    list(f = {}) {
      const out = [...jobs.values()]
        .filter(
          (j) =>
            (f.seId === undefined || j.seId === f.seId) && (f.status === undefined || j.status === f.status),
        )
        .map(copy);
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}
