// Real residential load shapes (LCL households): cleaning, per-meter assignment, power lookup.
import type { Random } from '../core/index.ts';
import { SimError } from './errors.ts';

/**
 * A half-hourly (or any regular grid) energy table, one column per household, NaN = missing.
 * Structurally the `WideTable` the CLI's data-file loader returns.
 */
export interface LoadCurveTable {
  readonly timestamps: Float64Array;
  readonly ids: readonly string[];
  /** Energy per step in kWh (the LCL unit), one array per household. */
  readonly columns: readonly Float64Array[];
}

/** Cleaned households: average watts per step of one day-of-year grid, gaps filled. */
export interface LoadShapes {
  readonly ids: readonly string[];
  /** Steps per day (48 for half-hourly data). */
  readonly stepsPerDay: number;
  /** Whole days in each curve. */
  readonly days: number;
  /** UTC day number (ms / 86,400,000) of the first curve day; a time's day of year is taken from it. */
  readonly startDay: number;
  /** Average watts per step; `watts[h][day * stepsPerDay + slot]` (views into `flat`). */
  readonly watts: readonly Float32Array[];
  /** All households back to back: `flat[h * days * stepsPerDay + day * stepsPerDay + slot]` (hot loops). */
  readonly flat: Float32Array;
  /** Households left out and why (for reporting). */
  readonly dropped: readonly { id: string; reason: 'MOSTLY_ZERO' | 'LOW_COVERAGE' }[];
}

export interface LoadShapeOptions {
  /** Households with less coverage are left out. @default 0.5 */
  readonly minCoverage?: number;
  /** Households with a larger share of zero readings are left out. @default 0.5 */
  readonly maxZeroShare?: number;
}

const DAY_MS = 86_400_000;

/**
 * Cleans a household table [data/README: 5.1 % missing, 3 mostly-zero households]: a gap takes the
 * same slot of the nearest earlier day with data, else the household's mean for that slot.
 */
export function prepareLoadShapes(table: LoadCurveTable, o: LoadShapeOptions = {}): LoadShapes {
  const n = table.timestamps.length;
  const t0 = table.timestamps[0];
  const t1 = table.timestamps[1];
  if (t0 === undefined || t1 === undefined || t1 <= t0 || DAY_MS % (t1 - t0) !== 0) {
    throw new SimError('GT_ERR_SIM_LOAD_SHAPES', 'load table needs a regular grid that divides a day', {
      hint: 'give the half-hourly LCL file (../shared/data/lcl) or another regular wide CSV',
    });
  }
  const stepMs = t1 - t0;
  const stepsPerDay = DAY_MS / stepMs;
  const days = Math.floor(n / stepsPerDay);
  const kept: { id: string; watts: Float32Array }[] = [];
  const dropped: { id: string; reason: 'MOSTLY_ZERO' | 'LOW_COVERAGE' }[] = [];
  table.ids.forEach((id, h) => {
    const col = table.columns[h];
    if (col === undefined) return;
    const verdict = judge(col, days * stepsPerDay, o);
    if (verdict !== 'OK') dropped.push({ id, reason: verdict });
    else kept.push({ id, watts: fillGaps(col, { days, stepsPerDay, wattsPerKwh: 3_600_000_000 / stepMs }) });
  });
  if (kept.length === 0) {
    throw new SimError('GT_ERR_SIM_LOAD_SHAPES', 'no usable household in the load table', {
      hint: 'check the file: every household is mostly zero or mostly missing',
    });
  }
  const per = days * stepsPerDay;
  const flat = new Float32Array(kept.length * per);
  kept.forEach((k, h) => flat.set(k.watts, h * per));
  return {
    flat,
    ids: kept.map((k) => k.id),
    stepsPerDay,
    days,
    startDay: Math.floor(t0 / DAY_MS),
    watts: kept.map((_, h) => flat.subarray(h * per, (h + 1) * per)),
    dropped,
  };
}

function judge(col: Float64Array, len: number, o: LoadShapeOptions): 'OK' | 'MOSTLY_ZERO' | 'LOW_COVERAGE' {
  let present = 0;
  let zeros = 0;
  for (let i = 0; i < len; i++) {
    const v = col[i] ?? NaN;
    if (!Number.isNaN(v)) {
      present++;
      if (v === 0) zeros++;
    }
  }
  if (present / len < (o.minCoverage ?? 0.5)) return 'LOW_COVERAGE';
  if (zeros / Math.max(1, present) > (o.maxZeroShare ?? 0.5)) return 'MOSTLY_ZERO';
  return 'OK';
}

function fillGaps(
  col: Float64Array,
  g: { days: number; stepsPerDay: number; wattsPerKwh: number },
): Float32Array {
  const { days, stepsPerDay, wattsPerKwh } = g;
  const slotMean = new Float64Array(stepsPerDay);
  const slotCount = new Float64Array(stepsPerDay);
  for (let i = 0; i < days * stepsPerDay; i++) {
    const v = col[i] ?? NaN;
    if (!Number.isNaN(v)) {
      slotMean[i % stepsPerDay] = (slotMean[i % stepsPerDay] ?? 0) + v;
      slotCount[i % stepsPerDay] = (slotCount[i % stepsPerDay] ?? 0) + 1;
    }
  }
  const out = new Float32Array(days * stepsPerDay);
  for (let i = 0; i < out.length; i++) {
    let v = col[i] ?? NaN;
    for (
      let back = i - stepsPerDay;
      Number.isNaN(v) && back >= 0 && back >= i - 7 * stepsPerDay;
      back -= stepsPerDay
    ) {
      v = col[back] ?? NaN;
    }
    if (Number.isNaN(v)) {
      const s = i % stepsPerDay;
      v = (slotMean[s] ?? 0) / Math.max(1, slotCount[s] ?? 0);
    }
    out[i] = v * wattsPerKwh;
  }
  return out;
}

/** Which real household a simulated meter follows, shifted by whole days and scaled [A]. */
export interface HouseholdAssignment {
  readonly household: number;
  readonly dayOffset: number;
  readonly scale: number;
}

/** Scale jitter: log-normal with this sigma (≈ ±15 %) so copies of one household are not identical [A]. */
export const SCALE_JITTER_SIGMA = 0.15;

/** Draws a household (uniform, with replacement), a day offset within the year and a scale jitter. */
export function assignHousehold(shapes: LoadShapes, rnd: Random): HouseholdAssignment {
  return {
    household: rnd.int(0, shapes.ids.length - 1),
    dayOffset: rnd.int(0, shapes.days - 1),
    scale: Math.exp(rnd.normal(0, SCALE_JITTER_SIGMA)),
  };
}

/**
 * Average watts of the household's curve at UTC time `tMs` (day of year + slot of day; the curve
 * year wraps), before the scale jitter.
 */
export function householdWatts(
  shapes: LoadShapes,
  household: number,
  dayOffset: number,
  tMs: number,
): number {
  const dayIndex = Math.floor(tMs / DAY_MS);
  const slot = Math.floor(((tMs - dayIndex * DAY_MS) * shapes.stepsPerDay) / DAY_MS);
  const day = (((dayIndex - shapes.startDay + dayOffset) % shapes.days) + shapes.days) % shapes.days;
  return shapes.watts[household]?.[day * shapes.stepsPerDay + slot] ?? 0;
}
