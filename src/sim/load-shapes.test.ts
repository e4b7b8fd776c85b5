// Load shapes from the real LCL households: cleaning, per-customer variation, lookup by time.
import { describe, expect, it } from 'vitest';
import { readLclForTests } from '../../test/support/sim-lcl.ts';
import { createRandom } from '../core/index.ts';
import { assignHousehold, householdWatts, prepareLoadShapes } from './load-shapes.ts';

const table = readLclForTests();
const shapes = prepareLoadShapes(table);

describe('LCL load shapes', () => {
  it('keeps the usable households of the 100 and drops the 3 mostly-zero ones [data/README]', () => {
    expect(shapes.ids.length + shapes.dropped.length).toBe(100);
    expect(shapes.dropped.filter((d) => d.reason === 'MOSTLY_ZERO')).toHaveLength(3);
    expect(shapes.days).toBe(365);
    expect(shapes.stepsPerDay).toBe(48);
  });

  it('fills every gap (no NaN) and converts kWh/half-hour to watts (×2000)', () => {
    for (const w of shapes.watts) expect(w.some((x) => Number.isNaN(x))).toBe(false);
    const h = shapes.ids.indexOf('MAC000009');
    const col = table.columns[table.ids.indexOf('MAC000009')]!;
    const i = col.findIndex((v) => !Number.isNaN(v) && v > 0);
    expect(shapes.watts[h]![i]).toBeCloseTo(col[i]! * 2000, 1);
  });

  it('preserves per-customer variation: household daily means differ widely', () => {
    const means = shapes.watts.map((w) => w.reduce((a, b) => a + b, 0) / w.length).sort((a, b) => a - b);
    expect(means.at(-1)! / means[0]!).toBeGreaterThan(5);
  });

  it('assigns households with replacement, day offsets and scale jitter from the seed', () => {
    const a = Array.from({ length: 500 }, (_, i) => assignHousehold(shapes, createRandom(i)));
    expect(new Set(a.map((x) => x.household)).size).toBeGreaterThan(80);
    expect(new Set(a.map((x) => x.dayOffset)).size).toBeGreaterThan(200);
    expect(assignHousehold(shapes, createRandom(3))).toEqual(assignHousehold(shapes, createRandom(3)));
  });

  it('looks up the curve by day of year and half-hour slot, wrapping the year', () => {
    const jan1 = Date.UTC(2013, 0, 1, 18, 10);
    expect(householdWatts(shapes, 0, 0, jan1)).toBe(shapes.watts[0]![36]);
    expect(householdWatts(shapes, 0, 1, jan1)).toBe(shapes.watts[0]![48 + 36]);
    expect(householdWatts(shapes, 0, 0, jan1 + 365 * 86_400_000)).toBe(shapes.watts[0]![36]);
  });
});
