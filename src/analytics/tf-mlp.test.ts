// The tfjs MLP regressor: learns a smooth function, early stopping on the inner split, seeded determinism.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/index.ts';
import { createMlpRegressor, createTfRuntime } from './tf-mlp.ts';

function data(n: number): { x: Float64Array; y: Float64Array } {
  const r = createRandom(7);
  const x = Float64Array.from({ length: 2 * n }, () => r.uniform(-1, 1));
  const y = Float64Array.from(
    { length: n },
    (_, i) => Math.sin(2 * (x[2 * i] ?? 0)) + 0.5 * (x[2 * i + 1] ?? 0),
  );
  return { x, y };
}

describe('MLP regressor', () => {
  it('with early stopping on the last rows, fits better than the mean and is deterministic for a seed', async () => {
    const { x, y } = data(600);
    const runtime = createTfRuntime();
    const fit = async (): Promise<Float64Array> => {
      const m = createMlpRegressor({
        runtime,
        random: createRandom(3),
        epochs: 60,
        hidden: [16],
        patience: 4,
        learningRate: 0.01,
        batchSize: 64,
      });
      await m.fit(x, y, 2, { validationRows: 100 });
      const p = await m.predict(x, 2);
      m.dispose();
      return p;
    };
    const a = await fit();
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const mse = (p: ArrayLike<number>): number =>
      y.reduce((s, v, i) => s + (v - (p[i] ?? 0)) ** 2, 0) / y.length;
    expect(mse(a)).toBeLessThan(0.2 * mse(Float64Array.from(y, () => mean)));
    expect([...(await fit())]).toEqual([...a]);
  });
});
