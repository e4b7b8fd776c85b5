// Forecast methods over (origin, target) pairs, their combination, and selection by inner validation [analytics §4].
import type { Random } from '../core/index.ts';
import { dshwPredict, fitDshw } from './dshw.ts';
import { AnalyticsError } from './errors.ts';
import { anchorOf, type Pair, type SeasonalSeries } from './forecast-features.ts';
import { predictPairs, type RollingResult } from './forecast.ts';
import type { Regressor } from './regressor.ts';

/**
 * A forecasting method: fits on values before `fitEnd` only, then forecasts each pair from what is
 * observed up to its origin (origins may lie after fitEnd − 1: parameters stay fixed, Taylor's protocol).
 */
export interface ForecastMethod {
  readonly name: string;
  predict(s: SeasonalSeries, fitEnd: number, horizon: number, pairs: readonly Pair[]): Promise<Float64Array>;
}

/** Weekly seasonal naive: y(target − week). */
export const naiveWeekMethod: ForecastMethod = {
  name: 'naive-week',
  predict: (s, _end, _h, pairs) => Promise.resolve(Float64Array.from(pairs, (p) => anchorOf(s, p.target))),
};

/**
 * Taylor's double-seasonal Holt-Winters with AR(1) adjustment, parameters fitted by Nelder–Mead. Needs
 * three weeks before `end` (two to initialise the states, one more to fit on).
 */
export const dshwMethod: ForecastMethod = {
  name: 'dshw',
  predict(s, end, _h, pairs) {
    if (end < 3 * s.week)
      return Promise.reject(
        new AnalyticsError(
          'GT_ERR_ANALYTICS_NO_DATA',
          `dshw needs ${3 * s.week} values (3 weeks) before the training end, got ${end}`,
          {
            hint: 'give a later --train-until or a longer series',
          },
        ),
      );
    return Promise.resolve(dshwPredict(s, fitDshw(s, end), pairs));
  },
};

/** Options of {@link regressorMethod}. */
export interface RegressorMethodOptions {
  createModel: () => Regressor;
  random: () => Random;
  maxPairs?: number;
  /** What the model's output is added to: weekly naive (default) or the fitted dshw forecast. */
  baseline?: 'naive-week' | 'dshw';
  /** Inner validation split for early stopping: training targets in the last this-many steps. */
  validationTail?: number;
}

/**
 * A direct multi-lead regression (ridge, MLP, ...) on the weekly-naive error features, predicting the
 * residual of a seasonal baseline (weekly naive, or dshw fitted on the same training data).
 */
export function regressorMethod(name: string, o: RegressorMethodOptions): ForecastMethod {
  return {
    name,
    predict(s, end, h, pairs) {
      const dshw = o.baseline === 'dshw' ? fitDshw(s, end) : undefined;
      return predictPairs(s, end, h, pairs, {
        createModel: o.createModel,
        random: o.random(),
        ...(o.maxPairs === undefined ? {} : { maxPairs: o.maxPairs }),
        ...(o.validationTail === undefined ? {} : { validationTail: o.validationTail }),
        ...(dshw === undefined ? {} : { baseline: (ps: readonly Pair[]) => dshwPredict(s, dshw, ps) }),
      });
    },
  };
}

/** The mean of several methods' forecasts, weighted (weights are normalised; equal by default). */
export function combineMethods(
  members: readonly ForecastMethod[],
  weights?: readonly number[],
  name?: string,
): ForecastMethod {
  const w = members.map((_, i) => weights?.[i] ?? 1);
  const total = w.reduce((a, b) => a + b, 0);
  return {
    name: name ?? `combo(${members.map((m) => m.name).join('+')})`,
    async predict(s, end, h, pairs) {
      const out = new Float64Array(pairs.length);
      for (const [i, m] of members.entries()) {
        const f = await m.predict(s, end, h, pairs);
        f.forEach((v, j) => (out[j] = (out[j] ?? 0) + ((w[i] ?? 0) / total) * v));
      }
      return out;
    },
  };
}

/** Every (origin, origin + lead) pair with origin in [from − 1, to − 1) and target < to, lead ≤ maxLead. */
export function rollingPairs(from: number, to: number, maxLead: number): Pair[] {
  const pairs: Pair[] = [];
  for (let origin = from - 1; origin < to - 1; origin++) {
    for (let h = 1; h <= maxLead && origin + h < to; h++) pairs.push({ origin, target: origin + h });
  }
  return pairs;
}

/** Mean over leads of the MAPE (%) per lead of a set of pair forecasts. */
export function meanMapeByLead(
  s: SeasonalSeries,
  pairs: readonly Pair[],
  pred: Float64Array,
  maxLead: number,
): { byLead: number[]; mean: number } {
  const ape = new Float64Array(maxLead);
  const count = new Float64Array(maxLead);
  pairs.forEach((p, i) => {
    const h = p.target - p.origin - 1;
    const a = s.values[p.target] ?? 0;
    if (a === 0) return;
    ape[h] = (ape[h] ?? 0) + Math.abs(((pred[i] ?? 0) - a) / a);
    count[h] = (count[h] ?? 0) + 1;
  });
  const byLead = [...ape].map((v, h) => (100 * v) / Math.max(1, count[h] ?? 0));
  return { byLead, mean: byLead.reduce((a, b) => a + b, 0) / Math.max(1, maxLead) };
}

/** Inner validation score of one candidate. */
export interface ValidationScore {
  name: string;
  meanMape: number;
}

/**
 * Scores each candidate on the last `validation` steps before `end`: fitted on values before
 * end − validation, rolling forecasts of leads 1..horizon whose targets lie before `end`. Nothing at or
 * after `end` is read, so a selection made from these scores cannot see the evaluated span.
 */
export async function innerValidation(
  s: SeasonalSeries,
  o: { end: number; horizon: number; validation: number; candidates: readonly ForecastMethod[] },
): Promise<ValidationScore[]> {
  const cut = o.end - o.validation;
  const pairs = rollingPairs(cut, o.end, o.horizon);
  const scores: ValidationScore[] = [];
  for (const m of o.candidates) {
    const pred = await m.predict(s, cut, o.horizon, pairs);
    scores.push({ name: m.name, meanMape: meanMapeByLead(s, pairs, pred, o.horizon).mean });
  }
  return scores;
}

/**
 * Taylor (2003) protocol for any method: fit once on values before `fitEnd`, forecast leads 1..maxLead
 * from every origin fitEnd − 1 .. n − 2 with the parameters fixed; MAPE per lead, weekly naive beside it.
 */
export async function rollingEvaluation(
  s: SeasonalSeries,
  fitEnd: number,
  maxLead: number,
  method: ForecastMethod,
): Promise<RollingResult> {
  const n = s.values.length;
  const pairs = rollingPairs(fitEnd, n, maxLead);
  const model = meanMapeByLead(s, pairs, await method.predict(s, fitEnd, maxLead, pairs), maxLead);
  const naive = meanMapeByLead(s, pairs, await naiveWeekMethod.predict(s, fitEnd, maxLead, pairs), maxLead);
  return {
    mapeByLead: model.byLead,
    meanMape: model.mean,
    origins: n - fitEnd,
    naiveWeekMapeByLead: naive.byLead,
    naiveWeekMeanMape: naive.mean,
  };
}
