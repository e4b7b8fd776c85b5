// Statistics of the adaptive detector: change-test thresholds from a target false-alarm rate, LLR
// increments, robust peer scales (median / MAD) over typed-array scratch [ADR-0012].
import { medianInPlace } from './stats.ts';

/**
 * Average run length (cycles between false alarms) one test must reach so that an honest terminal,
 * watched by `tests` such tests, is flagged within `horizon` cycles with probability ≤ `falseAlarm`.
 */
export function targetArl(o: { falseAlarm: number; horizon: number; tests: number }): number {
  return (o.horizon * o.tests) / o.falseAlarm;
}

/** Alarm level of a log-likelihood-ratio CUSUM: ARL₀ ≥ e^h (Wald), so h = ln ARL₀. */
export function llrThreshold(arl: number): number {
  return Math.log(arl);
}

/**
 * Alarm level h of a standardised normal CUSUM S ← max(0, S + z − k) for an in-control ARL, from
 * Siegmund's approximation ARL₀ ≈ (e^{2kb} − 2kb − 1)/(2k²), b = h + 1.166 (solved by bisection).
 */
export function normalCusumThreshold(k: number, arl: number): number {
  const arlOf = (h: number): number => {
    const b = 2 * k * (h + 1.166);
    return (Math.exp(b) - b - 1) / (2 * k * k);
  };
  let lo = 0;
  let hi = 60;
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (arlOf(mid) < arl) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];
  const poly = (k: readonly number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / poly(d, q);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / poly(b, r);
}

/** Binomial LLR of x events in n trials, rate p1 against p0 (0 < p0 < p1 < 1). */
export function binomialLlr(x: number, n: number, p0: number, p1: number): number {
  return x * Math.log(p1 / p0) + (n - x) * Math.log((1 - p1) / (1 - p0));
}

/** Poisson LLR of x events with means mu1 against mu0. */
export function poissonLlr(x: number, mu0: number, mu1: number): number {
  return x * Math.log(mu1 / mu0) - (mu1 - mu0);
}

/** 1.4826 · MAD of a[0..len) about its median (a normal-consistent scale); reorders `a`. */
export function madScale(a: Float64Array, len: number): number {
  if (len === 0) return Number.NaN;
  const med = medianInPlace(a, len);
  for (let i = 0; i < len; i++) a[i] = Math.abs((a[i] ?? 0) - med);
  return 1.4826 * medianInPlace(a, len);
}

/** Blends a new group estimate into its running value (NaN-safe; the first estimate is taken as is). */
export function blend(old: number, next: number, weight: number): number {
  if (Number.isNaN(next)) return old;
  return Number.isNaN(old) ? next : old + weight * (next - old);
}

/**
 * A tail-aware robust scale of a[0..len): the larger of 1.4826·MAD and the root mean square of the
 * central 90 % (|a − median| below its 90th percentile, corrected to a normal sd). Discrete jumps
 * (retries, duplicates) that MAD alone misses are kept; the top 10 % (attackers among the peers) are not.
 * Reorders `a`.
 */
export function robustScale(a: Float64Array, len: number): number {
  if (len === 0) return Number.NaN;
  const med = medianInPlace(a, len);
  for (let i = 0; i < len; i++) a[i] = Math.abs((a[i] ?? 0) - med);
  const mad = 1.4826 * medianInPlace(a, len);
  a.subarray(0, len).sort();
  const keep = Math.max(1, Math.floor(len * 0.9));
  let ss = 0;
  for (let i = 0; i < keep; i++) ss += (a[i] ?? 0) ** 2;
  // E[z² | |z| < 1.645] = 0.623 for a normal z
  return Math.max(mad, Math.sqrt(ss / keep / 0.623));
}
