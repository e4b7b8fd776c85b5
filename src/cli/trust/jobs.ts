// One trial job (scheme × world seed) as plain data, so it can run in-process or in a worker thread.
import { createWorld, type AttackIntensity, type AttackType, type NoiseMult } from '../../sim/index.ts';
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
  /** Honest-noise multipliers (stress grid); absent = all 1. */
  noiseMult?: NoiseMult;
  intensity?: AttackIntensity;
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
    ...(job.noiseMult === undefined ? {} : { noiseMult: job.noiseMult }),
    ...(job.intensity === undefined ? {} : { intensity: job.intensity }),
  });
  return runTrial({
    scheme: job.scheme,
    params: job.params,
    world,
    cycles: job.cycles,
    exclude: job.exclude,
  });
}
