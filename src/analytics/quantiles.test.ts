// Quantile bands: monotone in the level, no look-ahead, pinball loss and coverage on known cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTaylor } from '../../test/helpers/analytics-data.ts';
import { dshwMethod, naiveWeekMethod, rollingPairs } from './forecast-models.ts';
import { calibrateQuantiles, probabilisticScores, quantileBands } from './quantiles.ts';

function taylor(): {
  values: Float64Array;
  timestamps: Float64Array;
  day: number;
  week: number;
  scale: number;
} {
  const t = loadTaylor();
  return { values: t.columns[0]!, timestamps: t.timestamps, day: 48, week: 336, scale: 1 };
}

describe('quantile bands', () => {
  it('are monotone in the level for every lead, and ignore the values at or after the end', async () => {
    const s = taylor();
    const end = 8 * 336;
    const o = { end, horizon: 48, validation: 672, levels: [0.9, 0.1, 0.5, 0.25, 0.75] };
    const q = await calibrateQuantiles(s, dshwMethod, o);
    expect(q.levels).toEqual([0.1, 0.25, 0.5, 0.75, 0.9]);
    for (const row of q.rows)
      for (let j = 1; j < row.length; j++) expect(row[j]!).toBeGreaterThanOrEqual(row[j - 1]!);
    const poisoned = { ...s, values: s.values.map((v, i) => (i >= end ? 1e9 : v)) };
    expect((await calibrateQuantiles(poisoned, dshwMethod, o)).rows).toEqual(q.rows);
    const pairs = rollingPairs(end, end + 336, 48);
    const f = await dshwMethod.predict(s, end, 48, pairs);
    const bands = quantileBands(q, pairs, f);
    pairs.forEach((_, i) => {
      for (let j = 1; j < bands.length; j++) expect(bands[j]![i]!).toBeGreaterThanOrEqual(bands[j - 1]![i]!);
    });
    const sc = probabilisticScores(
      q.levels,
      bands,
      Float64Array.from(pairs, (p) => s.values[p.target]!),
    );
    expect(sc.coverage).toBeGreaterThan(0.5);
    expect(sc.interval).toEqual([0.1, 0.9]);
  });

  it('pinball loss: 0 for a perfect band, q·d or (1 − q)·d otherwise; coverage counts the outer interval', () => {
    const bands = [Float64Array.from([1, 1]), Float64Array.from([3, 3])];
    const s = probabilisticScores([0.1, 0.9], bands, [2, 5]);
    // point 1: inside; 0.1·1 + 0.1·1. point 2: above; 0.1·4 + 0.9·2
    expect(s.pinball).toBeCloseTo((0.1 + 0.1 + 0.4 + 1.8) / 4, 12);
    expect(s.coverage).toBe(0.5);
    fc.assert(
      fc.property(
        fc.float({ min: 1, max: 100, noNaN: true }),
        (a) => probabilisticScores([0.5], [Float64Array.from([a])], [a]).pinball === 0,
      ),
    );
  });

  it('calibrates on the validation weeks of a naive model without error', async () => {
    const q = await calibrateQuantiles(taylor(), naiveWeekMethod, {
      end: 3696,
      horizon: 336,
      validation: 672,
    });
    expect(q.rows.length).toBe(7);
  });
});
