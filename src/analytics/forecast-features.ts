// Direct multi-lead forecasting features [analytics §4]: seasonal lags, level offsets at the origin, calendar, lead.
import type { Random } from '../core/index.ts';

/** The series and its seasonal periods (in steps). */
export interface SeasonalSeries {
  values: Float64Array;
  /** UTC ms of each value (calendar features). */
  timestamps: Float64Array;
  /** Steps per day (48 for half-hourly). */
  day: number;
  /** Steps per week (7 × day). */
  week: number;
  /** Scale that features and targets are divided by (the training mean). */
  scale: number;
  /** Include calendar features (time of day, day of week, lead); without them they are 0. @default true */
  calendar?: boolean;
  /** Bit mask of the lag features in use (bit i = lag feature i). @default 0xff */
  mask?: number;
}

/** Lag features (weekly-naive errors around the origin and the target's time of day). */
export const LAG_FEATURES = 8;
/** Number of features of {@link featureRow}: lags, calendar (11), lag × lead-decay interactions (24). */
export const FEATURES = LAG_FEATURES + 11 + 3 * LAG_FEATURES;

/** One (origin, target) pair: forecast y[target] from what is known at y[origin] (lead = target − origin). */
export interface Pair {
  origin: number;
  target: number;
}

/** The earliest target index with every lag available (two weeks of history). */
export function firstTarget(s: SeasonalSeries): number {
  return 2 * s.week;
}

/** The anchor a target is predicted relative to: the same half-hour one week earlier (weekly naive). */
export function anchorOf(s: SeasonalSeries, target: number): number {
  return s.values[target - s.week] ?? 0;
}

function meanOf(f: (i: number) => number, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i <= to; i++) sum += f(i);
  return sum / (to - from + 1);
}

/**
 * Writes the features of one pair into `out` at `offset`. The model predicts the error of the weekly
 * seasonal naive forecast, r(t) = y(t) − y(t − week), from its recent values at the origin (an AR
 * structure on the weekly-differenced series, like the error adjustment of Taylor's dshw), from its
 * value at the target's time of day on the latest day known, and from the calendar and the lead. All
 * inputs are known at the origin for any lead ≤ one week.
 */
export function featureRow(
  s: SeasonalSeries,
  p: Pair,
  horizon: number,
  out: Float64Array,
  offset: number,
): void {
  const y = s.values;
  const r = (i: number): number => (y[i] ?? 0) - (y[i - s.week] ?? 0);
  const h = p.target - p.origin;
  const lag = s.day * Math.ceil(h / s.day);
  const o = p.origin;
  const lags = [
    r(o),
    r(o - 1),
    r(o - 2),
    meanOf(r, o - 5, o - 3),
    meanOf(r, o - 11, o - 6),
    meanOf(r, o - 47, o - 12),
    r(p.target - lag),
    r(o - lag),
  ];
  const f = lags.map((v, i) => ((s.mask ?? 0xff) & (1 << i) ? v / s.scale : 0));
  const ts = s.timestamps[p.target] ?? 0;
  const tod = (2 * Math.PI * (((ts % 86_400_000) + 86_400_000) % 86_400_000)) / 86_400_000;
  const dow = new Date(ts).getUTCDay();
  const cal = s.calendar !== false;
  f.push(cal ? Math.sin(tod) : 0, cal ? Math.cos(tod) : 0);
  for (let d = 0; d < 7; d++) f.push(cal && d === dow ? 1 : 0);
  f.push(cal ? h / horizon : 0, cal ? Math.exp(-h / 6) : 0);
  // Lead interactions: how much of the error seen at the origin persists decays with the lead.
  for (const tau of [3, 24, 168])
    for (let i = 0; i < LAG_FEATURES; i++) f.push((f[i] ?? 0) * Math.exp(-h / tau));
  out.set(f, offset);
}

/**
 * Builds the design matrix (row-major) and the targets ((y − anchor) / scale) of a set of pairs; the
 * anchor is the weekly naive value unless `baseline` gives one per pair (e.g. a dshw forecast).
 */
export function buildDesign(
  s: SeasonalSeries,
  pairs: readonly Pair[],
  horizon: number,
  baseline?: Float64Array,
): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(pairs.length * FEATURES);
  const y = new Float64Array(pairs.length);
  pairs.forEach((p, i) => {
    featureRow(s, p, horizon, x, i * FEATURES);
    y[i] = ((s.values[p.target] ?? 0) - (baseline?.[i] ?? anchorOf(s, p.target))) / s.scale;
  });
  return { x, y };
}

/**
 * Training pairs: every (origin, lead ≤ horizon) whose target lies in [first, end), sampled without
 * replacement (seeded) down to `max` pairs.
 */
export function trainingPairs(
  s: SeasonalSeries,
  range: { end: number; horizon: number; max: number },
  rnd: Random,
): Pair[] {
  const all: Pair[] = [];
  const first = firstTarget(s);
  for (let target = first; target < range.end; target++) {
    for (let h = 1; h <= range.horizon; h++) {
      if (target - h >= s.week + s.day) all.push({ origin: target - h, target });
    }
  }
  for (let i = all.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [all[i], all[j]] = [all[j] as Pair, all[i] as Pair];
  }
  return all.slice(0, range.max);
}
