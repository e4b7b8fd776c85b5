// Trust-aware analytics [analytics §4 trust-aware, issue 22]: customers whose terminal trust is below a
// threshold are excluded (or down-weighted) before any analysis; aggregates keep an estimate of them.
import { AnalyticsError } from './errors.ts';
import type { LoadTable } from './preprocess.ts';

/** How customers below the threshold are treated. */
export type TrustMode = 'exclude' | 'weight';

/** Options of {@link applyTrust}. */
export interface TrustOptions {
  /** Terminal or customer id → trust score in [0, 1]; ids not listed count as fully trusted (1). */
  readonly scores: ReadonlyMap<string, number>;
  /** Customers with a score strictly below this are distrusted. @default 0.5 */
  readonly threshold?: number;
  /**
   * `exclude` (default): a distrusted customer's own data is not used at all; `weight`: its data enters
   * aggregates with weight = its score, the rest of its share coming from the estimate.
   */
  readonly mode?: TrustMode;
  /** Where the scores came from, for the report (e.g. a file path, `store`). */
  readonly source: string;
}

/** What the trust filter did: reported next to every result. */
export interface TrustReport {
  readonly source: string;
  readonly threshold: number;
  readonly mode: TrustMode;
  readonly customers: number;
  readonly trustedCustomers: number;
  /** Ids below the threshold, ascending. */
  readonly distrusted: readonly string[];
  /** Share of the reported energy (sum of all values) that came from trusted customers, 0..1. */
  readonly trustedEnergyShare: number;
  /** Share of the reported (non-missing) values that came from trusted customers, 0..1. */
  readonly trustedValueShare: number;
  /** How distrusted customers' contribution to aggregates is estimated. */
  readonly estimate: string;
}

/** The outcome of {@link applyTrust}. */
export interface TrustedData {
  /** Only the trusted customers' columns (for patterns, rankings, per-customer figures). */
  readonly trusted: LoadTable;
  /**
   * Per interval, the estimated contribution of the distrusted customers (kWh per interval, summed
   * over them; weighted own data included under `weight`). trusted total + this = the feeder total.
   */
  readonly estimatedDistrusted: Float64Array;
  readonly report: TrustReport;
}

function checkScore(id: string, v: number): void {
  if (!Number.isFinite(v) || v < 0 || v > 1)
    throw new AnalyticsError('GT_ERR_ANALYTICS_BAD_OPTION', `trust of "${id}" is ${v}, not in [0, 1]`, {
      hint: 'give every score as a number between 0 and 1',
    });
}

/**
 * Mean over the trusted customers present at each interval (NaN where none is present): the load of
 * an average trusted customer, the estimate for a distrusted one (its own data cannot be relied on).
 */
function trustedMean(t: LoadTable, trusted: readonly number[]): Float64Array {
  const out = new Float64Array(t.timestamps.length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    let n = 0;
    for (const c of trusted) {
      const v = t.columns[c]?.[i] ?? NaN;
      if (!Number.isNaN(v)) [s, n] = [s + v, n + 1];
    }
    out[i] = n === 0 ? NaN : s / n;
  }
  return out;
}

/**
 * Splits a load table by trust. Distrusted customers' columns leave the analysed table; for aggregates
 * their contribution is estimated as the mean trusted customer at the same interval (`exclude`), or
 * `w·own + (1 − w)·estimate` with w = the score (`weight`), so a feeder total stays a total.
 * @example
 * const r = applyTrust(table, { scores: new Map([['MAC000002', 0.1]]), source: 'trust.json' });
 * r.report.trustedEnergyShare; // e.g. 0.987
 */
export function applyTrust(t: LoadTable, o: TrustOptions): TrustedData {
  const threshold = o.threshold ?? 0.5;
  const mode = o.mode ?? 'exclude';
  for (const [id, v] of o.scores) checkScore(id, v);
  const score = (id: string): number => o.scores.get(id) ?? 1;
  const trusted: number[] = [];
  const distrusted: number[] = [];
  t.ids.forEach((id, c) => (score(id) < threshold ? distrusted : trusted).push(c));
  if (trusted.length === 0)
    throw new AnalyticsError(
      'GT_ERR_ANALYTICS_NO_DATA',
      `every one of the ${t.ids.length} customers has trust below ${threshold}`,
      { hint: 'lower --trust-threshold, or check the trust scores' },
    );
  const mean = trustedMean(t, trusted);
  const est = new Float64Array(t.timestamps.length);
  let [energyAll, energyTrusted, valuesAll, valuesTrusted] = [0, 0, 0, 0];
  t.columns.forEach((col, c) => {
    const isTrusted = score(t.ids[c] ?? '') >= threshold;
    const w = mode === 'weight' ? score(t.ids[c] ?? '') : 0;
    col.forEach((v, i) => {
      if (!Number.isNaN(v)) {
        energyAll += v;
        valuesAll += 1;
        if (isTrusted) [energyTrusted, valuesTrusted] = [energyTrusted + v, valuesTrusted + 1];
      }
      if (isTrusted) return;
      const m = mean[i] ?? NaN;
      const own = Number.isNaN(v) ? m : v;
      est[i] = (est[i] ?? 0) + (Number.isNaN(m) ? w * (Number.isNaN(own) ? 0 : own) : w * own + (1 - w) * m);
    });
  });
  const pick = (cs: readonly number[]): LoadTable => ({
    timestamps: t.timestamps,
    ids: cs.map((c) => t.ids[c] ?? ''),
    columns: cs.map((c) => t.columns[c] ?? new Float64Array(0)),
  });
  return {
    trusted: pick(trusted),
    estimatedDistrusted: est,
    report: {
      source: o.source,
      threshold,
      mode,
      customers: t.ids.length,
      trustedCustomers: trusted.length,
      distrusted: distrusted.map((c) => t.ids[c] ?? '').sort(),
      trustedEnergyShare: energyAll > 0 ? energyTrusted / energyAll : 1,
      trustedValueShare: valuesAll > 0 ? valuesTrusted / valuesAll : 1,
      estimate:
        mode === 'exclude'
          ? 'each distrusted customer counts as the mean trusted customer at the same interval'
          : 'each distrusted customer counts as score × its own value + (1 − score) × the mean trusted customer',
    },
  };
}

/** The feeder total per interval: trusted customers (missing = 0) plus the distrusted estimate. */
export function trustedTotal(d: TrustedData): Float64Array {
  const out = Float64Array.from(d.estimatedDistrusted);
  for (const col of d.trusted.columns)
    col.forEach((v, i) => (out[i] = (out[i] ?? 0) + (Number.isNaN(v) ? 0 : v)));
  return out;
}

/**
 * The table an aggregate analysis (flexibility's system peak) runs on: the trusted customers plus one
 * synthetic column `~distrusted-estimate` holding the estimate, so system totals stay totals.
 */
export function withEstimateColumn(d: TrustedData): LoadTable {
  if (d.report.distrusted.length === 0) return d.trusted;
  return {
    timestamps: d.trusted.timestamps,
    ids: [...d.trusted.ids, DISTRUSTED_ESTIMATE_ID],
    columns: [...d.trusted.columns, d.estimatedDistrusted],
  };
}

/** Id of the estimate column added by {@link withEstimateColumn}. */
export const DISTRUSTED_ESTIMATE_ID = '~distrusted-estimate';

/** Parses a trust file's JSON `{ "<id>": score, ... }` into a map (scores checked to lie in [0, 1]). */
export function parseTrustScores(json: unknown, source: string): Map<string, number> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new AnalyticsError('GT_ERR_ANALYTICS_BAD_OPTION', `${source} is not a JSON object of scores`, {
      hint: 'write it as { "MAC000002": 0.93, "4d4d4d0000bc614e": 0.12 }',
    });
  const out = new Map<string, number>();
  for (const [id, v] of Object.entries(json as Record<string, unknown>)) {
    if (typeof v !== 'number')
      throw new AnalyticsError(
        'GT_ERR_ANALYTICS_BAD_OPTION',
        `trust of "${id}" in ${source} is not a number`,
        {
          hint: 'every value must be a number in [0, 1]',
        },
      );
    checkScore(id, v);
    out.set(id, v);
  }
  return out;
}
