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
  /**
   * The forecast each model output is added to, per pair, known at the pair's origin (e.g. dshw);
   * @default the weekly seasonal naive value
   */
  baseline?: (pairs: readonly Pair[]) => Float64Array;
  /** Training pairs whose target lies in the last this-many steps before the end are the inner validation split. @default 0 */
  validationTail?: number;
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

/** Training and test pairs with their baselines (the anchors the model's output is added to). */
interface Split {
  train: readonly Pair[];
  test: readonly Pair[];
  trainBase: Float64Array;
  testBase: Float64Array;
  /** The last `validationRows` training pairs are the inner validation split (early stopping). */
  validationRows: number;
}

function subset(sp: Split, keepTrain: (p: Pair) => boolean, testIdx: readonly number[]): Split {
  const tr = sp.train.map((p, i) => (keepTrain(p) ? i : -1)).filter((i) => i >= 0);
  const validation = tr.filter((i) => i >= sp.train.length - sp.validationRows).length;
  return {
    train: tr.map((i) => sp.train[i] as Pair),
    trainBase: Float64Array.from(tr, (i) => sp.trainBase[i] ?? 0),
    test: testIdx.map((i) => sp.test[i] as Pair),
    testBase: Float64Array.from(testIdx, (i) => sp.testBase[i] ?? 0),
    validationRows: validation,
  };
}

async function fitPooled(
  s: SeasonalSeries,
  sp: Split,
  horizon: number,
  model: Regressor,
): Promise<Float64Array> {
  const tr = buildDesign(s, sp.train, horizon, sp.trainBase);
  await model.fit(tr.x, tr.y, FEATURES, { validationRows: sp.validationRows });
  const te = buildDesign(s, sp.test, horizon, sp.testBase);
  const pred = await model.predict(te.x, FEATURES);
  model.dispose();
  return pred;
}

async function fitAndPredict(
  s: SeasonalSeries,
  sp: Split,
  horizon: number,
  o: FitOptions,
): Promise<Float64Array> {
  let pred: Float64Array;
  if (o.perLead === true) {
    pred = new Float64Array(sp.test.length);
    for (let h = 1; h <= horizon; h++) {
      const idx = sp.test.map((p, i) => (p.target - p.origin === h ? i : -1)).filter((i) => i >= 0);
      const part = await fitPooled(
        s,
        subset(sp, (p) => p.target - p.origin === h, idx),
        horizon,
        o.createModel(),
      );
      idx.forEach((i, q) => (pred[i] = part[q] ?? 0));
    }
  } else pred = await fitPooled(s, sp, horizon, o.createModel());
  return pred.map((v, i) => (sp.testBase[i] ?? 0) + v * s.scale);
}

function split(s: SeasonalSeries, end: number, horizon: number, test: readonly Pair[], o: FitOptions): Split {
  const all = pairsFor(s, end, horizon, o);
  const tail = o.validationTail ?? 0;
  const train = [...all.filter((p) => p.target < end - tail), ...all.filter((p) => p.target >= end - tail)];
  const base = o.baseline ?? ((ps: readonly Pair[]) => Float64Array.from(ps, (p) => anchorOf(s, p.target)));
  return {
    train,
    test,
    trainBase: base(train),
    testBase: base(test),
    validationRows: train.length - all.filter((p) => p.target < end - tail).length,
  };
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
  const test = Array.from({ length: horizon }, (_, i) => ({ origin: end - 1, target: end + i }));
  return fitAndPredict(s, split(s, end, horizon, test, o), horizon, o);
}

/**
 * Fits the model on values before `end` (training pairs with leads ≤ horizon) and forecasts the given
 * pairs, each from the values observed up to its origin (parameters fixed).
 */
export async function predictPairs(
  s: SeasonalSeries,
  end: number,
  horizon: number,
  pairs: readonly Pair[],
  o: FitOptions,
): Promise<Float64Array> {
  check(s, end, horizon);
  return fitAndPredict(s, split(s, end, horizon, pairs, o), horizon, o);
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
  const test: Pair[] = [];
  for (let origin = fitEnd - 1; origin < n - 1; origin++) {
    for (let h = 1; h <= maxLead && origin + h < n; h++) test.push({ origin, target: origin + h });
  }
  const pred = await fitAndPredict(s, split(s, fitEnd, maxLead, test, o), maxLead, o);
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
