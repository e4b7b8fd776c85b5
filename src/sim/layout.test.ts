// Layout and device-model tests: group squares, neighbour density of trust.md §6.1, CE mix, option validation, physics bounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/index.ts';
import { SimError } from './errors.ts';
import { KIND, createLayout } from './layout.ts';
import { STORAGE, dispatchStorage, drawEvSession, solarElevationSin } from './models.ts';

describe('createLayout', () => {
  const layout = createLayout({ terminals: 1000, directShare: 0 }, createRandom(2));

  it('puts every LVESU inside its fusion terminal’s 100 m square, iTTU at the centre', () => {
    const outside = [];
    for (const f of layout.fusion) {
      for (const m of f.members) {
        if (Math.abs(layout.x[m]! - f.x) > 50 || Math.abs(layout.y[m]! - f.y) > 50) outside.push(m);
      }
      expect([layout.x[f.ittu], layout.y[f.ittu], layout.kind[f.ittu]]).toEqual([f.x, f.y, KIND.ittu]);
    }
    expect(outside).toEqual([]);
  });

  it('gives ≈ 19 neighbours within 25 m per LVESU, as trust.md §6.1 expects', () => {
    const f = layout.fusion[0]!;
    let pairs = 0;
    for (const a of f.members)
      for (const b of f.members)
        if (a !== b && Math.hypot(layout.x[a]! - layout.x[b]!, layout.y[a]! - layout.y[b]!) <= 25) pairs++;
    const mean = pairs / f.members.length;
    expect(mean).toBeGreaterThan(13);
    expect(mean).toBeLessThan(22);
  });

  it('draws about 34 / 56 / 10 % CE0 / CE1 / CE2', () => {
    const big = createLayout({ terminals: 20_000 }, createRandom(3));
    const share = [0, 1, 2].map((c) => big.ce.filter((x) => x === c).length / big.size);
    expect(share[0]).toBeCloseTo(0.34, 1);
    expect(share[1]).toBeCloseTo(0.56, 1);
    expect(share[2]).toBeCloseTo(0.1, 1);
  });

  it.each([
    { terminals: 0 },
    { terminals: 1.5 },
    { terminals: 10, perFusion: 1 },
    { terminals: 10, directShare: 2 },
  ])('rejects %j with GT_ERR_SIM_BAD_OPTION', (o) => {
    expect(() => createLayout(o, createRandom(1))).toThrow(SimError);
  });
});

describe('device models', () => {
  it('puts the June noon sun at ≈ 62° over London and below the horizon at midnight', () => {
    expect(Math.asin(solarElevationSin(Date.UTC(2024, 5, 21, 12, 0))) * (180 / Math.PI)).toBeCloseTo(62, 0);
    expect(solarElevationSin(Date.UTC(2024, 5, 21, 0, 0))).toBeLessThan(0);
    expect(solarElevationSin(Date.UTC(2024, 11, 21, 12, 0))).toBeLessThan(
      solarElevationSin(Date.UTC(2024, 5, 21, 12, 0)),
    );
  });

  it('dispatches storage within power and state-of-charge limits (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20_000, max: 20_000, noNaN: true }),
        fc.double({ min: 1000, max: 9500, noNaN: true }),
        (net, soc) => {
          const p = dispatchStorage(net, soc, 0.25);
          const after = soc + (p > 0 ? p * STORAGE.efficiency : p / STORAGE.efficiency) * 0.25;
          return (
            Math.abs(p) <= STORAGE.maxW + 1e-9 &&
            after <= STORAGE.maxSoc * STORAGE.capacityWh + 1e-6 &&
            after >= STORAGE.minSoc * STORAGE.capacityWh - 1e-6 &&
            (net >= 0 ? p <= 0 : p >= 0)
          );
        },
      ),
    );
  });

  it('plugs EVs in on ≈ 55 % of days, mostly in the evening', () => {
    const rnd = createRandom(5);
    const s = Array.from({ length: 10_000 }, () => drawEvSession(rnd));
    const plugged = s.filter((x) => x.arrivalMin >= 0);
    expect(plugged.length / s.length).toBeCloseTo(0.55, 1);
    expect(plugged.filter((x) => x.arrivalMin >= 15 * 60).length / plugged.length).toBeGreaterThan(0.9);
  });
});
