// The neural forecaster, trained tiny: no look-ahead, seeded reproducibility, inputs known at the origin.
import { describe, expect, it } from 'vitest';
import { loadTaylor } from '../../test/helpers/analytics-data.ts';
import type { SeasonalSeries } from './forecast-features.ts';
import { rollingPairs } from './forecast-models.ts';
import { neuralLayout, neuralRow } from './neural-features.ts';
import { neuralMethod, neuralSplit } from './neural.ts';
import { createTfRuntime } from './tf-mlp.ts';

const runtime = createTfRuntime();

function taylor(weeks: number): SeasonalSeries {
  const t = loadTaylor();
  const values = Float64Array.from(t.columns[0]!.subarray(0, weeks * 336));
  return {
    values,
    timestamps: t.timestamps.subarray(0, weeks * 336),
    day: 48,
    week: 336,
    scale: 1,
    calendar: false,
  };
}

const tiny = { runtime, seed: 7, epochs: 2, members: 1, hidden: 8, stride: 16, patience: 1 };

describe('neural forecaster', () => {
  it('reads nothing at or after the training end (values overwritten with 1e9: forecast unchanged)', async () => {
    const s = taylor(7);
    const end = 6 * 336;
    const pairs = Array.from({ length: 48 }, (_, i) => ({ origin: end - 1, target: end + i }));
    const a = await neuralMethod(tiny).predict(s, end, 48, pairs);
    const poisoned = { ...s, values: Float64Array.from(s.values, (v, i) => (i >= end ? 1e9 : v)) };
    const b = await neuralMethod(tiny).predict(poisoned, end, 48, pairs);
    expect([...b]).toEqual([...a]);
    expect(a.every((v) => v > 20_000 && v < 50_000)).toBe(true);
  }, 120_000);

  it('gives the same forecast for the same seed, rolling origins included', async () => {
    const s = taylor(7);
    const end = 6 * 336;
    const pairs = rollingPairs(end, end + 24, 12);
    const a = await neuralMethod({ ...tiny, skip: 'naive-week' }).predict(s, end, 12, pairs);
    const b = await neuralMethod({ ...tiny, skip: 'naive-week' }).predict(s, end, 12, pairs);
    expect([...b]).toEqual([...a]);
  }, 120_000);

  it('trains on targets before the inner validation week and validates on that week only', () => {
    const l = neuralLayout(taylor(1), 48);
    const end = 5 * 336;
    const { train, validation } = neuralSplit(l, end, 336, 1);
    expect(Math.max(...train) + 48).toBeLessThan(end - 336);
    expect(Math.min(...validation) + 48).toBeGreaterThanOrEqual(end - 336);
    expect(Math.max(...validation) + 48).toBeLessThan(end);
  });

  it('builds a row from values up to the origin only', () => {
    const s = taylor(3);
    const l = neuralLayout(s, 48);
    const origin = 2 * 336 + 10;
    const row = (v: Float64Array): Float32Array => {
      const out = new Float32Array(l.features);
      neuralRow({ ...s, values: v }, { layout: l, origin, out, offset: 0, cache: new Map() });
      return out;
    };
    const later = Float64Array.from(s.values, (v, i) => (i > origin ? -5 : v));
    expect([...row(later)]).toEqual([...row(s.values)]);
  });
});
