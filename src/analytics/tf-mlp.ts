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
  /**
   * Early stopping: stop after this many epochs without improvement of the loss on the inner validation
   * rows (see Regressor.fit) and restore the best epoch's weights. Without validation rows, unused.
   */
  patience?: number;
  /** Seeds the weight initialisation and the per-epoch shuffles. */
  random: Random;
  /** The backend to train and predict on (see {@link createTfRuntime}). */
  runtime: TfRuntime;
}

/** The TensorFlow.js backend a caller's MLPs run on, selected once per runtime (no module-level state). */
export interface TfRuntime {
  /** Resolves with the backend name once it is ready (`wasm`, or `cpu` when WASM cannot start). */
  ready(): Promise<string>;
}

/**
 * Creates a runtime that selects the WASM backend on first use (falls back to the pure-JS CPU backend if
 * WASM cannot start). tfjs keeps one active backend per process, so callers share one runtime.
 */
export function createTfRuntime(): TfRuntime {
  let backend: Promise<string> | undefined;
  return {
    ready() {
      backend ??= tf
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
      return backend;
    },
  };
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

/** Keeps the weights of the epoch with the lowest validation loss; stops after `patience` worse epochs. */
function bestWeightsStopper(
  model: tf.Sequential,
  patience: number,
): { callback: tf.CustomCallbackArgs; restore: () => void } {
  let best = Infinity;
  let since = 0;
  let saved: tf.Tensor[] | undefined;
  const callback: tf.CustomCallbackArgs = {
    onEpochEnd: (_epoch, logs) => {
      const v = logs?.['val_loss'] ?? Infinity;
      if (v < best) {
        [best, since] = [v, 0];
        tf.dispose(saved ?? []);
        saved = model.getWeights().map((w) => w.clone());
      } else if (++since >= patience) model.stopTraining = true;
    },
  };
  const restore = (): void => {
    if (saved !== undefined) model.setWeights(saved);
    tf.dispose(saved ?? []);
    saved = undefined;
  };
  return { callback, restore };
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
    async fit(x, y, p, fo) {
      await o.runtime.ready();
      const n = y.length;
      const nVal = o.patience === undefined ? 0 : Math.min(n - 1, fo?.validationRows ?? 0);
      const nTr = n - nVal;
      xs = standardise(x.subarray(0, nTr * p), p);
      const yst = standardise(y.subarray(0, nTr), 1);
      ys = { mean: yst.mean[0] ?? 0, sd: yst.sd[0] ?? 1 };
      model = buildModel(p, o);
      const order = Array.from({ length: nTr }, (_, i) => i);
      for (let i = nTr - 1; i > 0; i--) {
        const j = o.random.int(0, i);
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      for (let i = nTr; i < n; i++) order.push(i);
      const xo = new Float64Array(x.length);
      const yo = new Float32Array(n);
      order.forEach((src, i) => {
        xo.set(x.subarray(src * p, src * p + p), i * p);
        yo[i] = ((y[src] ?? 0) - ys.mean) / ys.sd;
      });
      const xt = toTensor(xo, p, xs);
      const yt = tf.tensor2d(yo, [n, 1]);
      const [xTr, xVal] = tf.split(xt, [nTr, nVal]);
      const [yTr, yVal] = tf.split(yt, [nTr, nVal]);
      const stopper = nVal > 0 ? bestWeightsStopper(model, o.patience ?? 3) : undefined;
      await model.fit(xTr as tf.Tensor, yTr as tf.Tensor, {
        epochs: o.epochs ?? 40,
        batchSize: o.batchSize ?? 256,
        shuffle: false,
        verbose: 0,
        ...(stopper === undefined
          ? {}
          : { validationData: [xVal as tf.Tensor, yVal as tf.Tensor], callbacks: stopper.callback }),
      });
      stopper?.restore();
      tf.dispose([xt, yt, xTr, xVal, yTr, yVal].filter((t): t is tf.Tensor => t !== undefined));
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
