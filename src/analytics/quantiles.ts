// Probabilistic forecasts [issue 22]: quantile bands from the relative errors of the same model on the
// inner validation weeks (split conformal by lead), pinball loss and interval coverage.
import type { Pair, SeasonalSeries } from './forecast-features.ts';
import { rollingPairs, type ForecastMethod } from './forecast-models.ts';
import { percentile } from './preprocess.ts';

/** Quantile levels reported by default. */
export const DEFAULT_LEVELS = [0.1, 0.5, 0.9] as const;

/** Relative error quantiles per lead bucket: forecast × (1 + q) is the band. */
export interface QuantileModel {
  readonly levels: readonly number[];
  /** Leads per bucket (leads 1..bucket share the first row, ...). */
  readonly bucket: number;
  /** One row per bucket, one value per level, ascending within a row. */
  readonly rows: readonly (readonly number[])[];
  /** How the quantiles were estimated. */
  readonly method: string;
}

/**
 * Fits `method` on the values before end − validation, forecasts every origin of the validation span
 * (leads 1..horizon, targets before `end`), and takes the empirical quantiles of actual/forecast − 1 per
 * bucket of leads. Reads nothing at or after `end`.
 */
export async function calibrateQuantiles(
  s: SeasonalSeries,
  m: ForecastMethod,
  o: { end: number; horizon: number; validation: number; levels?: readonly number[] },
): Promise<QuantileModel> {
  const levels = [...(o.levels ?? DEFAULT_LEVELS)].sort((a, b) => a - b);
  const cut = o.end - o.validation;
  const pairs = rollingPairs(cut, o.end, o.horizon);
  const pred = await m.predict(s, cut, o.horizon, pairs);
  const bucket = Math.max(1, Math.ceil(o.horizon / 7));
  const errs: number[][] = Array.from({ length: Math.ceil(o.horizon / bucket) }, () => []);
  pairs.forEach((p, i) => {
    const f = pred[i] ?? 0;
    if (f === 0) return;
    errs[Math.floor((p.target - p.origin - 1) / bucket)]?.push((s.values[p.target] ?? 0) / f - 1);
  });
  const rows = errs.map((e) => {
    return levels.map((q) => (e.length === 0 ? 0 : percentile(e, 100 * q)));
  });
  return {
    levels,
    bucket,
    rows,
    method: `empirical quantiles of actual/forecast − 1 of the same model on the ${o.validation} steps before --train-until (fitted before them), per ${bucket} leads`,
  };
}

/** The band of each pair: one array per level (forecast × (1 + q)). */
export function quantileBands(
  q: QuantileModel,
  pairs: readonly Pair[],
  forecast: ArrayLike<number>,
): Float64Array[] {
  return q.levels.map((_, j) =>
    Float64Array.from(pairs, (p, i) => {
      const row = q.rows[Math.min(q.rows.length - 1, Math.floor((p.target - p.origin - 1) / q.bucket))];
      return (forecast[i] ?? 0) * (1 + (row?.[j] ?? 0));
    }),
  );
}

/** Pinball loss (mean over points and levels, in the unit of the data) and coverage of the outer interval. */
export function probabilisticScores(
  levels: readonly number[],
  bands: readonly Float64Array[],
  actual: ArrayLike<number>,
): { pinball: number; coverage: number; interval: [number, number] } {
  let loss = 0;
  let inside = 0;
  const n = actual.length;
  for (let i = 0; i < n; i++) {
    const a = actual[i] ?? 0;
    levels.forEach((q, j) => {
      const d = a - (bands[j]?.[i] ?? 0);
      loss += Math.max(q * d, (q - 1) * d);
    });
    const lo = bands[0]?.[i] ?? 0;
    const hi = bands[bands.length - 1]?.[i] ?? 0;
    if (a >= lo && a <= hi) inside++;
  }
  return {
    pinball: loss / Math.max(1, n * levels.length),
    coverage: inside / Math.max(1, n),
    interval: [levels[0] ?? 0, levels[levels.length - 1] ?? 1],
  };
}
