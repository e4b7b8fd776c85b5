// The trust filter on constructed tables with known answers: exclusion, estimation of totals, weighting.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyticsError } from './errors.ts';
import { applyTrust, parseTrustScores, trustedTotal, withEstimateColumn } from './trust-filter.ts';

const ts = Float64Array.from({ length: 4 }, (_, i) => i * 1_800_000);
// three honest customers (1, 2, 3 kWh every interval) and one attacker reporting 100
const table = {
  timestamps: ts,
  ids: ['a', 'b', 'c', 'x'],
  columns: [1, 2, 3, 100].map((v) => new Float64Array(4).fill(v)),
};

describe('applyTrust', () => {
  it('excludes a distrusted customer and estimates it as the mean trusted customer', () => {
    const r = applyTrust(table, { scores: new Map([['x', 0.1]]), source: 'test' });
    expect(r.trusted.ids).toEqual(['a', 'b', 'c']);
    expect(r.report).toMatchObject({ customers: 4, trustedCustomers: 3, distrusted: ['x'], mode: 'exclude' });
    expect(r.report.trustedEnergyShare).toBeCloseTo(6 / 106, 12);
    expect(r.report.trustedValueShare).toBe(0.75);
    // feeder total = 1 + 2 + 3 + estimate 2 (not the attacker's 100, and not dropped)
    expect([...trustedTotal(r)]).toEqual([8, 8, 8, 8]);
    expect(withEstimateColumn(r).ids).toEqual(['a', 'b', 'c', '~distrusted-estimate']);
  });

  it('weights a distrusted customer by its score under mode weight', () => {
    const r = applyTrust(table, { scores: new Map([['x', 0.25]]), mode: 'weight', source: 'test' });
    // 6 + 0.25 × 100 + 0.75 × 2
    expect(trustedTotal(r)[0]).toBeCloseTo(32.5, 12);
  });

  it('estimates a distrusted customer where it reported nothing, and keeps ids at the threshold', () => {
    const cols = table.columns.map((c) => Float64Array.from(c));
    (cols[3] as Float64Array)[1] = NaN;
    const r = applyTrust(
      { ...table, columns: cols },
      {
        scores: new Map([
          ['x', 0],
          ['c', 0.5],
        ]),
        threshold: 0.5,
        source: 't',
      },
    );
    expect(r.trusted.ids).toEqual(['a', 'b', 'c']);
    expect(trustedTotal(r)[1]).toBe(8);
  });

  it('keeps a feeder total equal to the untouched total when nobody is distrusted (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 10, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (vs) => {
          const t = {
            timestamps: ts,
            ids: ['p', 'q'],
            columns: [vs.slice(0, 4), vs.slice(4)].map((v) => Float64Array.from(v)),
          };
          const r = applyTrust(t, { scores: new Map([['p', 0.9]]), source: 'p' });
          return [0, 1, 2, 3].every(
            (i) => Math.abs((trustedTotal(r)[i] ?? 0) - (vs[i] ?? 0) - (vs[i + 4] ?? 0)) < 1e-9,
          );
        },
      ),
    );
  });

  it('refuses scores outside [0, 1] and a table with nobody trusted', () => {
    expect(() => parseTrustScores({ a: 1.5 }, 'f')).toThrow(AnalyticsError);
    expect(() => parseTrustScores([0.5], 'f')).toThrow(/JSON object/);
    expect(() => parseTrustScores({ a: '0.3' }, 'f')).toThrow(/not a number/);
    expect(() => applyTrust(table, { scores: new Map(table.ids.map((id) => [id, 0])), source: 't' })).toThrow(
      /every one of the 4/,
    );
  });
});
