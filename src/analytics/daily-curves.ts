// Builds cleaned, normalised 24-hour daily curves from a load table [analytics §1], counting every rule.
import { AnalyticsError } from './errors.ts';
import {
  DAY,
  HOUR,
  detectInterval,
  interpolateSmallGaps,
  normaliseCurve,
  percentile,
  type CleaningReport,
  type DailyCurves,
  type LoadTable,
  type PrepareOptions,
} from './preprocess.ts';

interface CustomerDays {
  hourly: Float64Array;
  present: Int32Array;
  negative: Uint8Array;
}

interface Grid {
  firstDay: number;
  numDays: number;
  perDay: number;
  shift: number;
}

function bucketCustomer(ts: Float64Array, col: Float64Array, g: Grid): CustomerDays {
  const hourly = new Float64Array(g.numDays * 24);
  const present = new Int32Array(g.numDays);
  const negative = new Uint8Array(g.numDays);
  for (let i = 0; i < ts.length; i++) {
    const v = col[i] ?? NaN;
    if (Number.isNaN(v)) continue;
    const local = (ts[i] ?? 0) + g.shift;
    const day = Math.floor(local / DAY) - g.firstDay;
    const hour = Math.floor((local - (day + g.firstDay) * DAY) / HOUR);
    hourly[day * 24 + hour] = (hourly[day * 24 + hour] ?? 0) + v;
    present[day] = (present[day] ?? 0) + 1;
    if (v < 0) negative[day] = 1;
  }
  return { hourly, present, negative };
}

type Verdict = 'keep' | 'missing' | 'negative' | 'zero';

function judgeDay(cd: CustomerDays, day: number, g: Grid, maxMissing: number): Verdict {
  if (g.perDay - (cd.present[day] ?? 0) > maxMissing) return 'missing';
  if (cd.negative[day] === 1) return 'negative';
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += cd.hourly[day * 24 + h] ?? 0;
  return sum === 0 ? 'zero' : 'keep';
}

function dailyTotal(cd: CustomerDays, day: number): number {
  let s = 0;
  for (let h = 0; h < 24; h++) s += cd.hourly[day * 24 + h] ?? 0;
  return s;
}

/**
 * Resamples every customer to hourly energy per local calendar day and applies the cleaning rules in
 * order: missing intervals (after optional interpolation), negative values, all-zero days, outlier
 * daily totals (above the customer's own percentile), then low-coverage customers.
 * @see analytics §1
 */
export function prepareDailyCurves(table: LoadTable, options: PrepareOptions = {}): DailyCurves {
  const rules = {
    maxMissing: options.maxMissing ?? 0,
    interpolate: options.interpolate ?? false,
    outlierPercentile: options.outlierPercentile ?? 99.9,
    minCoverage: options.minCoverage ?? 0,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
    stampAt: options.stampAt ?? 'start',
  };
  const normalisation = options.normalisation ?? 'peak';
  const interval = detectInterval(table.timestamps);
  const step = interval.minutes * 60_000;
  const shift = rules.utcOffsetMinutes * 60_000 - (rules.stampAt === 'end' ? step : 0);
  const firstDay = Math.floor(((table.timestamps[0] ?? 0) + shift) / DAY);
  const lastDay = Math.floor(((table.timestamps[table.timestamps.length - 1] ?? 0) + shift) / DAY);
  const g: Grid = { firstDay, numDays: lastDay - firstDay + 1, perDay: 24 * interval.perHour, shift };
  const report: CleaningReport = {
    interval,
    customers: table.ids.length,
    customerDays: table.ids.length * g.numDays,
    interpolatedIntervals: 0,
    droppedMissing: 0,
    droppedAllZero: 0,
    droppedNegative: 0,
    droppedOutlier: 0,
    droppedLowCoverageCustomers: 0,
    droppedLowCoverageDays: 0,
    kept: 0,
    normalisation,
    rules,
  };
  const rows: { customer: number; day: number; hourly: Float64Array }[] = [];
  table.columns.forEach((column, c) => {
    const col = rules.interpolate ? Float64Array.from(column) : column;
    if (rules.interpolate) report.interpolatedIntervals += interpolateSmallGaps(col);
    const cd = bucketCustomer(table.timestamps, col, g);
    const kept: number[] = [];
    for (let day = 0; day < g.numDays; day++) {
      const v = judgeDay(cd, day, g, rules.maxMissing);
      if (v === 'missing') report.droppedMissing++;
      else if (v === 'negative') report.droppedNegative++;
      else if (v === 'zero') report.droppedAllZero++;
      else kept.push(day);
    }
    const limit = percentile(
      kept.map((day) => dailyTotal(cd, day)),
      rules.outlierPercentile,
    );
    const good = kept.filter((day) => dailyTotal(cd, day) <= limit);
    report.droppedOutlier += kept.length - good.length;
    if (good.length < rules.minCoverage * g.numDays) {
      report.droppedLowCoverageCustomers++;
      report.droppedLowCoverageDays += good.length;
      return;
    }
    for (const day of good)
      rows.push({ customer: c, day: day + firstDay, hourly: cd.hourly.subarray(day * 24, day * 24 + 24) });
  });
  if (rows.length === 0) {
    throw new AnalyticsError('GT_ERR_ANALYTICS_NO_DATA', 'no customer-day survived cleaning', {
      hint: 'relax the rules: --max-missing, --interpolate or a lower --min-coverage',
    });
  }
  return buildCurves(rows, table.ids, { ...report, kept: rows.length });
}

function buildCurves(
  rows: readonly { customer: number; day: number; hourly: Float64Array }[],
  ids: readonly string[],
  report: CleaningReport,
): DailyCurves {
  const n = rows.length;
  const data = new Float64Array(n * 24);
  const raw = new Float64Array(n * 24);
  const customer = new Int32Array(n);
  const day = new Int32Array(n);
  rows.forEach((r, i) => {
    raw.set(r.hourly, i * 24);
    const c = Float64Array.from(r.hourly);
    normaliseCurve(c, report.normalisation);
    data.set(c, i * 24);
    customer[i] = r.customer;
    day[i] = r.day;
  });
  return { n, d: 24, data, raw, customer, day, ids, report };
}
