// The job runner: executes a job's steps against one SE, journalling the cursor (step, block) so a job
// interrupted anywhere resumes where it stopped (spec §4.3 "Job is the breakpoint journal").
import type { Clock } from '../core/index.ts';
import type { SeChannel } from './channel.ts';
import { TsmError } from './errors.ts';
import { FINAL, type JobJournal } from './journal.ts';
import type { Job, JobStatus, TsmAuditEntry } from './model.ts';
import { runStep, type StepContext } from './steps.ts';
import { buildTemplate, type TemplateParams } from './templates.ts';

/** Options of {@link createJobRunner}. */
export interface JobRunnerOptions {
  journal: JobJournal;
  clock: Clock;
  sha256: (b: Uint8Array) => Uint8Array;
  loadFile: (elfAid: string) => Uint8Array | undefined;
  keyData: (handle: string) => Uint8Array | undefined;
  personalData?: (handle: string) => Uint8Array;
  /** LOAD / STORE DATA block size. @default 240 */
  blockSize?: number;
  /** @default 'a000000151000000' (the GP ISD AID) */
  isdAid?: string;
}

export type NewJob = { ok: true; job: Job } | { ok: false; reason: 'SE_BUSY'; activeJobId: string };

/** See {@link createJobRunner}. */
export interface JobRunner {
  /** Creates a job for a template on an SE (refused with SE_BUSY while another job holds the SE). */
  create(o: {
    jobId: string;
    seId: string;
    templateId: string;
    params: TemplateParams;
    actor: string;
  }): Promise<NewJob>;
  /** Runs (or resumes) a job until it is done, failed, paused by a link failure or stalled. */
  run(jobId: string, channel: SeChannel): Promise<Job>;
  /** Marks a job paused (it stops before its next step) or cancelled; audited. */
  setStatus(
    jobId: string,
    status: 'paused' | 'cancelled' | 'pending',
    o: { actor: string; reason: string },
  ): Promise<Job>;
}

const DEFAULT_ISD = 'a000000151000000';

/**
 * Creates a runner over a journal.
 * @example
 * const r = createJobRunner({ journal, clock, sha256, loadFile, keyData });
 * await r.create({ jobId: 'j1', seId, templateId: 'app-lock', params: { instanceAid }, actor: 'op' });
 * await r.run('j1', channel); // resumable: call run again after any interruption
 */
export function createJobRunner(o: JobRunnerOptions): JobRunner {
  // jobs this runner is executing: it is their only writer, so status requests wait for a step boundary
  const running = new Set<string>();
  const requests = new Map<
    string,
    { status: 'paused' | 'cancelled' | 'pending'; actor: string; reason: string }
  >();
  const audit = (job: Job, actor: string, reason: string, to: string): TsmAuditEntry => {
    const e: TsmAuditEntry = {
      at: o.clock.now(),
      actor,
      reason,
      entity: 'job',
      id: job.jobId,
      from: job.status,
      to,
    };
    job.audit.push(e);
    return e;
  };
  const load = async (id: string) => {
    const j = await o.journal.get(id);
    if (!j)
      throw new TsmError('GT_ERR_TSM_UNKNOWN_JOB', `no job ${id}`, { hint: 'see `gridtrust tsm job list`' });
    return j;
  };
  const finish = async (job: Job, status: JobStatus, detail: string) => {
    if (job.audit.at(-1)?.to !== status) audit(job, 'tsm', detail, status);
    Object.assign(job, { status, detail, updatedAt: o.clock.now() });
    await o.journal.save(job);
    return job;
  };
  return {
    async create(x) {
      const t = buildTemplate(x.templateId, x.params, x.jobId);
      const job: Job = {
        jobId: x.jobId,
        seId: x.seId,
        templateId: t.templateId,
        steps: t.steps,
        stepIndex: 0,
        blockCursor: 0,
        status: 'pending',
        attempts: 0,
        detail: '',
        updatedAt: o.clock.now(),
        audit: [],
      };
      audit(job, x.actor, `created from ${t.templateId}`, 'pending');
      const r = await o.journal.create(job);
      return r.ok ? { ok: true, job } : r;
    },
    async run(jobId, channel) {
      if (running.has(jobId)) return load(jobId);
      running.add(jobId);
      try {
        return await execute(await load(jobId), channel);
      } finally {
        running.delete(jobId);
      }
    },
    async setStatus(jobId, status, x) {
      if (running.has(jobId)) {
        requests.set(jobId, { status, ...x });
        return load(jobId);
      }
      const job = await load(jobId);
      if (FINAL.includes(job.status)) return job;
      audit(job, x.actor, x.reason, status);
      Object.assign(job, { status, detail: x.reason, updatedAt: o.clock.now() });
      await o.journal.save(job);
      return job;
    },
  };
  async function execute(start: Job, channel: SeChannel): Promise<Job> {
    let job = start;
    if (FINAL.includes(job.status) || job.status === 'paused') return job;
    job.attempts += 1;
    job.status = 'running';
    await o.journal.save(job);
    while (job.stepIndex < job.steps.length) {
      const req = requests.get(job.jobId);
      if (req) {
        requests.delete(job.jobId);
        audit(job, req.actor, req.reason, req.status);
        return finish(job, req.status, req.reason);
      }
      const step = job.steps[job.stepIndex]!;
      const ctx = context(o, job, channel);
      const out = await runStep(ctx, step);
      job = { ...job, blockCursor: ctx.blockCursor };
      if (out.kind === 'link')
        return finish(job, out.reason === 'TIMEOUT' ? 'stalled' : 'pending', `${step.op}: ${out.reason}`);
      if (out.kind === 'refused') return finish(job, 'failed', `${step.op}: ${out.detail}`);
      audit(
        job,
        'tsm',
        `${step.op} ${out.applied ? 'applied' : 'already applied'} (${step.idempotencyKey})`,
        'running',
      );
      Object.assign(job, { stepIndex: job.stepIndex + 1, blockCursor: 0, updatedAt: o.clock.now() });
      await o.journal.save(job);
    }
    return finish(job, 'done', 'all steps applied');
  }
}

function context(o: JobRunnerOptions, job: Job, channel: SeChannel): StepContext {
  const ctx: StepContext = {
    channel,
    loadFile: o.loadFile,
    keyData: o.keyData,
    personalData: o.personalData ?? (() => Uint8Array.of(0x5f, 0x01, 0x01)),
    sha256: o.sha256,
    blockCursor: job.blockCursor,
    blockSize: o.blockSize ?? 240,
    isdAid: o.isdAid ?? DEFAULT_ISD,
    saveCursor: async (block) => {
      ctx.blockCursor = block;
      await o.journal.save({ ...job, blockCursor: block, updatedAt: o.clock.now() });
    },
  };
  return ctx;
}
