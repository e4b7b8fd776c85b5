// Taylor's double-seasonal Holt-Winters with AR(1) error adjustment [taylor-2003 Eq.1-5], fitted by Nelder–Mead.
import type { Pair, SeasonalSeries } from './forecast-features.ts';

/** Smoothing parameters, all in (0, 1): level, daily and weekly indices, AR(1) of the one-step error. */
export interface DshwParams {
  alpha: number;
  delta: number;
  omega: number;
  phi: number;
}

/** Multiplicative states after observing y[0..t]; d and w are ring buffers indexed by t mod period. */
interface DshwState {
  level: number;
  d: Float64Array;
  w: Float64Array;
  /** Latest one-step error of the unadjusted forecast, e_t = y_t − l_{t−1} d_{t−s1} w_{t−s2}. */
  e: number;
}

/** Initial states from the first two weeks: level = week-1 mean, ratios split into daily × weekly. */
function initialState(s: SeasonalSeries): DshwState {
  const { values: y, day, week } = s;
  const weekMean = (k: number): number => {
    let m = 0;
    for (let j = 0; j < week; j++) m += (y[k * week + j] ?? 0) / week;
    return m;
  };
  const m0 = weekMean(0);
  const m1 = weekMean(1);
  const ratio = new Float64Array(week);
  for (let j = 0; j < week; j++) ratio[j] = ((y[j] ?? 0) / m0 + (y[week + j] ?? 0) / m1) / 2;
  const d = new Float64Array(day);
  for (let j = 0; j < week; j++) d[j % day] = (d[j % day] ?? 0) + (ratio[j] ?? 0) / 7;
  const w = ratio.map((r, j) => r / (d[j % day] ?? 1));
  return { level: m0, d, w, e: 0 };
}

/** The unadjusted forecast of y[t + k] made at origin t (k ≥ 1, k ≤ one week). */
function baseForecast(s: SeasonalSeries, st: DshwState, t: number, k: number): number {
  return st.level * (st.d[(t + k) % s.day] ?? 1) * (st.w[(t + k) % s.week] ?? 1);
}

/** One smoothing step with observation y[t] [taylor-2003 Eq.1-3]. */
function update(s: SeasonalSeries, st: DshwState, p: DshwParams, t: number): void {
  const yt = s.values[t] ?? 0;
  const di = t % s.day;
  const wi = t % s.week;
  const dOld = st.d[di] ?? 1;
  const wOld = st.w[wi] ?? 1;
  st.e = yt - st.level * dOld * wOld;
  const level = (p.alpha * yt) / (dOld * wOld) + (1 - p.alpha) * st.level;
  st.d[di] = (p.delta * yt) / (level * wOld) + (1 - p.delta) * dOld;
  st.w[wi] = (p.omega * yt) / (level * dOld) + (1 - p.omega) * wOld;
  st.level = level;
}

/**
 * In-sample SSE of the AR-adjusted one-step forecasts l d w + φ e over [week, end) — the fitting
 * criterion of Taylor (2003). Uses values before `end` only.
 */
export function dshwSse(s: SeasonalSeries, end: number, p: DshwParams): number {
  const st = initialState(s);
  let sse = 0;
  for (let t = 0; t < end; t++) {
    if (t >= s.week) {
      const f = baseForecast(s, st, t - 1, 1) + p.phi * st.e;
      sse += ((s.values[t] ?? 0) - f) ** 2;
    }
    update(s, st, p, t);
  }
  return sse;
}

/** Minimises f over R^n with the Nelder–Mead simplex (standard coefficients 1, 2, 0.5, 0.5). */
export function nelderMead(f: (x: number[]) => number, x0: number[], iters = 400, step = 1): number[] {
  const n = x0.length;
  let pts = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({
    x,
    v: f(x),
  }));
  const comb = (a: number[], b: number[], t: number): number[] =>
    a.map((ai, i) => ai + t * ((b[i] ?? 0) - ai));
  for (let it = 0; it < iters; it++) {
    pts.sort((a, b) => a.v - b.v);
    const worst = pts[n] ?? pts[0]!;
    const c = x0.map((_, i) => pts.slice(0, n).reduce((acc, q) => acc + (q.x[i] ?? 0), 0) / n);
    const xr = comb(c, worst.x, -1);
    const vr = f(xr);
    const best = pts[0]!.v;
    if (vr < best) {
      const xe = comb(c, worst.x, -2);
      const ve = f(xe);
      pts[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < (pts[n - 1]?.v ?? Infinity)) pts[n] = { x: xr, v: vr };
    else {
      const xc = comb(c, worst.x, 0.5);
      const vc = f(xc);
      if (vc < worst.v) pts[n] = { x: xc, v: vc };
      else {
        const b = pts[0]!.x;
        pts = pts.map((q, i) => (i === 0 ? q : { x: comb(b, q.x, 0.5), v: f(comb(b, q.x, 0.5)) }));
      }
    }
  }
  pts.sort((a, b) => a.v - b.v);
  return pts[0]!.x;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const toParams = (z: number[]): DshwParams => ({
  alpha: sigmoid(z[0] ?? 0),
  delta: sigmoid(z[1] ?? 0),
  omega: sigmoid(z[2] ?? 0),
  phi: sigmoid(z[3] ?? 0),
});

/**
 * Fits the parameters on values before `end` by minimising the in-sample one-step SSE (Nelder–Mead on
 * logit-transformed parameters, restarted `restarts` times from the best point with a fresh simplex).
 */
export function fitDshw(
  s: SeasonalSeries,
  end: number,
  o: { iters?: number; restarts?: number } = {},
): DshwParams {
  const logit = (p: number): number => Math.log(p / (1 - p));
  let z = [logit(0.05), logit(0.2), logit(0.2), logit(0.9)];
  for (let r = 0; r <= (o.restarts ?? 2); r++)
    z = nelderMead((q) => dshwSse(s, end, toParams(q)), z, o.iters ?? 200);
  return toParams(z);
}

/**
 * Forecasts every pair with fixed parameters: the states are updated with the observations up to each
 * pair's origin (Taylor's rolling protocol) and nothing later. Forecast = l d w + φ^k e [taylor-2003 Eq.5].
 */
export function dshwPredict(s: SeasonalSeries, p: DshwParams, pairs: readonly Pair[]): Float64Array {
  const out = new Float64Array(pairs.length);
  const byOrigin = new Map<number, number[]>();
  pairs.forEach((q, i) => {
    const list = byOrigin.get(q.origin);
    if (list === undefined) byOrigin.set(q.origin, [i]);
    else list.push(i);
  });
  const last = pairs.reduce((m, q) => Math.max(m, q.origin), -1);
  const st = initialState(s);
  for (let t = 0; t <= last; t++) {
    update(s, st, p, t);
    for (const i of byOrigin.get(t) ?? []) {
      const k = (pairs[i]?.target ?? t + 1) - t;
      out[i] = baseForecast(s, st, t, k) + p.phi ** k * st.e;
    }
  }
  return out;
}
