// Thresholds from a target false-alarm rate, the normal quantile, and the explanations engine decisions carry.
import { describe, expect, it } from 'vitest';
import { llrThreshold, normalCusumThreshold, normalQuantile, robustScale, targetArl } from './adaptive.ts';
import { createTrustEngine } from './engine.ts';

describe('adaptive thresholds', () => {
  it('inverts Siegmund: k = 0.5, h = 5 has ARL ≈ 930 cycles', () => {
    expect(normalCusumThreshold(0.5, 930)).toBeCloseTo(5, 1);
    expect(llrThreshold(targetArl({ falseAlarm: 0.002, horizon: 50, tests: 11 }))).toBeCloseTo(12.52, 2);
  });
  it('normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.95996, 4);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.0902, 3);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });
  it('keeps the jumps MAD alone would miss', () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    expect(robustScale(a, 100)).toBeGreaterThan(0.3);
  });
});

describe('explanations', () => {
  it('every robust decision names a factor, its observed value, baseline and threshold', () => {
    const engine = createTrustEngine({ scheme: 'robust' });
    const rec = (t: string, cycle: number, missing: number) => ({
      terminal: t,
      fusionTerminal: 'ft',
      cycle,
      requests: 20,
      validReplies: 20 - missing,
      duplicates: 0,
      lateReplies: 0,
      tamperedCaught: 0,
      meanDelayMs: 20,
      remainingEnergyJ: 2,
      initialEnergyJ: 2,
    });
    let flagged = null;
    for (let c = 0; c < 6; c++) {
      const ds = engine.scoreCycle(['a', 'b', 'c', 'd'].map((t) => rec(t, c, t === 'd' && c >= 2 ? 8 : 0)));
      for (const d of ds) if (!d.quarantined || d.flag !== null) expect(d.explanation).not.toBeNull();
      flagged ??= ds.find((d) => d.flag !== null) ?? null;
    }
    expect(flagged?.terminal).toBe('d');
    expect(flagged?.explanation).toMatchObject({ factor: 'missing', observed: 0.4 });
    expect(flagged?.explanation?.threshold).toBeGreaterThan(0);
    expect(flagged?.explanation?.baseline).toBeLessThan(0.05);
  });
});
