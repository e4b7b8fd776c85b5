// One trial job (scheme × world seed) as plain data, so it can run in-process or in a worker thread.
import { createWorld, type AttackType } from '../../sim/index.ts';
import { runTrial, type SchemeName, type SchemeParams, type TrialResult } from '../../trust/index.ts';

/** Everything a worker needs to rebuild the world and run one scheme on it. */
export interface TrialJob {
  scheme: SchemeName;
  seed: number;
  ratio: number;
  attacks: AttackType[];
  noise: number;
  sigmaOp?: number;
  scenario?: 'S1' | 'S2';
  cycles: number;
  exclude: boolean;
  params: SchemeParams;
}

/** Runs one job (pure: seeded world, seeded attacks). */
export function runJob(job: TrialJob): TrialResult {
  const world = createWorld({
    seed: job.seed,
    maliciousRatio: job.ratio,
    attacks: job.attacks,
    noise: job.noise,
    ...(job.sigmaOp === undefined ? {} : { sigmaOp: job.sigmaOp }),
    ...(job.scenario === undefined ? {} : { scenario: job.scenario }),
  });
  return runTrial({
    scheme: job.scheme,
    params: job.params,
    world,
    cycles: job.cycles,
    exclude: job.exclude,
  });
}
