// Conformance suite of the job journal port: the memory reference and every adapter must pass it.
import { describe, expect, it } from 'vitest';
import type { JobJournal } from './journal.ts';
import type { Job } from './model.ts';

/** A job for tests. */
export function sampleJob(jobId: string, seId: string, extra: Partial<Job> = {}): Job {
  return {
    jobId,
    seId,
    templateId: 'app-lock',
    steps: [{ op: 'LOCK', params: { instanceAid: 'a0000001510001' }, idempotencyKey: `${jobId}:0:LOCK` }],
    stepIndex: 0,
    blockCursor: 0,
    status: 'pending',
    attempts: 0,
    detail: '',
    updatedAt: 0 as Job['updatedAt'],
    audit: [],
    ...extra,
  };
}

/**
 * Runs the suite. `open` gives a journal; `reopen` (when the adapter is durable) a new instance over
 * the same storage, as after a restart.
 */
export function describeJournalConformance(
  name: string,
  open: () => Promise<{ journal: JobJournal; reopen?: () => Promise<JobJournal> }>,
): void {
  describe(`job journal conformance: ${name}`, () => {
    it('stores, returns copies and lists by SE and status', async () => {
      const { journal } = await open();
      expect(await journal.create(sampleJob('j1', 'se1'))).toEqual({ ok: true });
      expect(await journal.create(sampleJob('j2', 'se2', { status: 'done' }))).toEqual({ ok: true });
      const j = (await journal.get('j1'))!;
      j.stepIndex = 9;
      expect((await journal.get('j1'))?.stepIndex).toBe(0);
      expect((await journal.list({ seId: 'se2' })).map((x) => x.jobId)).toEqual(['j2']);
      expect((await journal.list({ status: 'pending' })).map((x) => x.jobId)).toEqual(['j1']);
      expect(await journal.get('nope')).toBeUndefined();
      await journal.close();
    });

    it('refuses a second holding job per SE; paused and final jobs do not hold it', async () => {
      const { journal } = await open();
      await journal.create(sampleJob('a', 'se'));
      expect(await journal.create(sampleJob('b', 'se'))).toEqual({
        ok: false,
        reason: 'SE_BUSY',
        activeJobId: 'a',
      });
      await journal.save(sampleJob('a', 'se', { status: 'paused' }));
      expect(await journal.create(sampleJob('b', 'se'))).toEqual({ ok: true });
      await journal.save(sampleJob('b', 'se', { status: 'done' }));
      expect(await journal.create(sampleJob('c', 'se', { status: 'running' }))).toEqual({ ok: true });
      await expect(journal.create(sampleJob('c', 'other'))).rejects.toThrow();
      await journal.close();
    });

    it('keeps the cursor and audit across a reopen', async () => {
      const { journal, reopen } = await open();
      await journal.create(sampleJob('r', 'se'));
      const audit = [
        {
          at: 5 as Job['updatedAt'],
          actor: 'op',
          reason: 'why',
          entity: 'job' as const,
          id: 'r',
          from: 'pending',
          to: 'running',
        },
      ];
      await journal.save(sampleJob('r', 'se', { status: 'running', stepIndex: 1, blockCursor: 17, audit }));
      const again = reopen ? await reopen() : journal;
      expect(await again.get('r')).toMatchObject({ status: 'running', stepIndex: 1, blockCursor: 17, audit });
      if (again !== journal) await journal.close();
      await again.close();
    });
  });
}
