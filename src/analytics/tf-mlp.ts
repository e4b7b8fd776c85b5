// MLP regressor on TensorFlow.js with the WASM backend [analytics §4], kept behind the Regressor port.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Random } from '../core/index.ts';
import type { Regressor } from './regressor.ts';

/** Options of {@link createMlpRegressor}. */
export interface MlpOptions {
  /** Hidden layer widths. @default [32, 16] */
  hidden?: readonly number[];
  /** @default 40 */
  epochs?: number;
  /** @default 256 */
  batchSize?: number;
  /** Adam learning rate. @default 0.003 */
  learningRate?: number;
  /** L2 penalty on the weights. @default 1e-5 */
  l2?: number;
  /** Seeds the weight initialisation and the per-epoch shuffles. */
  random: Random;
}

let backendReady: Promise<string> | undefined;

/** Selects the WASM backend once (falls back to the pure-JS CPU backend if WASM cannot start). */
export function ensureTfBackend(): Promise<string> {
  backendReady ??= tf
    .setBackend('wasm')
    .then(async (ok) => {
      if (!ok) await tf.setBackend('cpu');
      await tf.ready();
      return tf.getBackend();
    })
    .catch(async () => {
      await tf.setBackend('cpu');
      return tf.getBackend();
    });
  return backendReady;
}

function standardise(x: Float64Array, p: number): { mean: Float64Array; sd: Float64Array } {
  const n = x.length / p;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let f = 0; f < p; f++) mean[f] = (mean[f] ?? 0) + (x[i * p + f] ?? 0) / n;
  for (let i = 0; i < n; i++)
    for (let f = 0; f < p; f++) sd[f] = (sd[f] ?? 0) + ((x[i * p + f] ?? 0) - (mean[f] ?? 0)) ** 2 / n;
  return { mean, sd: sd.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

function toTensor(x: Float64Array, p: number, st: { mean: Float64Array; sd: Float64Array }): tf.Tensor2D {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = ((x[i] ?? 0) - (st.mean[i % p] ?? 0)) / (st.sd[i % p] ?? 1);
  return tf.tensor2d(out, [x.length / p, p]);
}

function buildModel(p: number, o: MlpOptions): tf.Sequential {
  const model = tf.sequential();
  const hidden = o.hidden ?? [32, 16];
  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [p] } : {}),
        kernelInitializer: tf.initializers.heNormal({ seed: o.random.int(0, 2 ** 31 - 1) }),
        kernelRegularizer: tf.regularizers.l2({ l2: o.l2 ?? 1e-5 }),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: o.random.int(0, 2 ** 31 - 1) }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(o.learningRate ?? 0.003), loss: 'meanSquaredError' });
  return model;
}

/**
 * A small fully connected network (ReLU hidden layers, linear output) trained with Adam on
 * standardised inputs and targets; deterministic for a seed as far as tfjs allows (seeded
 * initialisers, shuffles from the injected Random).
 */
export function createMlpRegressor(o: MlpOptions): Regressor {
  let model: tf.Sequential | undefined;
  let xs: { mean: Float64Array; sd: Float64Array } = { mean: new Float64Array(0), sd: new Float64Array(0) };
  let ys = { mean: 0, sd: 1 };
  return {
    name: 'mlp',
    async fit(x, y, p) {
      await ensureTfBackend();
      xs = standardise(x, p);
      const yst = standardise(y, 1);
      ys = { mean: yst.mean[0] ?? 0, sd: yst.sd[0] ?? 1 };
      model = buildModel(p, o);
      const n = y.length;
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = o.random.int(0, i);
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      const xo = new Float64Array(x.length);
      const yo = new Float32Array(n);
      order.forEach((src, i) => {
        xo.set(x.subarray(src * p, src * p + p), i * p);
        yo[i] = ((y[src] ?? 0) - ys.mean) / ys.sd;
      });
      const xt = toTensor(xo, p, xs);
      const yt = tf.tensor2d(yo, [n, 1]);
      await model.fit(xt, yt, {
        epochs: o.epochs ?? 40,
        batchSize: o.batchSize ?? 256,
        shuffle: false,
        verbose: 0,
      });
      xt.dispose();
      yt.dispose();
    },
    async predict(x, p) {
      if (model === undefined) throw new Error('predict before fit');
      const xt = toTensor(x, p, xs);
      const out = model.predict(xt) as tf.Tensor;
      const v = await out.data();
      xt.dispose();
      out.dispose();
      return Float64Array.from(v, (z) => z * ys.sd + ys.mean);
    },
    dispose() {
      model?.dispose();
      model = undefined;
    },
  };
}
