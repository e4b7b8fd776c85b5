// Flexibility on real LCL data: peak contributions sum to 1 (overall, per month, per cluster), factors in range.
import { describe, expect, it } from 'vitest';
import { loadLcl } from '../../test/helpers/analytics-data.ts';
import { evaluateFlexibility, flexibilityByCluster } from './flexibility.ts';

const lcl = loadLcl();
const flex = evaluateFlexibility(lcl);

describe('evaluateFlexibility on LCL 2013', () => {
  it('peak contributions of all customers sum to 1, overall and per month', () => {
    const sum = flex.customers.reduce((a, c) => a + c.peakContribution, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect(flex.months).toHaveLength(12);
    for (const m of flex.months) expect(m.peakContribution.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(flex.days).toBe(365);
  });

  it('finds the aggregate peak of the data README (47.537 kWh at 2013-01-20T18:00Z) and factors in range', () => {
    const top = flex.dailyPeaks.reduce((a, b) => (b.system > a.system ? b : a));
    expect(top.system).toBeCloseTo(47.537, 3);
    expect(new Date(lcl.timestamps[top.row]!).toISOString()).toBe('2013-01-20T18:00:00.000Z');
    expect(flex.typicalPeakTime).toBe('19:30');
    for (const c of flex.customers) {
      expect(c.coincidenceFactor).toBeGreaterThanOrEqual(0);
      expect(c.coincidenceFactor).toBeLessThanOrEqual(1);
      expect(c.loadFactor).toBeLessThanOrEqual(1);
      expect(c.peakWindowShare).toBeLessThanOrEqual(1);
    }
    expect(new Set(flex.customers.map((c) => c.rank)).size).toBe(100);
  });

  it('per-cluster peak shares (with the unclustered share) sum to 1', () => {
    const customer = Int32Array.from({ length: 200 }, (_, i) => i % 100);
    const day = Int32Array.from({ length: 200 }, (_, i) => 15_706 + Math.floor(i / 100));
    const labels = Int32Array.from({ length: 200 }, (_, i) => i % 3);
    const per = flexibilityByCluster(lcl, flex, { customer, day, labels, k: 3 });
    expect(per.reduce((a, c) => a + c.peakShare, 0)).toBeCloseTo(1, 12);
    expect(per[0]!.cluster).toBe(-1);
  });
});
