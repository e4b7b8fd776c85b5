// The closed loop between trust and the TSM: a quarantined terminal's SE applications are locked
// through a job (its other jobs paused first) and its campaign transfers held; once an operator
// reinstated it, its applications are unlocked and its transfers released.
import type { Bus } from '../bus/index.ts';
import type { Clock } from '../core/index.ts';
import type { CycleDecisions } from '../trust/index.ts';
import {
  HOLDING,
  isLocked,
  reportDevice,
  type Campaign,
  type JobJournal,
  type JobRunner,
  type SeChannel,
  type TsmRegistry,
} from '../tsm/index.ts';

/** Options of {@link startTsmTrustLoop}. */
export interface TsmTrustLoopOptions {
  bus: Bus;
  registry: TsmRegistry;
  runner: JobRunner;
  journal: JobJournal;
  clock: Clock;
  /** The channel to an SE, when its terminal is reachable. */
  channelFor: (seId: string) => SeChannel | undefined;
  /** The campaigns under way (their devices are held and released). */
  campaigns: () => readonly Campaign[];
  /** Whether the terminal's status is active again (an operator reinstated it). */
  isActive: (terminal: string) => Promise<boolean>;
  log: (line: string) => void;
}

export interface TsmTrustLoop {
  /** Terminals whose SEs this loop holds locked. */
  held(): string[];
  stop(): void;
}

/**
 * Subscribes to `decisions.>` (published by trust/online).
 * @example
 * const loop = startTsmTrustLoop({ bus, registry, runner, journal, clock, channelFor, campaigns, isActive, log });
 */
export function startTsmTrustLoop(o: TsmTrustLoopOptions): TsmTrustLoop {
  const held = new Set<string>();
  let n = 0;
  const jobOn = async (
    seId: string,
    templateId: 'apps-lock' | 'apps-unlock',
    aids: string[],
    reason: string,
  ) => {
    if (aids.length === 0) return;
    const jobId = `trust-${templateId}-${seId}-${o.clock.now()}-${n++}`;
    const made = await o.runner.create({
      jobId,
      seId,
      templateId,
      params: { instanceAids: aids.join(',') },
      actor: 'trust',
    });
    if (!made.ok) return o.log(`tsm: ${templateId} on ${seId} waits: ${made.reason} (${made.activeJobId})`);
    const channel = o.channelFor(seId);
    const job = channel ? await o.runner.run(jobId, channel) : made.job;
    const event = templateId === 'apps-lock' ? ({ op: 'LOCK' } as const) : ({ op: 'UNLOCK' } as const);
    if (job.status === 'done')
      for (const aid of aids) o.registry.changeApplication(seId, aid, event, { actor: 'trust', reason });
    o.log(`tsm: ${templateId} ${aids.length} application(s) on ${seId}: job ${jobId} ${job.status}`);
  };
  const sesOf = (terminal: string) =>
    o.registry.listSecureElements().filter((s) => s.terminalSystemTitle === terminal);
  const quarantine = async (terminal: string, reason: string) => {
    held.add(terminal);
    for (const se of sesOf(terminal)) {
      for (const j of await o.journal.list({ seId: se.seId }))
        if (HOLDING.includes(j.status))
          await o.runner.setStatus(j.jobId, 'paused', { actor: 'trust', reason });
      const apps = o.registry
        .listApplications(se.seId)
        .filter((a) => a.lifeCycle !== null && !isLocked(a.lifeCycle));
      await jobOn(
        se.seId,
        'apps-lock',
        apps.map((a) => a.instanceAid),
        reason,
      );
    }
    for (const c of o.campaigns())
      if (c.devices[terminal]) reportDevice(c, terminal, { kind: 'hold', reason }, o.clock.now());
  };
  const release = async (terminal: string) => {
    held.delete(terminal);
    const reason = 'reinstated by an operator';
    for (const se of sesOf(terminal)) {
      const apps = o.registry
        .listApplications(se.seId)
        .filter((a) => a.lifeCycle !== null && isLocked(a.lifeCycle));
      await jobOn(
        se.seId,
        'apps-unlock',
        apps.map((a) => a.instanceAid),
        reason,
      );
      for (const j of await o.journal.list({ seId: se.seId, status: 'paused' }))
        await o.runner.setStatus(j.jobId, 'pending', { actor: 'trust', reason });
    }
    for (const c of o.campaigns())
      if (c.devices[terminal]) reportDevice(c, terminal, { kind: 'release' }, o.clock.now());
  };
  const off = o.bus.subscribe<CycleDecisions>('decisions.>', async (m) => {
    for (const f of m.body.flagged)
      if (!held.has(f.terminal))
        await quarantine(f.terminal, `quarantined: ${f.reason} cycle ${m.body.cycle}`);
    for (const t of [...held]) if (await o.isActive(t)) await release(t);
  });
  return { held: () => [...held], stop: off };
}
