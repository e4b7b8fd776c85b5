// Builds the job lists of `gridtrust trust experiment`: calibration, main grid and the extra figure runs.
import type { AttackIntensity, AttackType, NoiseMult } from '../../sim/index.ts';
import {
  calibrationSeed,
  evaluationSeed,
  type DtmsParams,
  type ExperimentConfig,
  type SchemeName,
  type SchemeParams,
} from '../../trust/index.ts';
import type { TrialJob } from './jobs.ts';

export interface CliExperimentConfig extends ExperimentConfig {
  attacks: AttackType[];
  /** Seeds for the extra figure runs (Fig. 5, S2, S4, S5). */
  extraSeeds: number;
  /** @default 'S1' — 'S2' = malware footprint on behavioural attackers [trust-§8]. */
  scenario: 'S1' | 'S2';
  /** Honest-noise multipliers of the evidence world (stress grid). */
  noiseMult: NoiseMult;
  /** @default 'default' */
  intensity: AttackIntensity;
}

/** Attack-free, measurement-only DTMS runs on the calibration seeds [trust-§9]. */
export function calibrationJobs(
  cfg: CliExperimentConfig,
  noise = cfg.noise,
  dtms: Partial<DtmsParams> = {},
): TrialJob[] {
  return Array.from({ length: cfg.calibrationSeeds }, (_, k) => ({
    scheme: 'paper' as const,
    seed: calibrationSeed(cfg, k),
    ratio: 0,
    attacks: cfg.attacks,
    noise,
    cycles: cfg.cycles,
    exclude: false,
    params: { dtms },
    noiseMult: cfg.noiseMult,
  }));
}

/** The main grid: scheme × ratio × evaluation seed. */
export function gridJobs(cfg: CliExperimentConfig, params: SchemeParams): TrialJob[] {
  return cfg.schemes.flatMap((scheme) =>
    cfg.ratios.flatMap((ratio) =>
      Array.from({ length: cfg.seeds }, (_, k) =>
        job(cfg, { scheme, ratio, seed: evaluationSeed(cfg, k), params }),
      ),
    ),
  );
}

function job(
  cfg: CliExperimentConfig,
  o: { scheme: SchemeName; ratio: number; seed: number; params: SchemeParams } & Partial<TrialJob>,
): TrialJob {
  return {
    attacks: cfg.attacks,
    noise: cfg.noise,
    cycles: cfg.cycles,
    exclude: true,
    scenario: cfg.scenario,
    noiseMult: cfg.noiseMult,
    intensity: cfg.intensity,
    ...o,
  };
}

const seedsOf = (cfg: CliExperimentConfig): number[] =>
  Array.from({ length: cfg.extraSeeds }, (_, k) => evaluationSeed(cfg, k));

/** Fig. 5a–d: DTMS measurement-only (no exclusion) per ratio. */
export function fig5Jobs(cfg: CliExperimentConfig, params: SchemeParams): TrialJob[] {
  return cfg.ratios.flatMap((ratio) =>
    seedsOf(cfg).map((seed) => job(cfg, { scheme: 'paper', ratio, seed, params, exclude: false })),
  );
}

/** S2: runs where every attacker has the same type (ratio 0.2). */
export function singleAttackJobs(cfg: CliExperimentConfig, params: SchemeParams): TrialJob[] {
  return cfg.schemes.flatMap((scheme) =>
    cfg.attacks.flatMap((a) =>
      seedsOf(cfg).map((seed) => job(cfg, { scheme, ratio: 0.2, seed, params, attacks: [a] })),
    ),
  );
}

/** S4 ablation variants of DTMS (ratio 0.2), each as a label and its DTMS overrides. */
export const ABLATIONS: readonly { label: string; scheme: SchemeName; dtms: Partial<DtmsParams> }[] = [
  { label: 'paper (normative)', scheme: 'paper', dtms: {} },
  { label: 'paper + spec robust mode', scheme: 'paper-rm', dtms: {} },
  { label: 'Eq.5 share (literal)', scheme: 'paper', dtms: { activeMode: 'share' } },
  { label: 'Eq.6 swap', scheme: 'paper', dtms: { forwardMode: 'swap' } },
  { label: 'Eq.6 literal', scheme: 'paper', dtms: { forwardMode: 'literal' } },
  { label: 'Eq.7 tolerant', scheme: 'paper', dtms: { delayMode: 'tolerant' } },
  { label: 'Eq.8 normalised', scheme: 'paper', dtms: { repeatMode: 'normalised' } },
  { label: 'static additive', scheme: 'paper', dtms: { staticMode: 'additive' } },
  { label: 'window 3', scheme: 'paper', dtms: { window: 3 } },
  { label: 'window cumulative', scheme: 'paper', dtms: { window: 0 } },
  {
    label: 'equal weights',
    scheme: 'paper',
    dtms: {
      kappa: [0.25, 0.25, 0.25, 0.25],
      lambda1: 0.5,
      lambda2: 0.5,
      omegaS: 1 / 3,
      omegaD: 1 / 3,
      omegaE: 1 / 3,
    },
  },
];

/** S4 jobs; each variant gets its own calibration (thresholds passed in by label). */
export function ablationJobs(
  cfg: CliExperimentConfig,
  thresholds: Map<string, Partial<DtmsParams>>,
): TrialJob[] {
  return ABLATIONS.flatMap((v) =>
    seedsOf(cfg).map((seed) =>
      job(cfg, {
        scheme: v.scheme,
        ratio: 0.2,
        seed,
        params: { dtms: { ...v.dtms, ...thresholds.get(v.label) } },
      }),
    ),
  );
}

/** S5 honest-noise levels. */
export const NOISE_LEVELS: readonly number[] = [0, 0.001, 0.005, 0.01];
/** S5 ROC sweeps: DevTh multipliers for DTMS, θ for BRS. */
export const DEVTH_FACTORS: readonly number[] = [0.5, 0.75, 1, 1.5, 2, 3];
export const BRS_THETAS: readonly number[] = [0.5, 0.6, 0.7, 0.75, 0.8, 0.9];
