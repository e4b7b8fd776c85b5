// Load forecasting [analytics §4]: metrics, seasonal naive baselines, fixed-origin and rolling-origin evaluation.
import type { Random } from '../core/index.ts';
import { AnalyticsError } from './errors.ts';
import {
  FEATURES,
  anchorOf,
  buildDesign,
  firstTarget,
  trainingPairs,
  type Pair,
  type SeasonalSeries,
} from './forecast-features.ts';
import type { Regressor } from './regressor.ts';

/** Accuracy of a forecast against the actual values. */
export interface ForecastMetrics {
  /** Mean absolute percentage error, in percent. */
  mape: number;
  mae: number;
  rmse: number;
}

/** MAPE (%), MAE and RMSE; actual values of 0 are left out of the MAPE. */
export function forecastMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): ForecastMetrics {
  let ape = 0;
  let apeN = 0;
  let ae = 0;
  let se = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] ?? 0;
    const e = (predicted[i] ?? 0) - a;
    ae += Math.abs(e);
    se += e * e;
    if (a !== 0) [ape, apeN] = [ape + Math.abs(e / a), apeN + 1];
  }
  const n = Math.max(1, actual.length);
  return { mape: (100 * ape) / Math.max(1, apeN), mae: ae / n, rmse: Math.sqrt(se / n) };
}

/** Seasonal naive: the value one `period` before each target, repeating the last observed season. */
export function seasonalNaive(
  values: Float64Array,
  end: number,
  horizon: number,
  period: number,
): Float64Array {
  const out = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) {
    const t = end - 1 + h;
    out[h - 1] = values[t - period * Math.ceil(h / period)] ?? NaN;
  }
  return out;
}

/** Options of the evaluations. */
export interface FitOptions {
  /** Creates a fresh model (one per lead with perLead). */
  createModel: () => Regressor;
  random: Random;
  /** Fit one model per lead (direct strategy) instead of one pooled model with lead features. @default false */
  perLead?: boolean;
  /** Upper bound on sampled training pairs (pooled). @default 40000 */
  maxPairs?: number;
}

function check(s: SeasonalSeries, end: number, horizon: number): void {
  if (end < firstTarget(s) + s.week) {
    throw new AnalyticsError(
      'GT_ERR_ANALYTICS_NO_DATA',
      `only ${end} values before the training end; at least ${firstTarget(s) + s.week} (3 weeks) are needed`,
      {
        hint: 'give a later --train-until or a longer series',
      },
    );
  }
  if (horizon < 1 || horizon > s.week) {
    throw new AnalyticsError(
      'GT_ERR_ANALYTICS_BAD_OPTION',
      `horizon ${horizon} is outside 1..${s.week} steps (one week)`,
      { hint: `use --horizon between 1 and ${s.week}` },
    );
  }
}

async function fitPooled(
  s: SeasonalSeries,
  train: readonly Pair[],
  test: readonly Pair[],
  horizon: number,
  model: Regressor,
): Promise<Float64Array> {
  const tr = buildDesign(s, train, horizon);
  await model.fit(tr.x, tr.y, FEATURES);
  const te = buildDesign(s, test, horizon);
  const pred = await model.predict(te.x, FEATURES);
  model.dispose();
  return pred;
}

async function fitAndPredict(
  s: SeasonalSeries,
  train: readonly Pair[],
  test: readonly Pair[],
  horizon: number,
  o: FitOptions,
): Promise<Float64Array> {
  let pred: Float64Array;
  if (o.perLead === true) {
    pred = new Float64Array(test.length);
    for (let h = 1; h <= horizon; h++) {
      const idx = test.map((p, i) => (p.target - p.origin === h ? i : -1)).filter((i) => i >= 0);
      const part = await fitPooled(
        s,
        train.filter((p) => p.target - p.origin === h),
        idx.map((i) => test[i] as Pair),
        horizon,
        o.createModel(),
      );
      idx.forEach((i, q) => (pred[i] = part[q] ?? 0));
    }
  } else pred = await fitPooled(s, train, test, horizon, o.createModel());
  return pred.map((v, i) => anchorOf(s, test[i]?.target ?? 0) + v * s.scale);
}

function pairsFor(s: SeasonalSeries, end: number, horizon: number, o: FitOptions): Pair[] {
  return trainingPairs(
    s,
    { end, horizon, max: o.perLead === true ? Infinity : (o.maxPairs ?? 40_000) },
    o.random,
  );
}

/**
 * Fits the model on values before `end` only and forecasts `horizon` steps from the origin end − 1.
 * @returns the forecast for indices end .. end + horizon − 1
 */
export async function forecastFromOrigin(
  s: SeasonalSeries,
  end: number,
  horizon: number,
  o: FitOptions,
): Promise<Float64Array> {
  check(s, end, horizon);
  const train = pairsFor(s, end, horizon, o);
  const test = Array.from({ length: horizon }, (_, i) => ({ origin: end - 1, target: end + i }));
  return fitAndPredict(s, train, test, horizon, o);
}

/** MAPE by lead under Taylor's rolling protocol (fixed parameters, every origin of the test span). */
export interface RollingResult {
  mapeByLead: number[];
  meanMape: number;
  origins: number;
  naiveWeekMapeByLead: number[];
  naiveWeekMeanMape: number;
}

/**
 * Taylor (2003) protocol: fit once on values before `fitEnd`, then forecast leads 1..maxLead from every
 * origin fitEnd − 1 .. n − 2 with the parameters fixed; MAPE per lead over the origins whose target exists.
 */
export async function rollingOrigin(
  s: SeasonalSeries,
  fitEnd: number,
  maxLead: number,
  o: FitOptions,
): Promise<RollingResult> {
  check(s, fitEnd, maxLead);
  const n = s.values.length;
  const train = pairsFor(s, fitEnd, maxLead, o);
  const test: Pair[] = [];
  for (let origin = fitEnd - 1; origin < n - 1; origin++) {
    for (let h = 1; h <= maxLead && origin + h < n; h++) test.push({ origin, target: origin + h });
  }
  const pred = await fitAndPredict(s, train, test, maxLead, o);
  const ape = new Float64Array(maxLead);
  const naive = new Float64Array(maxLead);
  const count = new Float64Array(maxLead);
  test.forEach((p, i) => {
    const h = p.target - p.origin - 1;
    const a = s.values[p.target] ?? 0;
    ape[h] = (ape[h] ?? 0) + Math.abs(((pred[i] ?? 0) - a) / a);
    naive[h] = (naive[h] ?? 0) + Math.abs((anchorOf(s, p.target) - a) / a);
    count[h] = (count[h] ?? 0) + 1;
  });
  const byLead = [...ape].map((v, h) => (100 * v) / (count[h] ?? 1));
  const naiveByLead = [...naive].map((v, h) => (100 * v) / (count[h] ?? 1));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    mapeByLead: byLead,
    meanMape: mean(byLead),
    origins: n - fitEnd,
    naiveWeekMapeByLead: naiveByLead,
    naiveWeekMeanMape: mean(naiveByLead),
  };
}
