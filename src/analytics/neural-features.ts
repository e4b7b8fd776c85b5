// Inputs and targets of the N-HiTS-style neural forecaster [analytics §4, issue 22]: a level-normalised
// two-week window pooled at two rates, exogenous calendar and holiday inputs, the weekly-naive skip.
import { englandBankHolidays } from './calendar.ts';
import type { SeasonalSeries } from './forecast-features.ts';

/** Shape of the network's inputs for a series and a horizon. */
export interface NeuralLayout {
  /** Steps of history in the window (two weeks). */
  readonly window: number;
  /** Pooling factor of the coarse (whole-window) input. */
  readonly pool: number;
  /** Steps of the fine (unpooled) recent input. */
  readonly recent: number;
  readonly horizon: number;
  /** Length of a feature row. */
  readonly features: number;
}

/** Days ahead whose holiday flags are inputs. */
const HOLIDAY_DAYS = 8;
/** Calendar inputs: day of week of the first target (7), its time of day (sin, cos), holidays ahead and a week before them. */
const CALENDAR = 7 + 2 + 2 * HOLIDAY_DAYS + 1;

/** The layout for a series: window = 2 weeks, pooled by a quarter of an hour's steps × 4 (2 h), recent = 1 day. */
export function neuralLayout(s: SeasonalSeries, horizon: number): NeuralLayout {
  const window = 2 * s.week;
  const pool = Math.max(1, Math.round(s.day / 12));
  const recent = s.day;
  return { window, pool, recent, horizon, features: window / pool + recent + CALENDAR };
}

/** The level a window is normalised by: the mean of the last week before and at the origin. */
export function levelAt(s: SeasonalSeries, origin: number): number {
  let sum = 0;
  for (let i = origin - s.week + 1; i <= origin; i++) sum += s.values[i] ?? 0;
  const level = sum / s.week;
  return level > 0 ? level : 1;
}

const DAY_MS = 86_400_000;

function holidayFlag(ms: number, cache: Map<number, Set<number>>): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  let set = cache.get(y);
  if (set === undefined) cache.set(y, (set = englandBankHolidays(y)));
  return set.has(Math.floor(ms / DAY_MS)) ? 1 : 0;
}

/** Timestamp of index i (extrapolated past the end of the series with the detected step). */
function stampOf(s: SeasonalSeries, i: number): number {
  const n = s.timestamps.length;
  if (i < n) return s.timestamps[i] ?? 0;
  const step = DAY_MS / s.day;
  return (s.timestamps[n - 1] ?? 0) + (i - n + 1) * step;
}

/**
 * Writes the feature row of origin `origin` (uses values at indices ≤ origin only) into `out` at
 * `offset`: the window divided by the level, minus 1, pooled by `pool` steps; the last `recent` values
 * unpooled; then calendar inputs of the first target (day of week one-hot, time of day), the bank
 * holiday flags of the next days and of the same days a week earlier, and whether the horizon covers one.
 */
export function neuralRow(
  s: SeasonalSeries,
  o: {
    layout: NeuralLayout;
    origin: number;
    out: Float32Array;
    offset: number;
    cache: Map<number, Set<number>>;
  },
): void {
  const { layout: l, origin, out } = o;
  const level = levelAt(s, origin);
  const start = origin - l.window + 1;
  let k = o.offset;
  for (let b = 0; b < l.window / l.pool; b++) {
    let sum = 0;
    for (let j = 0; j < l.pool; j++) sum += s.values[start + b * l.pool + j] ?? 0;
    out[k++] = sum / l.pool / level - 1;
  }
  for (let j = origin - l.recent + 1; j <= origin; j++) out[k++] = (s.values[j] ?? 0) / level - 1;
  const first = stampOf(s, origin + 1);
  const d = new Date(first);
  for (let w = 0; w < 7; w++) out[k++] = d.getUTCDay() === w ? 1 : 0;
  const phase = (2 * Math.PI * (d.getUTCHours() * 60 + d.getUTCMinutes())) / 1440;
  out[k++] = Math.sin(phase);
  out[k++] = Math.cos(phase);
  let any = 0;
  for (let day = 0; day < HOLIDAY_DAYS; day++) {
    const inHorizon = day * s.day < l.horizon ? 1 : 0;
    const f = holidayFlag(first + day * DAY_MS, o.cache) * inHorizon;
    out[k++] = f;
    // the weekly-naive skip copies the week before: a holiday there distorts it
    out[k++] = holidayFlag(first + (day - 7) * DAY_MS, o.cache) * inHorizon;
    any = Math.max(any, f);
  }
  out[k++] = any;
}

/** The weekly-naive skip of origin `origin`, normalised like the targets: y(t + h − week)/level − 1. */
export function naiveRow(
  s: SeasonalSeries,
  l: NeuralLayout,
  origin: number,
  out: Float32Array,
  offset: number,
): void {
  const level = levelAt(s, origin);
  for (let h = 1; h <= l.horizon; h++) {
    const t = origin + h;
    out[offset + h - 1] = (s.values[t - s.week * Math.ceil(h / s.week)] ?? 0) / level - 1;
  }
}

/** The first origin with a full window behind it. */
export function firstOrigin(l: NeuralLayout): number {
  return l.window - 1;
}
