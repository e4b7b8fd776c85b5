// Synthetic household curves for the demo when the LCL file is missing (clearly reported as 'synthetic').
import { createRandom } from '../../core/index.ts';
import { prepareLoadShapes, type LoadShapes } from '../../sim/index.ts';

const STEP_MS = 1_800_000;
const DAY_MS = 86_400_000;

/**
 * A month of half-hourly curves for `households` homes: a base load, a morning and an evening peak
 * (per-home size and timing drawn from the seed) and noise, in kWh per step like the LCL file, so the
 * fleet runs unchanged. Only a fallback: the demo says so and asks for `--load FILE`.
 */
export function syntheticLoadShapes(o: { households?: number; days?: number; seed: number }): LoadShapes {
  const rnd = createRandom(o.seed);
  const n = o.households ?? 64;
  const steps = (o.days ?? 28) * (DAY_MS / STEP_MS);
  const t0 = Date.UTC(2013, 0, 1);
  const timestamps = Float64Array.from({ length: steps }, (_, k) => t0 + k * STEP_MS);
  const columns = Array.from({ length: n }, () => {
    const baseKw = rnd.uniform(0.1, 0.4);
    const peakKw = rnd.uniform(0.5, 2.5);
    const evening = rnd.uniform(17.5, 20.5);
    const col = new Float64Array(steps);
    for (let k = 0; k < steps; k++) {
      const h = ((k * STEP_MS) % DAY_MS) / 3_600_000;
      const bump = (c: number, w: number) => Math.exp(-(((h - c) / w) ** 2));
      const kw = baseKw + peakKw * (0.4 * bump(7.5, 1.2) + bump(evening, 1.8)) * rnd.uniform(0.6, 1.4);
      col[k] = Math.max(0, kw * 0.5); // kWh per half hour
    }
    return col;
  });
  return prepareLoadShapes({ timestamps, ids: columns.map((_, i) => `synthetic-${i}`), columns });
}
