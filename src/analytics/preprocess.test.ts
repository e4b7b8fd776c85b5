// Cleaning and resampling on the real LCL data: every rule counted, shapes and normalisations checked.
import { describe, expect, it } from 'vitest';
import { loadLcl } from '../../test/helpers/analytics-data.ts';
import { createDayCalendar, englandBankHolidays } from './calendar.ts';
import { prepareDailyCurves } from './daily-curves.ts';
import { detectInterval, interpolateSmallGaps, normaliseCurve } from './preprocess.ts';

const lcl = loadLcl();

describe('prepareDailyCurves on LCL 2013', () => {
  it('detects the 30-minute grid and counts every rule (606 all-zero days as the data README says)', () => {
    const c = prepareDailyCurves(lcl);
    const r = c.report;
    expect(r.interval).toEqual({ minutes: 30, perHour: 2, rows: 17_520, irregularSteps: 0 });
    expect(r.customerDays).toBe(36_500);
    expect(r.droppedAllZero).toBe(606);
    expect(r.droppedNegative).toBe(0);
    expect(r.droppedMissing + r.droppedAllZero + r.droppedOutlier + r.kept).toBe(r.customerDays);
    expect(c.n).toBe(r.kept);
    for (let i = 0; i < c.n; i += 997) {
      const row = c.data.subarray(i * 24, i * 24 + 24);
      expect(Math.max(...row)).toBe(1);
      expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
    }
  });

  it('interpolation fills small gaps only and the coverage rule drops partial customers', () => {
    const c = prepareDailyCurves(lcl, { interpolate: true, minCoverage: 0.5 });
    expect(c.report.interpolatedIntervals).toBeGreaterThan(0);
    expect(c.report.droppedLowCoverageCustomers).toBeGreaterThan(0);
    const v = Float64Array.from([1, NaN, 3, NaN, NaN, NaN, 7, NaN]);
    expect(interpolateSmallGaps(v)).toBe(1);
    expect([...v].slice(0, 3)).toEqual([1, 2, 3]);
    expect(Number.isNaN(v[4])).toBe(true);
  });

  it('hourly energy is the sum of the half-hours (first customer, first day)', () => {
    const c = prepareDailyCurves(lcl, { normalisation: 'none' });
    const i = c.customer.indexOf(1);
    const col = lcl.columns[1]!;
    expect(c.raw[i * 24]).toBeCloseTo(col[0]! + col[1]!, 9);
    expect(c.data[i * 24]).toBe(c.raw[i * 24]);
  });

  it('normalises by sum and z-score', () => {
    const s = Float64Array.from([1, 3]);
    normaliseCurve(s, 'sum');
    expect([...s]).toEqual([0.25, 0.75]);
    const z = Float64Array.from([1, 3]);
    normaliseCurve(z, 'zscore');
    expect([...z]).toEqual([-1, 1]);
  });

  it('rejects a grid that does not divide an hour', () => {
    expect(() => detectInterval(Float64Array.from([0, 7 * 60_000, 14 * 60_000]))).toThrow(/does not divide/);
  });
});

describe('calendar', () => {
  it('knows the 2013 England & Wales bank holidays and day types', () => {
    const days = [...englandBankHolidays(2013)]
      .sort((a, b) => a - b)
      .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    expect(days).toEqual([
      '2013-01-01',
      '2013-03-29',
      '2013-04-01',
      '2013-05-06',
      '2013-05-27',
      '2013-08-26',
      '2013-12-25',
      '2013-12-26',
    ]);
    const cal = createDayCalendar();
    const day = (s: string): number => Date.parse(`${s}T00:00:00Z`) / 86_400_000;
    expect(cal.dayType(day('2013-01-05'))).toBe('saturday');
    expect(cal.dayType(day('2013-03-29'))).toBe('sunday-holiday');
    expect(cal.dayType(day('2013-03-28'))).toBe('weekday');
    expect(cal.season(day('2013-12-01'))).toBe('DJF');
    expect(cal.season(day('2013-06-01'))).toBe('JJA');
  });
});
