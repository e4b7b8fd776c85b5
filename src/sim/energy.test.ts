// Tests of the NB-IoT energy model: the §6.4 sizing table and the TR 45.820 examples reproduced.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/index.ts';
import {
  BATCH_STRATEGIES,
  COVERAGE_CLASSES,
  FIELD_PROFILE,
  IDEAL_3GPP_PROFILE,
  coverageFromRsrp,
  energyTx,
  estimateLifetime,
  psmJoulesPerDay,
  sampleLatencyS,
  type BatchStrategy,
  type CoverageClass,
} from './energy.ts';

/** protocol-keys-update.md §6.4: [J/day traffic, Wh for 10 years] per strategy and CE. */
const SIZING: Record<BatchStrategy, Record<CoverageClass, [string, string]>> = {
  each: { CE0: ['62.7', '65'], CE1: ['121', '124'], CE2: ['990', '1006'] },
  '4x-day': { CE0: ['3.25', '4.6'], CE1: ['10.2', '11.6'], CE2: ['61.7', '64'] },
  '1x-day': { CE0: ['1.31', '2.6'], CE1: ['6.55', '8.0'], CE2: ['31.4', '33.2'] },
};

/** True when `x` matches the printed value to within one unit of its last printed digit. */
const matchesPrinted = (x: number, printed: string): boolean => {
  const decimals = printed.split('.')[1]?.length ?? 0;
  return Math.abs(x - Number(printed)) < 10 ** -decimals;
};
const SIZING_MAH: Record<CoverageClass, number> = { CE0: 735, CE1: 2210, CE2: 9226 };

const loadProfile = (ce: CoverageClass, strategy: BatchStrategy) =>
  estimateLifetime({
    profile: FIELD_PROFILE,
    ce,
    strategy,
    recordsPerDay: 96,
    recordBytes: 20,
    overheadBytes: 0, // §6.4 counts 20 B per record and no frame overhead
  });

describe('NB-IoT energy model [§6]', () => {
  it('has a PSM floor of 1.296 J/day [§6.3]', () => {
    expect(psmJoulesPerDay(FIELD_PROFILE)).toBeCloseTo(1.296, 6);
  });

  it('implies the §6.3 energies for an 84-byte message', () => {
    expect(energyTx(FIELD_PROFILE, 'CE0', 84)).toBeCloseTo(0.675, 2);
    expect(energyTx(FIELD_PROFILE, 'CE1', 84)).toBeCloseTo(1.442, 2);
    expect(energyTx(FIELD_PROFILE, 'CE2', 84)).toBeCloseTo(11.02, 2);
  });

  for (const strategy of BATCH_STRATEGIES) {
    for (const ce of COVERAGE_CLASSES) {
      it(`reproduces the 10-year sizing table: ${strategy} at ${ce} [§6.4]`, () => {
        const [jPerDay, wh] = SIZING[strategy][ce];
        const est = loadProfile(ce, strategy);
        // the table rounds (two cells truncate): within one unit of the last printed digit
        expect(matchesPrinted(est.trafficJPerDay, jPerDay), `${est.trafficJPerDay} J/day`).toBe(true);
        expect(matchesPrinted(est.requiredWh, wh), `${est.requiredWh} Wh`).toBe(true);
      });
    }
  }

  it('reproduces the mAh column of 1×/day at 3.6 V [§6.4]', () => {
    for (const ce of COVERAGE_CLASSES) {
      const est = loadProfile(ce, '1x-day');
      expect(Math.abs(est.requiredMah - SIZING_MAH[ce]) / SIZING_MAH[ce]).toBeLessThan(0.005);
    }
  });

  it('gives the 10-year budget of 4.93 J/day for 5 Wh [§6.4]', () => {
    expect(18_000 / (10 * 365.25)).toBeCloseTo(4.93, 2);
  });

  it('3gpp-ideal CE2 reproduces the TR 45.820 examples (1.7 y and 18.1 y) [§6.3]', () => {
    const base = {
      profile: IDEAL_3GPP_PROFILE,
      ce: 'CE2' as const,
      strategy: 'each' as const,
      overheadBytes: 0,
    };
    expect(estimateLifetime({ ...base, recordsPerDay: 12, recordBytes: 200 }).lifetimeYears).toBeCloseTo(
      1.7,
      1,
    );
    expect(estimateLifetime({ ...base, recordsPerDay: 1, recordBytes: 50 }).lifetimeYears).toBeCloseTo(
      18.1,
      1,
    );
  });

  it('batching never costs more energy than sending each record (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COVERAGE_CLASSES),
        fc.integer({ min: 4, max: 1440 }),
        fc.integer({ min: 1, max: 200 }),
        (ce, records, bytes) => {
          const cfg = {
            profile: FIELD_PROFILE,
            ce,
            recordsPerDay: records,
            recordBytes: bytes,
            overheadBytes: 61,
          };
          const each = estimateLifetime({ ...cfg, strategy: 'each' }).totalJPerDay;
          const four = estimateLifetime({ ...cfg, strategy: '4x-day' }).totalJPerDay;
          const one = estimateLifetime({ ...cfg, strategy: '1x-day' }).totalJPerDay;
          return one <= four + 1e-9 && four <= each + 1e-9;
        },
      ),
    );
  });

  it('maps RSRP to CE classes at −90/−110 dBm [§6.1]', () => {
    expect([coverageFromRsrp(-80), coverageFromRsrp(-100), coverageFromRsrp(-125)]).toEqual([
      'CE0',
      'CE1',
      'CE2',
    ]);
  });

  it('samples latencies with the profile median and p90 [§6.3]', () => {
    const rnd = createRandom(7);
    for (const ce of COVERAGE_CLASSES) {
      const xs = Array.from({ length: 20_000 }, () => sampleLatencyS(FIELD_PROFILE, ce, rnd)).sort(
        (a, b) => a - b,
      );
      const l = FIELD_PROFILE.latency[ce];
      expect(Math.abs(xs[10_000]! - l.medianS) / l.medianS).toBeLessThan(0.05);
      expect(Math.abs(xs[18_000]! - l.p90S) / l.p90S).toBeLessThan(0.06);
      expect(xs.at(-1)!).toBeLessThanOrEqual(l.maxS);
    }
  });
});
