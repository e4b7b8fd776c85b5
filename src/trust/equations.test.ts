// Eq. 1–15 against hand-computed values, plus fast-check bounds and monotonicity [trust-§2–§4].
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeSta,
  combinedTrust,
  consistency,
  delaySta,
  energyTrust,
  forwardSta,
  paperVerdict,
  repeatSta,
  staticPart,
  staticTrust,
} from './equations.ts';
import { DEFAULT_DTMS_PARAMS as P, resolveDtmsParams } from './params.ts';

const spec = (count: number, core: number) => ({ count, core, mode: 'product' as const, wCore: 0.8 });

describe('static trust [Eq.1–3]', () => {
  it('is 1 when everything matches, 0 on any core change, linear in non-core mismatches', () => {
    expect(staticPart([1, 1, 1, 1, 1, 1], 0, spec(6, 3))).toBe(1);
    expect(staticPart([1, 0, 1, 1, 1, 1], 0, spec(6, 3))).toBe(0);
    expect(staticPart([1, 1, 1, 0, 1, 1], 0, spec(6, 3))).toBeCloseTo(2 / 3, 12);
    expect(staticPart([1, 1, 1, 1, 0, 0, 0, 1], 0, spec(8, 4))).toBeCloseTo(0.25, 12);
  });
  it('additive mode: 1 − [0.8·mean_core(1−c) + 0.2·mean_non(1−c)]', () => {
    const v = staticPart([1, 0, 1, 0, 1, 1], 0, { ...spec(6, 3), mode: 'additive' });
    expect(v).toBeCloseTo(1 - (0.8 / 3 + 0.2 / 3), 12);
  });
  it('Stm = α1·HStm + α2·SStm', () => {
    expect(staticTrust(1, 0.5, P)).toBeCloseTo(0.75, 12);
  });
  it('continuous consistency c = clamp01(1 − |Δ|/tol) [§1.1]', () => {
    expect(consistency(0.5, 0.55, 0.2)).toBeCloseTo(0.75, 12);
    expect(consistency(0.5, 0.9, 0.2)).toBe(0);
  });
});

describe('behaviour terms [Eq.5–8]', () => {
  it('ForwardSta = (RF+1)/(TR+1) and its literal switches', () => {
    expect(forwardSta(20, 20, 'normative')).toBe(1);
    expect(forwardSta(10, 20, 'normative')).toBeCloseTo(11 / 21, 12);
    expect(forwardSta(10, 20, 'swap')).toBeCloseTo(10 / 21, 12);
    expect(forwardSta(10, 20, 'literal')).toBeCloseTo(20 / 11, 12);
  });
  it('DelaySta: δ=2, T = 0.3·Th gives 2^0.7 − 1 ≈ 0.6245; 0 beyond Th; 1 without requests', () => {
    expect(delaySta(30, { requests: 20, replies: 20 }, P)).toBeCloseTo(Math.pow(2, 0.7) - 1, 12);
    expect(delaySta(101, { requests: 20, replies: 20 }, P)).toBe(0);
    expect(delaySta(Number.NaN, { requests: 0, replies: 0 }, P)).toBe(1);
    expect(delaySta(Number.NaN, { requests: 20, replies: 0 }, P)).toBe(0);
    expect(delaySta(150, { requests: 20, replies: 20 }, { ...P, delayMode: 'tolerant' })).toBeCloseTo(
      Math.pow(2, -0.5),
      12,
    );
  });
  it('RepeatSta = 2 − 2^ReRate below ReTh, 0 at or above', () => {
    expect(repeatSta(20, 0, P)).toBe(1);
    expect(repeatSta(18, 2, P)).toBeCloseTo(2 - Math.pow(2, 0.1), 12);
    expect(repeatSta(16, 4, P)).toBe(0);
  });
  it('ActiveSta relative to the median, capped at 1; share mode is comm/Σ', () => {
    expect(activeSta(30, { median: 40, total: 4000 }, 'relative')).toBeCloseTo(0.75, 12);
    expect(activeSta(60, { median: 40, total: 4000 }, 'relative')).toBe(1);
    expect(activeSta(40, { median: 40, total: 4000 }, 'share')).toBeCloseTo(0.01, 12);
  });
});

describe('energy, combination, detection [Eq.11–15]', () => {
  it('Etm = clamp01(2R/E0 − 1) above E_th = 0.5·E0, else 0', () => {
    expect(energyTrust(2, 2, 0.5)).toBe(1);
    expect(energyTrust(1.5, 2, 0.5)).toBeCloseTo(0.5, 12);
    expect(energyTrust(0.9, 2, 0.5)).toBe(0);
  });
  it('Ctm = 0.3·Stm + 0.5·Dtm + 0.2·Etm', () => {
    expect(combinedTrust(1, 0.8, 0.5, P)).toBeCloseTo(0.3 + 0.4 + 0.1, 12);
  });
  it('paper detection flow: normal above ThON, stable below, masking on a rise, energy, compromised', () => {
    const p = { thOn: 0.9, devTh: 0.05 };
    expect(paperVerdict({ ctm: 0.95, prevCtm: 0.5, etm: 1 }, p)).toBe('NORMAL');
    expect(paperVerdict({ ctm: 0.85, prevCtm: 0.86, etm: 1 }, p)).toBe('NORMAL');
    expect(paperVerdict({ ctm: 0.85, prevCtm: 0.7, etm: 1 }, p)).toBe('MASKING');
    expect(paperVerdict({ ctm: 0.7, prevCtm: 0.85, etm: 0 }, p)).toBe('ENERGY');
    expect(paperVerdict({ ctm: 0.7, prevCtm: 0.85, etm: 0.4 }, p)).toBe('COMPROMISED');
  });
  it('rejects weights that do not sum to 1, listing every problem', () => {
    expect(() => resolveDtmsParams({ alpha1: 0.9, omegaS: 0.9 })).toThrow(/alpha1.*omegaS/s);
  });
});

describe('properties', () => {
  const count = fc.integer({ min: 0, max: 200 });
  it('every term lies in [0,1]', () => {
    fc.assert(
      fc.property(count, count, count, fc.double({ min: 0, max: 500, noNaN: true }), (a, b, dup, d) => {
        const req = Math.max(a, b);
        const rf = Math.min(a, b);
        for (const v of [
          forwardSta(rf, req, 'normative'),
          delaySta(d, { requests: req, replies: rf }, P),
          repeatSta(rf, dup, P),
          repeatSta(rf, dup, { ...P, repeatMode: 'normalised' }),
          energyTrust(d / 250, 2, 0.5),
        ]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
  it('more drops never raise ForwardSta; more delay never raises DelaySta; more duplicates never raise RepeatSta', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 50 }),
        (req, drop, extra) => {
          const rf = Math.max(0, req - drop);
          expect(forwardSta(Math.max(0, rf - 1), req, 'normative')).toBeLessThanOrEqual(
            forwardSta(rf, req, 'normative'),
          );
          expect(delaySta(drop + extra, { requests: req, replies: req }, P)).toBeLessThanOrEqual(
            delaySta(drop, { requests: req, replies: req }, P),
          );
          expect(repeatSta(req, drop + extra, P)).toBeLessThanOrEqual(repeatSta(req, drop, P));
        },
      ),
    );
  });
  it('Ctm stays in [0,1] for components in [0,1] and never rises when a component falls', () => {
    const u = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(u, u, u, u, (s, d, e, drop) => {
        const c = combinedTrust(s, d, e, P);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1 + 1e-12);
        expect(combinedTrust(s, d * drop, e, P)).toBeLessThanOrEqual(c + 1e-12);
      }),
    );
  });
});
