// Demand-side flexibility [analytics §3]: daily peak contribution, coincidence and load factors, peak-window flexibility.
import { AnalyticsError } from './errors.ts';
import { DAY, HOUR, type LoadTable } from './preprocess.ts';

/** Options of {@link evaluateFlexibility}. */
export interface FlexibilityOptions {
  /** Peak window in local hours [from, to). @default [16, 20] */
  peakWindow?: readonly [number, number];
  /** Offset of the local day from UTC in minutes. @default 0 */
  utcOffsetMinutes?: number;
}

/** Figures of one customer over the whole period. */
export interface CustomerFlexibility {
  id: string;
  /** PC_i = (1/D) Σ_d P_i(t_d) / P_sys(t_d) — sums to 1 over all customers. */
  peakContribution: number;
  /** Mean over days of P_i(t_d) / max_t P_i(t) (days where the customer consumed). */
  coincidenceFactor: number;
  /** Mean / maximum of the customer's readings. */
  loadFactor: number;
  /** Share of the customer's energy consumed inside the peak window. */
  peakWindowShare: number;
  /** Mean daily energy in the peak window above the customer's own off-peak mean (same unit × intervals). */
  flexibleEnergyPerDay: number;
  /** Rank by peak contribution (1 = largest). */
  rank: number;
}

/** Result of {@link evaluateFlexibility}; monthly[m][i] = PC of customer i in month key m. */
export interface FlexibilityResult {
  customers: CustomerFlexibility[];
  days: number;
  /** Most frequent local half-hour of the daily system peak, as "HH:MM". */
  typicalPeakTime: string;
  months: { month: string; days: number; peakContribution: number[] }[];
  /** Per day: index of the peak interval (row of the table) and system demand then. */
  dailyPeaks: { day: number; row: number; system: number }[];
  peakWindow: readonly [number, number];
}

interface DayPeak {
  day: number;
  row: number;
  system: number;
}

function systemPeaks(t: LoadTable, shift: number): DayPeak[] {
  const peaks = new Map<number, DayPeak>();
  for (let r = 0; r < t.timestamps.length; r++) {
    let sys = 0;
    for (const col of t.columns) {
      const v = col[r] ?? NaN;
      if (!Number.isNaN(v)) sys += v; // a customer missing at this instant contributes 0 [analytics §3]
    }
    const day = Math.floor(((t.timestamps[r] ?? 0) + shift) / DAY);
    const cur = peaks.get(day);
    if (cur === undefined || sys > cur.system) peaks.set(day, { day, row: r, system: sys });
  }
  return [...peaks.values()].filter((p) => p.system > 0).sort((a, b) => a.day - b.day);
}

function valueAt(col: Float64Array, r: number): number {
  const v = col[r] ?? NaN;
  return Number.isNaN(v) ? 0 : v;
}

interface DayStats {
  max: Float64Array;
}

function perCustomerDayMax(t: LoadTable, shift: number, firstDay: number, numDays: number): DayStats[] {
  return t.columns.map((col) => {
    const max = new Float64Array(numDays);
    for (let r = 0; r < col.length; r++) {
      const d = Math.floor(((t.timestamps[r] ?? 0) + shift) / DAY) - firstDay;
      max[d] = Math.max(max[d] ?? 0, valueAt(col, r));
    }
    return { max };
  });
}

function windowFigures(
  t: LoadTable,
  c: number,
  shift: number,
  win: readonly [number, number],
): { share: number; flex: number; lf: number } {
  const col = t.columns[c] ?? new Float64Array(0);
  let inWin = 0;
  let total = 0;
  let off = 0;
  let offN = 0;
  let max = 0;
  let n = 0;
  const days = new Set<number>();
  for (let r = 0; r < col.length; r++) {
    const v = col[r] ?? NaN;
    if (Number.isNaN(v)) continue;
    const local = (t.timestamps[r] ?? 0) + shift;
    const hour = (local % DAY) / HOUR;
    total += v;
    max = Math.max(max, v);
    n++;
    days.add(Math.floor(local / DAY));
    if (hour >= win[0] && hour < win[1]) inWin += v;
    else [off, offN] = [off + v, offN + 1];
  }
  const base = offN > 0 ? off / offN : 0;
  let above = 0;
  for (let r = 0; r < col.length; r++) {
    const v = col[r] ?? NaN;
    const hour = (((((t.timestamps[r] ?? 0) + shift) % DAY) + DAY) % DAY) / HOUR;
    if (!Number.isNaN(v) && hour >= win[0] && hour < win[1]) above += Math.max(0, v - base);
  }
  return {
    share: total > 0 ? inWin / total : 0,
    flex: days.size > 0 ? above / days.size : 0,
    lf: max > 0 ? total / n / max : 0,
  };
}

function monthKey(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 7);
}

/**
 * Evaluates demand flexibility for every customer of the table [analytics §3] (Yuan et al. 2020
 * daily peak contribution; the system is the sum of the customers present).
 */
export function evaluateFlexibility(t: LoadTable, options: FlexibilityOptions = {}): FlexibilityResult {
  const shift = (options.utcOffsetMinutes ?? 0) * 60_000;
  const win = options.peakWindow ?? [16, 20];
  const peaks = systemPeaks(t, shift);
  if (peaks.length === 0) {
    throw new AnalyticsError('GT_ERR_ANALYTICS_NO_DATA', 'the system demand is zero on every day', {
      hint: 'give a table with readings',
    });
  }
  const firstDay = peaks[0]?.day ?? 0;
  const numDays = (peaks[peaks.length - 1]?.day ?? 0) - firstDay + 1;
  const dayMax = perCustomerDayMax(t, shift, firstDay, numDays);
  const months = new Map<string, { days: number; pc: Float64Array }>();
  const pc = new Float64Array(t.columns.length);
  const cfSum = new Float64Array(t.columns.length);
  const cfDays = new Float64Array(t.columns.length);
  for (const p of peaks) {
    const m = months.get(monthKey(p.day)) ?? { days: 0, pc: new Float64Array(t.columns.length) };
    months.set(monthKey(p.day), m);
    m.days++;
    t.columns.forEach((col, c) => {
      const v = valueAt(col, p.row);
      pc[c] = (pc[c] ?? 0) + v / p.system;
      m.pc[c] = (m.pc[c] ?? 0) + v / p.system;
      const mx = dayMax[c]?.max[p.day - firstDay] ?? 0;
      if (mx > 0) [cfSum[c], cfDays[c]] = [(cfSum[c] ?? 0) + v / mx, (cfDays[c] ?? 0) + 1];
    });
  }
  const customers = t.ids.map((id, c) => {
    const w = windowFigures(t, c, shift, win);
    return {
      id,
      peakContribution: (pc[c] ?? 0) / peaks.length,
      coincidenceFactor: (cfDays[c] ?? 0) > 0 ? (cfSum[c] ?? 0) / (cfDays[c] ?? 1) : 0,
      loadFactor: w.lf,
      peakWindowShare: w.share,
      flexibleEnergyPerDay: w.flex,
      rank: 0,
    };
  });
  [...customers].sort((a, b) => b.peakContribution - a.peakContribution).forEach((c, i) => (c.rank = i + 1));
  return {
    customers,
    days: peaks.length,
    typicalPeakTime: typicalPeakTime(t, peaks, shift),
    months: [...months].map(([month, m]) => ({
      month,
      days: m.days,
      peakContribution: [...m.pc].map((v) => v / m.days),
    })),
    dailyPeaks: peaks,
    peakWindow: win,
  };
}

function typicalPeakTime(t: LoadTable, peaks: readonly DayPeak[], shift: number): string {
  const counts = new Map<number, number>();
  for (const p of peaks) {
    const minute = Math.round((((((t.timestamps[p.row] ?? 0) + shift) % DAY) + DAY) % DAY) / 60_000);
    counts.set(minute, (counts.get(minute) ?? 0) + 1);
  }
  const [minute] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [0];
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Peak figures per load pattern: which pattern drives the system peak [analytics §3 per cluster]. */
export interface ClusterFlexibility {
  cluster: number;
  /** Mean over days of the share of the system peak drawn by customer-days of this pattern. */
  peakShare: number;
  customerDays: number;
}

/**
 * Aggregates daily peak contributions by the pattern each customer-day was assigned to; the share of
 * days that were not clustered (dropped by cleaning) is reported as cluster -1.
 */
export function flexibilityByCluster(
  t: LoadTable,
  flex: FlexibilityResult,
  labelled: { customer: Int32Array; day: Int32Array; labels: Int32Array; k: number },
): ClusterFlexibility[] {
  const key = (c: number, d: number): number => c * 1_000_000 + d;
  const label = new Map<number, number>();
  labelled.labels.forEach((l, i) => label.set(key(labelled.customer[i] ?? 0, labelled.day[i] ?? 0), l));
  const share = new Float64Array(labelled.k + 1);
  const count = new Float64Array(labelled.k + 1);
  for (const p of flex.dailyPeaks) {
    t.columns.forEach((col, c) => {
      const l = label.get(key(c, p.day)) ?? -1;
      share[l + 1] = (share[l + 1] ?? 0) + valueAt(col, p.row) / p.system;
      count[l + 1] = (count[l + 1] ?? 0) + 1;
    });
  }
  return [...share].map((s, i) => ({
    cluster: i - 1,
    peakShare: s / flex.days,
    customerDays: count[i] ?? 0,
  }));
}
