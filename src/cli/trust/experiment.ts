// Orchestrates `gridtrust trust experiment`: calibrate, run the grid (and figure runs) on workers, aggregate.
import {
  aggregateTrials,
  calibrateThresholds,
  type DtmsParams,
  type ExperimentCell,
  type SchemeName,
  type TrialResult,
} from '../../trust/index.ts';
import { uniformNoise } from '../../sim/index.ts';
import type { TrialJob } from './jobs.ts';
import {
  ABLATIONS,
  BRS_THETAS,
  DEVTH_FACTORS,
  NOISE_LEVELS,
  ablationJobs,
  calibrationJobs,
  fig5Jobs,
  gridJobs,
  singleAttackJobs,
  type CliExperimentConfig,
} from './plan.ts';
import { runJobs } from './pool.ts';

/** The JSON document of `trust experiment` (DESIGN.md contract: config + results). */
export interface ExperimentReport {
  config: CliExperimentConfig & { thOn: number; devTh: number };
  results: Omit<ExperimentCell, 'latencies'>[];
  extras?: ExperimentExtras;
  /** With --grid: every scheme × ratio at each honest-noise level and attacker intensity (own DTMS calibration each). */
  grid?: GridPoint[];
}

/** One point of the stress grid. */
export interface GridPoint {
  noiseMult: number;
  intensity: 'default' | 'subtle';
  thOn: number;
  devTh: number;
  results: Omit<ExperimentCell, 'latencies'>[];
}

/** The stress grid of issue #15: honest noise multipliers × attacker intensities. */
export const GRID_NOISE: readonly number[] = [1, 1.5, 2, 3];
export const GRID_INTENSITIES: readonly ('default' | 'subtle')[] = ['default', 'subtle'];

/** Aggregates for the figures that need extra runs (Fig. 5, S2, S4, S5). */
export interface ExperimentExtras {
  fig5: { ratio: number; stm: number[]; dtm: number[]; etm: number[]; ctm: number[] }[];
  singleAttack: { scheme: SchemeName; attack: string; detectionRate: number }[];
  latencies: { scheme: SchemeName; values: number[] }[];
  ablations: { label: string; dr10: number; drT: number; fprT: number }[];
  noise: { scheme: SchemeName; noise: number; drT: number; fprT: number }[];
  roc: { scheme: SchemeName; setting: number; drT: number; fprT: number }[];
}

export interface RunOptions {
  workers?: number;
  withExtras: boolean;
  /** Also run the stress grid (report.grid). */
  grid?: boolean;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** Runs jobs with a phase label in the progress callback. */
function phase(label: string, jobs: TrialJob[], o: RunOptions): Promise<TrialResult[]> {
  return runJobs(jobs, { workers: o.workers, onProgress: (d, t) => o.onProgress?.(d, t, label) });
}

/** Calibrates ThON/DevTh, runs every scheme × ratio × seed and aggregates [trust-§9, §10]. */
export async function runExperiment(cfg: CliExperimentConfig, o: RunOptions): Promise<ExperimentReport> {
  const { cal, cells } = await runCells(cfg, o, '');
  const report: ExperimentReport = {
    config: { ...cfg, thOn: round(cal.thOn), devTh: round(cal.devTh) },
    results: cells.map(({ latencies: _l, ...rest }) => rest),
  };
  if (o.withExtras) report.extras = await runExtras(cfg, { cells, cal, o });
  if (o.grid === true) report.grid = await runGrid(cfg, o);
  return report;
}

/** Calibration and every scheme × ratio × seed of one configuration. */
async function runCells(cfg: CliExperimentConfig, o: RunOptions, label: string) {
  const cal = calibrateThresholds(await phase(`calibrate${label}`, calibrationJobs(cfg), o));
  const trials = await phase(`experiment${label}`, gridJobs(cfg, { dtms: cal }), o);
  const cells: ExperimentCell[] = [];
  let k = 0;
  for (const scheme of cfg.schemes) {
    for (const ratio of cfg.ratios) {
      cells.push(aggregateTrials(scheme, ratio, trials.slice(k, k + cfg.seeds)));
      k += cfg.seeds;
    }
  }
  return { cal, cells };
}

async function runGrid(cfg: CliExperimentConfig, o: RunOptions): Promise<GridPoint[]> {
  const out: GridPoint[] = [];
  for (const intensity of GRID_INTENSITIES) {
    for (const m of GRID_NOISE) {
      const c = { ...cfg, intensity, noiseMult: uniformNoise(m) };
      const { cal, cells } = await runCells(c, o, ` ×${m} ${intensity}`);
      out.push({
        noiseMult: m,
        intensity,
        thOn: round(cal.thOn),
        devTh: round(cal.devTh),
        results: cells.map(({ latencies: _l, ...rest }) => rest),
      });
    }
  }
  return out;
}

const round = (x: number): number => Math.round(x * 1e5) / 1e5;
const last = (a: readonly number[]): number => a[a.length - 1] ?? Number.NaN;

async function runExtras(
  cfg: CliExperimentConfig,
  ctx: { cells: ExperimentCell[]; cal: { thOn: number; devTh: number }; o: RunOptions },
): Promise<ExperimentExtras> {
  const { cal, o } = ctx;
  const params = { dtms: cal };
  const f5 = await phase('fig5', fig5Jobs(cfg, params), o);
  const single = await phase('S2', singleAttackJobs(cfg, params), o);
  return {
    fig5: cfg.ratios.map((ratio, r) => {
      const ts = f5.slice(r * cfg.extraSeeds, (r + 1) * cfg.extraSeeds);
      const c = aggregateMeans(ts);
      return { ratio, ...c };
    }),
    singleAttack: cfg.schemes.flatMap((scheme, s) =>
      cfg.attacks.map((attack, a) => {
        const from = (s * cfg.attacks.length + a) * cfg.extraSeeds;
        const cell = aggregateTrials(scheme, 0.2, single.slice(from, from + cfg.extraSeeds));
        return { scheme, attack, detectionRate: last(cell.detectionRate) };
      }),
    ),
    latencies: cfg.schemes.map((scheme) => ({
      scheme,
      values: ctx.cells.filter((c) => c.scheme === scheme).flatMap((c) => c.latencies),
    })),
    ablations: await runAblations(cfg, o),
    ...(await runSensitivity(cfg, cal, o)),
  };
}

function aggregateMeans(ts: readonly TrialResult[]) {
  const mean = (pick: (t: TrialResult) => number[]): number[] => {
    const len = Math.min(...ts.map((t) => pick(t).length));
    return Array.from({ length: len }, (_, c) =>
      round(ts.reduce((a, t) => a + (pick(t)[c] ?? 0), 0) / ts.length),
    );
  };
  return {
    stm: mean((t) => t.meanStm),
    dtm: mean((t) => t.meanDtm),
    etm: mean((t) => t.meanEtm),
    ctm: mean((t) => t.meanTrust),
  };
}

function summary(scheme: SchemeName, ts: readonly TrialResult[]) {
  const c = aggregateTrials(scheme, 0.2, ts);
  return {
    dr10: c.detectionRate[9] ?? Number.NaN,
    drT: last(c.detectionRate),
    fprT: last(c.falsePositiveRate),
  };
}

async function runAblations(cfg: CliExperimentConfig, o: RunOptions): Promise<ExperimentExtras['ablations']> {
  const calCfg = { ...cfg, calibrationSeeds: cfg.extraSeeds };
  const calJobs = ABLATIONS.flatMap((v) => calibrationJobs(calCfg, cfg.noise, v.dtms));
  const calRes = await phase('S4 calibrate', calJobs, o);
  const th = new Map<string, Partial<DtmsParams>>(
    ABLATIONS.map((v, i) => [
      v.label,
      calibrateThresholds(calRes.slice(i * cfg.extraSeeds, (i + 1) * cfg.extraSeeds)),
    ]),
  );
  const res = await phase('S4', ablationJobs(cfg, th), o);
  return ABLATIONS.map((v, i) => ({
    label: v.label,
    ...summary(v.scheme, res.slice(i * cfg.extraSeeds, (i + 1) * cfg.extraSeeds)),
  }));
}

async function runSensitivity(cfg: CliExperimentConfig, cal: { thOn: number; devTh: number }, o: RunOptions) {
  const calCfg = { ...cfg, calibrationSeeds: cfg.extraSeeds };
  const calRes = await phase(
    'S5 calibrate',
    NOISE_LEVELS.flatMap((nz) => calibrationJobs(calCfg, nz)),
    o,
  );
  const per = cfg.extraSeeds;
  const seeds = Array.from({ length: per }, (_, k) => cfg.seed + k);
  const base = { ratio: 0.2, attacks: cfg.attacks, cycles: cfg.cycles, exclude: true };
  const noiseSchemes: SchemeName[] = ['paper', 'robust', 'brs'];
  const noiseJobs: TrialJob[] = NOISE_LEVELS.flatMap((noise, i) => {
    const th = calibrateThresholds(calRes.slice(i * per, (i + 1) * per));
    return noiseSchemes.flatMap((scheme) =>
      seeds.map((seed) => ({ ...base, scheme, seed, noise, params: { dtms: th } })),
    );
  });
  const rocJobs: TrialJob[] = [
    ...DEVTH_FACTORS.flatMap((f) =>
      seeds.map((seed) => ({
        ...base,
        scheme: 'paper' as const,
        seed,
        noise: cfg.noise,
        params: { dtms: { ...cal, devTh: cal.devTh * f } },
      })),
    ),
    ...BRS_THETAS.flatMap((theta) =>
      seeds.map((seed) => ({
        ...base,
        scheme: 'brs' as const,
        seed,
        noise: cfg.noise,
        params: { baseline: { theta } },
      })),
    ),
  ];
  const nz = await phase('S5 noise', noiseJobs, o);
  const roc = await phase('S5 ROC', rocJobs, o);
  let k = 0;
  const noise = NOISE_LEVELS.flatMap((level) =>
    noiseSchemes.map((scheme) => ({
      scheme,
      noise: level,
      ...summary(scheme, nz.slice(k * per, ++k * per)),
    })),
  );
  k = 0;
  const rocOut = [
    ...DEVTH_FACTORS.map((f) => ({
      scheme: 'paper' as const,
      setting: round(cal.devTh * f),
      ...summary('paper', roc.slice(k * per, ++k * per)),
    })),
    ...BRS_THETAS.map((t) => ({
      scheme: 'brs' as const,
      setting: t,
      ...summary('brs', roc.slice(k * per, ++k * per)),
    })),
  ];
  return { noise, roc: rocOut };
}
