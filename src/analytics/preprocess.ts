// Pre-processing [analytics §1]: interval detection, hourly resampling, counted cleaning rules, normalisation.
import { AnalyticsError } from './errors.ts';

/** A load table: timestamps and one column per customer (NaN = missing). Structurally a cli WideTable. */
export interface LoadTable {
  readonly timestamps: Float64Array;
  readonly ids: readonly string[];
  readonly columns: readonly Float64Array[];
}

/** Normalisation of a daily curve [analytics §1 Standardisation]. */
export type Normalisation = 'peak' | 'sum' | 'zscore' | 'none';

/** Options of {@link prepareDailyCurves}. */
export interface PrepareOptions {
  /** Days with more missing intervals than this are dropped. @default 0 */
  maxMissing?: number;
  /** Linearly interpolate gaps of up to 2 intervals before counting missing ones. @default false */
  interpolate?: boolean;
  /** Daily totals above this percentile of the customer's own daily totals are outliers. @default 99.9 */
  outlierPercentile?: number;
  /** Customers with fewer usable days than this share of all days are dropped. @default 0 */
  minCoverage?: number;
  /** @default 'peak' */
  normalisation?: Normalisation;
  /** Offset of the local day from UTC in minutes (days are calendar days in that zone). @default 0 */
  utcOffsetMinutes?: number;
  /** Whether a timestamp marks the start or the end of its interval. @default 'start' */
  stampAt?: 'start' | 'end';
}

/** What was detected about the sampling interval. */
export interface IntervalInfo {
  minutes: number;
  perHour: number;
  rows: number;
  /** Rows whose distance to the previous one differs from the interval (gaps in the grid). */
  irregularSteps: number;
}

/** Every cleaning rule with the number of customer-days (or customers) it removed. */
export interface CleaningReport {
  interval: IntervalInfo;
  customers: number;
  customerDays: number;
  interpolatedIntervals: number;
  droppedMissing: number;
  droppedAllZero: number;
  droppedNegative: number;
  droppedOutlier: number;
  droppedLowCoverageCustomers: number;
  droppedLowCoverageDays: number;
  kept: number;
  normalisation: Normalisation;
  rules: Required<Omit<PrepareOptions, 'normalisation'>>;
}

/** Daily 24-hour curves, one row per kept customer-day. */
export interface DailyCurves {
  readonly n: number;
  readonly d: 24;
  /** Normalised curves, n × 24. */
  readonly data: Float64Array;
  /** Hourly energy before normalisation, n × 24 (same unit as the input). */
  readonly raw: Float64Array;
  /** Customer index (into ids) of each row. */
  readonly customer: Int32Array;
  /** Local day number (days since 1970-01-01 in the chosen zone) of each row. */
  readonly day: Int32Array;
  readonly ids: readonly string[];
  readonly report: CleaningReport;
}

/** One hour and one day in milliseconds. */
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Detects the sampling interval as the most common step between rows. */
export function detectInterval(timestamps: Float64Array): IntervalInfo {
  const counts = new Map<number, number>();
  for (let i = 1; i < timestamps.length; i++) {
    const step = (timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = -1;
  for (const [step, c] of counts) if (c > bestCount) [best, bestCount] = [step, c];
  const minutes = best / 60_000;
  if (timestamps.length < 2 || best <= 0 || HOUR % best !== 0) {
    throw new AnalyticsError(
      'GT_ERR_ANALYTICS_IRREGULAR_INTERVAL',
      `the sampling interval (${minutes} min) does not divide an hour`,
      {
        hint: 'give readings on a regular grid of 1, 5, 10, 15, 30 or 60 minutes',
      },
    );
  }
  return {
    minutes,
    perHour: HOUR / best,
    rows: timestamps.length,
    irregularSteps: timestamps.length - 1 - bestCount,
  };
}

/** Fills runs of ≤ 2 missing values that have a known value on both sides; returns how many were filled. */
export function interpolateSmallGaps(v: Float64Array, maxGap = 2): number {
  let filled = 0;
  let i = 0;
  while (i < v.length) {
    if (!Number.isNaN(v[i] ?? 0)) {
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && Number.isNaN(v[j] ?? 0)) j++;
    if (i > 0 && j < v.length && j - i <= maxGap) {
      const a = v[i - 1] ?? 0;
      const b = v[j] ?? 0;
      for (let q = i; q < j; q++) v[q] = a + ((b - a) * (q - i + 1)) / (j - i + 1);
      filled += j - i;
    }
    i = j;
  }
  return filled;
}

/** Returns the p-th percentile (linear interpolation, as numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (pos - lo);
}

/** Normalises one 24-value curve in place. */
export function normaliseCurve(c: Float64Array, how: Normalisation): void {
  if (how === 'none') return;
  let max = -Infinity;
  let sum = 0;
  for (const v of c) {
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / c.length;
  let sd = 0;
  for (const v of c) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / c.length);
  for (let t = 0; t < c.length; t++) {
    const v = c[t] ?? 0;
    switch (how) {
      case 'peak':
        c[t] = max > 0 ? v / max : 0;
        break;
      case 'sum':
        c[t] = sum > 0 ? v / sum : 0;
        break;
      case 'zscore':
        c[t] = sd > 0 ? (v - mean) / sd : 0;
        break;
    }
  }
}
