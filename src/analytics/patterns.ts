// Typical load patterns [analytics §2]: cluster shares overall, by season and day type, and per customer.
import { DAY_TYPES, SEASONS, type DayCalendar } from './calendar.ts';
import type { DailyCurves } from './preprocess.ts';

/** Shares of curves per cluster within each row category (each row sums to 1). */
export interface CrossTab {
  rows: string[];
  /** shares[row][cluster] */
  shares: number[][];
  counts: number[];
}

/** The typical-pattern summary of a clustering. */
export interface PatternSummary {
  shares: number[];
  bySeason: CrossTab;
  byDayType: CrossTab;
  customers: { id: string; dominant: number; distribution: number[] }[];
}

function crossTab(
  rows: readonly string[],
  of: (i: number) => string,
  labels: Int32Array,
  k: number,
): CrossTab {
  const counts = rows.map(() => new Float64Array(k));
  labels.forEach((l, i) => {
    const r = rows.indexOf(of(i));
    const row = counts[r];
    if (row !== undefined) row[l] = (row[l] ?? 0) + 1;
  });
  const totals = counts.map((c) => c.reduce((a, b) => a + b, 0));
  return {
    rows: [...rows],
    shares: counts.map((c, r) => [...c].map((v) => ((totals[r] ?? 0) > 0 ? v / (totals[r] ?? 1) : 0))),
    counts: totals,
  };
}

/** Cross-tabulates cluster labels of daily curves by season and day type, and per customer. */
export function summarisePatterns(
  curves: DailyCurves,
  labels: Int32Array,
  k: number,
  cal: DayCalendar,
): PatternSummary {
  const shares = new Array<number>(k).fill(0);
  labels.forEach((l) => (shares[l] = (shares[l] ?? 0) + 1 / labels.length));
  const perCustomer = curves.ids.map(() => new Float64Array(k));
  labels.forEach((l, i) => {
    const c = perCustomer[curves.customer[i] ?? 0];
    if (c !== undefined) c[l] = (c[l] ?? 0) + 1;
  });
  const customers = curves.ids
    .map((id, c) => {
      const counts = perCustomer[c] ?? new Float64Array(k);
      const total = counts.reduce((a, b) => a + b, 0);
      const dominant = counts.indexOf(Math.max(...counts));
      return { id, dominant, distribution: [...counts].map((v) => (total > 0 ? v / total : 0)), total };
    })
    .filter((c) => c.total > 0)
    .map(({ id, dominant, distribution }) => ({ id, dominant, distribution }));
  return {
    shares,
    bySeason: crossTab(SEASONS, (i) => cal.season(curves.day[i] ?? 0), labels, k),
    byDayType: crossTab(DAY_TYPES, (i) => cal.dayType(curves.day[i] ?? 0), labels, k),
    customers,
  };
}

/** The rows of a curve matrix that fall in one season, as a new matrix. */
export function seasonSubset(
  curves: DailyCurves,
  cal: DayCalendar,
  season: (typeof SEASONS)[number],
): { data: Float64Array; n: number; d: number } {
  const rows: number[] = [];
  curves.day.forEach((day, i) => {
    if (cal.season(day) === season) rows.push(i);
  });
  const data = new Float64Array(rows.length * curves.d);
  rows.forEach((r, i) => data.set(curves.data.subarray(r * curves.d, (r + 1) * curves.d), i * curves.d));
  return { data, n: rows.length, d: curves.d };
}
