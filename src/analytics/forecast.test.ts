// Forecast baselines and models: exact on synthetic periodic data, the published naive figure on taylor, no look-ahead.
import { describe, expect, it } from 'vitest';
import { loadTaylor } from '../../test/helpers/analytics-data.ts';
import { createRandom } from '../core/index.ts';
import { forecastFromOrigin, forecastMetrics, rollingOrigin, seasonalNaive } from './forecast.ts';
import type { SeasonalSeries } from './forecast-features.ts';
import { createRidgeRegressor, solveSpd } from './regressor.ts';

const DAY = 48;
const WEEK = 336;

function periodic(weeks: number, trend = 0): SeasonalSeries {
  const n = weeks * WEEK;
  const values = new Float64Array(n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = i % WEEK; // exact periodicity: the pattern is indexed, not recomputed
    values[i] =
      Math.round(1000 + 300 * Math.sin((2 * Math.PI * w) / DAY) + 100 * Math.cos((2 * Math.PI * w) / WEEK)) +
      trend * i;
    timestamps[i] = Date.UTC(2000, 5, 5) + i * 1_800_000;
  }
  return { values, timestamps, day: DAY, week: WEEK, scale: 1000, calendar: false };
}

describe('forecast baselines', () => {
  it('seasonal naive is exact on a purely periodic series (weekly and, for a daily-only series, daily)', () => {
    const s = periodic(4);
    const end = 3 * WEEK;
    const f = seasonalNaive(s.values, end, WEEK, WEEK);
    expect(forecastMetrics(s.values.subarray(end, end + WEEK), f)).toEqual({ mape: 0, mae: 0, rmse: 0 });
    const daily = s.values.map((_, i) => 5 + ((i % DAY) % 7));
    const fd = seasonalNaive(daily, 100, 96, DAY);
    fd.forEach((v, h) => expect(v).toBe(daily[100 + h]));
  });

  it('reproduces the published weekly naive MAPE on taylor (1.224 %, fit on weeks 1–11)', () => {
    const t = loadTaylor();
    const y = t.columns[0]!;
    const m = forecastMetrics(y.subarray(3696, 4032), seasonalNaive(y, 3696, 336, 336));
    expect(m.mape).toBeCloseTo(1.2244, 4);
    expect(m.mae).toBeCloseTo(370.122, 3);
  });

  it('the linear model is exact on periodic data and uses nothing after the training end', async () => {
    const s = periodic(5, 0.01);
    const end = 4 * WEEK;
    const f = await forecastFromOrigin(s, end, DAY, {
      createModel: () => createRidgeRegressor(1e-12, true),
      random: createRandom(1),
      maxPairs: 5000,
    });
    expect(forecastMetrics(s.values.subarray(end, end + DAY), f).mape).toBeLessThan(1e-6);
    const poisoned = { ...s, values: Float64Array.from(s.values, (v, i) => (i >= end ? 1e9 : v)) };
    const g = await forecastFromOrigin(poisoned, end, DAY, {
      createModel: () => createRidgeRegressor(1e-12, true),
      random: createRandom(1),
      maxPairs: 5000,
    });
    expect([...g]).toEqual([...f]);
  });

  it('rolling origin reports one MAPE per lead and the weekly naive beside it', async () => {
    const s = periodic(5);
    const r = await rollingOrigin(s, 4 * WEEK, 12, {
      createModel: () => createRidgeRegressor(1e-9, false),
      random: createRandom(1),
      maxPairs: 5000,
    });
    expect(r.mapeByLead).toHaveLength(12);
    expect(r.naiveWeekMeanMape).toBeLessThan(1e-9);
    expect(r.meanMape).toBeLessThan(1e-6);
  });

  it('solves a small SPD system', () => {
    const w = solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect(w[0]).toBeCloseTo(0.5, 12);
    expect(w[1]).toBeCloseTo(0, 12);
  });
});
