// Detection on small seeded worlds: every scheme flags what it should and spares honest nodes.
import { describe, expect, it } from 'vitest';
import { createWorld, type AttackType } from '../sim/index.ts';
import { discount, toOpinion } from './baselines/sl.ts';
import { runTrial } from './trial.ts';
import type { SchemeName } from './types.ts';

const run = (scheme: SchemeName, attacks: AttackType[], o: { seed?: number; noise?: number } = {}) =>
  runTrial({
    scheme,
    world: createWorld({ seed: o.seed ?? 7, n: 40, maliciousRatio: 0.25, attacks, noise: o.noise ?? 0 }),
    cycles: 20,
  });

const detected = (r: ReturnType<typeof run>) =>
  r.malicious.filter((m, i) => m === 1 && (r.firstFlag[i] ?? -1) >= 0).length;
const falsePos = (r: ReturnType<typeof run>) =>
  r.malicious.filter((m, i) => m === 0 && (r.firstFlag[i] ?? -1) >= 0).length;

describe('detection on small worlds', () => {
  it('robust catches every attack type with no false positive under attestation noise', () => {
    const r = run('robust', ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'], { noise: 0.005 });
    expect(detected(r)).toBe(10);
    expect(falsePos(r)).toBe(0);
    r.malicious.forEach((m, i) => {
      if (m === 1) expect((r.firstFlag[i] ?? 99) - (r.onset[i] ?? 0)).toBeLessThanOrEqual(2);
    });
  });
  it('BRS catches dropping but is blind to firmware tampering; BRS+attest is not', () => {
    expect(detected(run('brs', ['A1']))).toBe(10);
    expect(detected(run('brs', ['A5']))).toBe(0);
    expect(detected(run('brs-attest', ['A5']))).toBe(10);
  });
  it('DTMS flags firmware tampering through Stm [Eq.1–3, Eq.15]', () => {
    const r = run('paper', ['A5']);
    expect(detected(r)).toBe(10);
    expect(r.reason.filter((x, i) => r.malicious[i] === 1 && x === 2).length).toBe(10);
  });
  it('TDTC neighbours cannot see payload tampering [§7.1]', () => {
    expect(detected(run('tdtc', ['A2']))).toBeLessThan(3);
    expect(detected(run('sl', ['A1']))).toBe(10);
  });
  it('is deterministic for a seed', () => {
    expect(run('robust', ['A3']).firstFlag).toEqual(run('robust', ['A3']).firstFlag);
  });
  it('nobody is flagged in an attack-free world', () => {
    for (const s of ['robust', 'brs', 'sl', 'tdtc'] as const) {
      const r = runTrial({ scheme: s, world: createWorld({ seed: 3, n: 40 }), cycles: 20 });
      expect(falsePos(r)).toBe(0);
    }
  });
});

describe('subjective logic operators [§7.3]', () => {
  it('maps evidence to opinions and discounts by the referral opinion', () => {
    const a = toOpinion(8, 0, 2);
    expect(a).toEqual({ b: 0.8, d: 0, u: 0.2 });
    const d = discount(a, toOpinion(0, 8, 2));
    expect(d.b).toBeCloseTo(0, 12);
    expect(d.d).toBeCloseTo(0.64, 12);
    expect(d.u).toBeCloseTo(0.36, 12);
    expect(d.b + d.d + d.u).toBeCloseTo(1, 12);
  });
});
