// k-means against a brute-force Lloyd reference on real LCL curves; Hamerly, workers, tol 0, k-means++.
import { describe, expect, it } from 'vitest';
import { loadLcl } from '../../test/helpers/analytics-data.ts';
import { createRandom } from '../core/index.ts';
import { prepareDailyCurves } from './daily-curves.ts';
import { createInlineExecutor, createWorkerExecutor } from './kmeans-pool.ts';
import { kmeansPlusPlus, runKmeans, type CurveMatrix } from './kmeans.ts';

const curves = prepareDailyCurves(loadLcl());
const n = 600;
const m: CurveMatrix = { data: curves.data.slice(0, n * 24), n, d: 24 };

/** Textbook Lloyd: every distance computed directly, centres as means; labels + inertia to final centres. */
function bruteForce(
  x: CurveMatrix,
  init: Float64Array,
  k: number,
  iters: number,
): { inertia: number; labels: number[] } {
  let c = Float64Array.from(init);
  const nearest = (i: number): [number, number] => {
    let best = 0;
    let bd = Infinity;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < x.d; t++) s += (x.data[i * x.d + t]! - c[j * x.d + t]!) ** 2;
      if (s < bd) [best, bd] = [j, s];
    }
    return [best, bd];
  };
  for (let it = 0; it < iters; it++) {
    const sums = new Float64Array(k * x.d);
    const counts = new Float64Array(k);
    for (let i = 0; i < x.n; i++) {
      const [b] = nearest(i);
      counts[b]!++;
      for (let t = 0; t < x.d; t++) sums[b * x.d + t]! += x.data[i * x.d + t]!;
    }
    c = c.map((v, q) => (counts[Math.floor(q / x.d)]! > 0 ? sums[q]! / counts[Math.floor(q / x.d)]! : v));
  }
  let inertia = 0;
  const labels: number[] = [];
  for (let i = 0; i < x.n; i++) {
    const [b, dd] = nearest(i);
    labels.push(b);
    inertia += dd;
  }
  return { inertia, labels };
}

describe('runKmeans', () => {
  const k = 5;
  const init = kmeansPlusPlus(m, k, createRandom(7));
  const ref = bruteForce(m, init, k, 15);

  it('Lloyd, Hamerly and Elkan match the brute-force reference inline and on 2 workers', async () => {
    const inline = createInlineExecutor();
    const workers = createWorkerExecutor(2);
    try {
      for (const ex of [inline, workers]) {
        for (const algorithm of ['lloyd', 'hamerly', 'elkan', 'lloyd-simd'] as const) {
          const r = await runKmeans(
            m,
            { k, random: createRandom(1), initCentres: init, maxIter: 15, tol: 0, algorithm },
            ex,
          );
          expect(r.iterations).toBe(15);
          expect(r.inertia).toBeCloseTo(ref.inertia, 8);
          expect([...r.labels]).toEqual(ref.labels);
          expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(n);
        }
      }
    } finally {
      await workers.close();
    }
  });

  it('--tol 0 runs exactly maxIter iterations; a positive tol stops early', async () => {
    const ex = createInlineExecutor();
    const exact = await runKmeans(
      m,
      { k, random: createRandom(1), initCentres: init, maxIter: 60, tol: 0 },
      ex,
    );
    expect(exact.iterations).toBe(60);
    const early = await runKmeans(
      m,
      { k, random: createRandom(1), initCentres: init, maxIter: 60, tol: 1e-4 },
      ex,
    );
    expect(early.iterations).toBeLessThan(60);
    expect(early.iterations).toBeGreaterThan(2);
    expect(early.inertia).toBeGreaterThanOrEqual(exact.inertia - 1e-9);
  });

  it('is deterministic for a seed, n_init keeps the best restart, and repairs empty clusters', async () => {
    const ex = createInlineExecutor();
    const a = await runKmeans(m, { k, random: createRandom(3), nInit: 3 }, ex);
    const b = await runKmeans(m, { k, random: createRandom(3), nInit: 3 }, ex);
    expect(a.inertia).toBe(b.inertia);
    const one = await runKmeans(m, { k, random: createRandom(3), nInit: 1 }, ex);
    expect(a.inertia).toBeLessThanOrEqual(one.inertia);
    const dup = new Float64Array(3 * 24);
    dup.set(m.data.subarray(0, 24), 0);
    dup.set(m.data.subarray(0, 24), 24);
    dup.set(m.data.subarray(24, 48), 48);
    const r = await runKmeans(m, { k: 3, random: createRandom(1), initCentres: dup, maxIter: 5, tol: 0 }, ex);
    expect(r.emptyRepairs).toBeGreaterThan(0);
    expect(Math.min(...r.sizes)).toBeGreaterThan(0);
  });

  it('rejects a bad k and badly shaped initial centres', async () => {
    const ex = createInlineExecutor();
    await expect(runKmeans(m, { k: 0, random: createRandom(1) }, ex)).rejects.toThrow(/k = 0/);
    await expect(
      runKmeans(m, { k: 2, random: createRandom(1), initCentres: new Float64Array(3) }, ex),
    ).rejects.toThrow(/expected 2 × 24/);
  });
});
