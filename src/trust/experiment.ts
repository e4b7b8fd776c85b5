// Experiment protocol of trust spec §9–§10: seeds, calibration, aggregation to the DESIGN.md JSON contract.
import { meanCi, quantile } from './stats.ts';
import type { TrialResult } from './trial.ts';
import { REASON_ENERGY, REASON_MASKING, type SchemeName } from './types.ts';

/** Configuration of `gridtrust trust experiment`. */
export interface ExperimentConfig {
  schemes: SchemeName[];
  ratios: number[];
  cycles: number;
  seeds: number;
  seed: number;
  attacks: string[];
  noise: number;
  /** @default 20 — attack-free seeds for ThON / DevTh, disjoint from evaluation seeds [trust-§9] */
  calibrationSeeds: number;
}

/** Evaluation seed k of a configuration. */
export function evaluationSeed(cfg: Pick<ExperimentConfig, 'seed'>, k: number): number {
  return cfg.seed + k;
}

/** Calibration seed k: offset by 10^6 so it never meets an evaluation seed. */
export function calibrationSeed(cfg: Pick<ExperimentConfig, 'seed'>, k: number): number {
  return cfg.seed + 1_000_000 + k;
}

/** ThON = 1st percentile of honest Ctm at t = 1; DevTh = 99.9th percentile of honest |ΔCtm| [trust-§9]. */
export function calibrateThresholds(trials: readonly TrialResult[]): { thOn: number; devTh: number } {
  const first = trials.flatMap((t) => t.honestFirst);
  const dev = trials.flatMap((t) => t.honestDev);
  return { thOn: quantile(first, 0.01), devTh: quantile(dev, 0.999) };
}

/** One (scheme, ratio) row of the results (DESIGN.md contract plus CIs and extra metrics). */
export interface ExperimentCell {
  scheme: SchemeName;
  ratio: number;
  seeds: number;
  detectionRate: number[];
  detectionRateCi95: number[];
  falsePositiveRate: number[];
  falsePositiveRateCi95: number[];
  falsePositiveRateNoEnergy: number[];
  residualEnergyRatio: number[];
  residualEnergyRatioCi95: number[];
  medianLatency: number | null;
  latencyIqr: [number, number] | null;
  neverDetected: number;
  perAttack: Record<string, number>;
  precision: number;
  f1: number;
  attribution: { a6Energy: number | null; a8Masking: number | null };
  latencies: number[];
}

/** Mean and CI per cycle over seeds. */
function perCycle(
  trials: readonly TrialResult[],
  pick: (t: TrialResult) => number[],
): { mean: number[]; ci: number[] } {
  const len = Math.min(...trials.map((t) => pick(t).length));
  const mean: number[] = [];
  const ci: number[] = [];
  for (let c = 0; c < len; c++) {
    const m = meanCi(trials.map((t) => pick(t)[c] ?? Number.NaN).filter((x) => !Number.isNaN(x)));
    mean.push(round(m.mean));
    ci.push(round(m.ci95));
  }
  return { mean, ci };
}

const round = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1e5) / 1e5 : x);

/** Aggregates the trials of one scheme and ratio [trust-§10]. */
export function aggregateTrials(
  scheme: SchemeName,
  ratio: number,
  trials: readonly TrialResult[],
): ExperimentCell {
  const dr = perCycle(trials, (t) => t.dr);
  const fpr = perCycle(trials, (t) => t.fpr);
  const rer = perCycle(trials, (t) => t.rer);
  const c = countOutcomes(trials);
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 1;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 1;
  return {
    scheme,
    ratio,
    seeds: trials.length,
    detectionRate: dr.mean,
    detectionRateCi95: dr.ci,
    falsePositiveRate: fpr.mean,
    falsePositiveRateCi95: fpr.ci,
    falsePositiveRateNoEnergy: perCycle(trials, (t) => t.fprNoEnergy).mean,
    residualEnergyRatio: rer.mean,
    residualEnergyRatioCi95: rer.ci,
    medianLatency: c.latencies.length > 0 ? quantile(c.latencies, 0.5) : null,
    latencyIqr: c.latencies.length > 0 ? [quantile(c.latencies, 0.25), quantile(c.latencies, 0.75)] : null,
    neverDetected: round(c.tp + c.fn > 0 ? c.fn / (c.tp + c.fn) : 0),
    perAttack: Object.fromEntries(
      Object.entries(c.perAttack)
        .sort()
        .map(([a, v]) => [a, round(v.det / v.total)]),
    ),
    precision: round(precision),
    f1: round(precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0),
    attribution: {
      a6Energy: c.a6.total > 0 ? round(c.a6.ok / c.a6.total) : null,
      a8Masking: c.a8.total > 0 ? round(c.a8.ok / c.a8.total) : null,
    },
    latencies: c.latencies,
  };
}

function countOutcomes(trials: readonly TrialResult[]) {
  const acc = {
    tp: 0,
    fp: 0,
    fn: 0,
    latencies: [] as number[],
    perAttack: {} as Record<string, { det: number; total: number }>,
    a6: { ok: 0, total: 0 },
    a8: { ok: 0, total: 0 },
  };
  for (const t of trials) {
    t.malicious.forEach((m, i) => {
      const f = t.firstFlag[i] ?? -1;
      if (m !== 1) {
        if (f >= 0) acc.fp++;
        return;
      }
      const a = t.attack[i] ?? '?';
      const pa = (acc.perAttack[a] ??= { det: 0, total: 0 });
      pa.total++;
      if (f < 0) {
        acc.fn++;
        return;
      }
      acc.tp++;
      pa.det++;
      acc.latencies.push(Math.max(0, f - (t.onset[i] ?? 0)));
      if (a === 'A6')
        acc.a6 = { ok: acc.a6.ok + (t.reason[i] === REASON_ENERGY ? 1 : 0), total: acc.a6.total + 1 };
      if (a === 'A8')
        acc.a8 = { ok: acc.a8.ok + (t.reason[i] === REASON_MASKING ? 1 : 0), total: acc.a8.total + 1 };
    });
  }
  return acc;
}
