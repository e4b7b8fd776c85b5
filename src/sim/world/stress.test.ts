// The stress grid's knobs: honest noise ×2 on every component does not make the robust detector flag
// honest nodes, and subtle attackers are still caught (3 seeds; the figures come from trust experiment).
import { describe, expect, it } from 'vitest';
import { runTrial } from '../../trust/index.ts';
import { uniformNoise } from './params.ts';
import { createWorld } from './world.ts';

describe('stress grid world', () => {
  it('robust: honest noise ×2 → FPR@50 small; subtle attackers → most caught', () => {
    let fp = 0;
    let dr = 0;
    for (const seed of [11, 12, 13]) {
      const noisy = createWorld({ seed, maliciousRatio: 0.2, noise: 0.005, noiseMult: uniformNoise(2) });
      fp += runTrial({ scheme: 'robust', world: noisy, cycles: 50 }).fpr[49] ?? 1;
      const subtle = createWorld({ seed, maliciousRatio: 0.2, noise: 0.005, intensity: 'subtle' });
      dr += runTrial({ scheme: 'robust', world: subtle, cycles: 50 }).dr[49] ?? 0;
    }
    expect(fp / 3).toBeLessThan(0.03);
    expect(dr / 3).toBeGreaterThan(0.8);
  });
  it('noise multipliers change what honest nodes do', () => {
    const late = (m: number) => {
      const w = createWorld({ seed: 5, noiseMult: uniformNoise(m) });
      const b = w.step({
        excluded: new Uint8Array(w.size),
        overhead: { statusReportBits: 0, attestJoules: 0, attestEvery: 1, recommendations: false },
      });
      return b.meanDelay.reduce((a, x) => a + x, 0) / w.size;
    };
    expect(late(3)).toBeGreaterThan(2 * late(1));
  });
});
