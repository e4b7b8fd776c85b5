// dshw, Nelder–Mead, forecast combination and auto selection: exact on periodic data, causal, no look-ahead, taylor.
import { describe, expect, it } from 'vitest';
import { loadTaylor } from '../../test/helpers/analytics-data.ts';
import { dshwPredict, dshwSse, fitDshw, nelderMead } from './dshw.ts';
import { createMethod, selectModel } from './forecast-catalog.ts';
import type { Pair, SeasonalSeries } from './forecast-features.ts';
import {
  combineMethods,
  dshwMethod,
  naiveWeekMethod,
  rollingEvaluation,
  rollingPairs,
  type ForecastMethod,
} from './forecast-models.ts';
import { forecastMetrics } from './forecast.ts';
import { createEnsembleRegressor, createRidgeRegressor } from './regressor.ts';

const DAY = 48;
const WEEK = 336;
/** The neural candidate of `auto` trained tiny: these tests check selection and look-ahead, not its accuracy. */
const TINY = { seed: 1, epochs: 1, neuralEpochs: 1, ensemble: 1 };

/** A purely multiplicative double-seasonal series: level × daily × weekly (the weekly factor averages 1). */
function multiplicative(weeks: number): SeasonalSeries {
  const n = weeks * WEEK;
  const values = new Float64Array(n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = 1 + 0.3 * Math.sin((2 * Math.PI * (i % DAY)) / DAY);
    const w = 1 + 0.1 * Math.cos((2 * Math.PI * (i % WEEK)) / WEEK);
    values[i] = 30_000 * d * w;
    timestamps[i] = Date.UTC(2000, 5, 5) + i * 1_800_000;
  }
  return { values, timestamps, day: DAY, week: WEEK, scale: 30_000, calendar: false };
}

const fromOrigin = (end: number, h: number): Pair[] =>
  Array.from({ length: h }, (_, i) => ({ origin: end - 1, target: end + i }));

describe('dshw', () => {
  it('is exact on a purely double-seasonal series for any parameters, and its SSE is 0', () => {
    const s = multiplicative(5);
    const p = { alpha: 0.3, delta: 0.4, omega: 0.5, phi: 0.7 };
    expect(dshwSse(s, 4 * WEEK, p)).toBeLessThan(1e-12);
    const pairs = rollingPairs(3 * WEEK, 5 * WEEK, WEEK);
    const f = dshwPredict(s, p, pairs);
    let worst = 0;
    pairs.forEach((q, i) => (worst = Math.max(worst, Math.abs((f[i] ?? 0) - (s.values[q.target] ?? 0)))));
    expect(worst).toBeLessThan(1e-6);
  });

  it('is causal: a forecast from origin o does not change when values after o change', () => {
    const s = loadTaylorSeries();
    const p = fitDshw(s, 2688);
    const pairs = rollingPairs(3000, 3400, 48).filter((q) => q.origin === 3100);
    const f = dshwPredict(s, p, pairs);
    const poisoned = { ...s, values: s.values.map((v, i) => (i > 3100 ? 1e9 : v)) };
    expect([...dshwPredict(poisoned, p, pairs)]).toEqual([...f]);
  });

  it('Nelder–Mead finds the minimum of the Rosenbrock function', () => {
    const rosen = (x: number[]): number =>
      100 * ((x[1] ?? 0) - (x[0] ?? 0) ** 2) ** 2 + (1 - (x[0] ?? 0)) ** 2;
    let x = [-1.2, 1];
    for (let r = 0; r < 4; r++) x = nelderMead(rosen, x, 400, 0.5);
    expect(x[0]).toBeCloseTo(1, 4);
    expect(x[1]).toBeCloseTo(1, 4);
  });
});

function loadTaylorSeries(end = 3696): SeasonalSeries {
  const t = loadTaylor();
  const values = t.columns[0] ?? new Float64Array(0);
  let scale = 0;
  for (let i = 0; i < end; i++) scale += (values[i] ?? 0) / end;
  return { values, timestamps: t.timestamps, day: DAY, week: WEEK, scale, calendar: false };
}

describe('forecast methods', () => {
  it('a combination is the weighted mean of its members', async () => {
    const s = multiplicative(4);
    const k = (name: string, c: number): ForecastMethod => ({
      name,
      predict: (_s, _e, _h, pairs) => Promise.resolve(Float64Array.from(pairs, () => c)),
    });
    const f = await combineMethods([k('a', 1), k('b', 4)], [2, 1]).predict(
      s,
      3 * WEEK,
      2,
      fromOrigin(3 * WEEK, 2),
    );
    expect([...f]).toEqual([2, 2]);
  });

  it('an ensemble of regressors predicts the mean of its members', async () => {
    const x = Float64Array.from([0, 1, 2, 3]);
    const y = Float64Array.from([1, 3, 5, 7]);
    const e = createEnsembleRegressor('e', [
      () => createRidgeRegressor(1e-12),
      () => createRidgeRegressor(1e-12),
    ]);
    await e.fit(x, y, 1);
    expect((await e.predict(Float64Array.from([10]), 1))[0]).toBeCloseTo(21, 6);
  });

  it('no look-ahead: dshw, combo and the auto selection ignore every value at or after the cut-off', async () => {
    const s = loadTaylorSeries();
    const end = 3696;
    const poisoned = { ...s, values: s.values.map((v, i) => (i >= end ? 1e9 : v)) };
    for (const m of [dshwMethod, createMethod('combo', { seed: 1, epochs: 1 })]) {
      const f = await m.predict(s, end, 96, fromOrigin(end, 96));
      expect([...(await m.predict(poisoned, end, 96, fromOrigin(end, 96)))]).toEqual([...f]);
    }
    const a = await selectModel(s, { ...TINY, end, horizon: 48 });
    const b = await selectModel(poisoned, { ...TINY, end, horizon: 48 });
    expect(b.scores).toEqual(a.scores);
  });

  it('on taylor, the auto choices beat weekly naive (fixed week 12) and dshw peer figures (rolling)', async () => {
    const s = loadTaylorSeries();
    const fixed = await selectModel(s, { ...TINY, end: 3696, horizon: 336 });
    const f = await fixed.method.predict(s, 3696, 336, fromOrigin(3696, 336));
    expect(forecastMetrics(s.values.subarray(3696), f).mape).toBeLessThan(1.224);
    const sr = loadTaylorSeries(2688);
    const rolling = await selectModel(sr, { ...TINY, end: 2688, horizon: 48 });
    const r = await rollingEvaluation(sr, 2688, 48, rolling.method);
    expect(r.meanMape).toBeLessThan(1.068);
    expect(r.naiveWeekMeanMape).toBeCloseTo(2.168, 3);
    const naive = await rollingEvaluation(sr, 2688, 48, naiveWeekMethod);
    expect(naive.meanMape).toBeCloseTo(r.naiveWeekMeanMape, 12);
  });
});
