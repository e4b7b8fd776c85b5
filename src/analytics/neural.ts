// `--model neural` [analytics §4, issue 22]: an N-HiTS-style MLP on TensorFlow.js (WASM backend). Parallel
// blocks — trend (polynomial), double-seasonal (daily and weekly Fourier) and generic (interpolated
// knots) — each an MLP on the pooled, level-normalised window plus calendar/holiday inputs; their basis
// expansions are added to the weekly-naive skip. Seeded ensemble, early-stopped on an inner window.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRandom } from '../core/index.ts';
import { dshwPredict, fitDshw } from './dshw.ts';
import { AnalyticsError } from './errors.ts';
import type { Pair, SeasonalSeries } from './forecast-features.ts';
import type { ForecastMethod } from './forecast-models.ts';
import {
  firstOrigin,
  levelAt,
  naiveRow,
  neuralLayout,
  neuralRow,
  type NeuralLayout,
} from './neural-features.ts';
import type { TfRuntime } from './tf-mlp.ts';

/** Options of {@link neuralMethod}. */
export interface NeuralOptions {
  runtime: TfRuntime;
  seed: number;
  /** Upper bound on epochs (early stopping usually ends sooner). @default 60 */
  epochs?: number;
  /** Ensemble members (seeds seed·1000 + k), combined by the median. @default 3 */
  members?: number;
  /** Hidden units per block layer. @default 128 */
  hidden?: number;
  /** Epochs without improvement on the inner validation window before stopping. @default 8 */
  patience?: number;
  /** Use every this-many-th training origin (1 = all). @default 2 */
  stride?: number;
  /**
   * The forecast the blocks correct: `dshw` (Taylor's double-seasonal Holt-Winters fitted on the same
   * training span, as the exponential-smoothing front end of Smyl's ES-hybrid) or `naive-week`.
   * @default 'dshw'
   */
  skip?: 'dshw' | 'naive-week';
}

/** Skip rows (normalised like the targets) for every origin, horizon steps each. */
type SkipRows = (origins: readonly number[]) => Float32Array;

function skipRows(s: SeasonalSeries, l: NeuralLayout, end: number, kind: 'dshw' | 'naive-week'): SkipRows {
  if (kind === 'naive-week')
    return (origins) => {
      const out = new Float32Array(origins.length * l.horizon);
      origins.forEach((t, i) => naiveRow(s, l, t, out, i * l.horizon));
      return out;
    };
  const params = fitDshw(s, end);
  return (origins) => {
    const pairs = origins.flatMap((origin) =>
      Array.from({ length: l.horizon }, (_, h) => ({ origin, target: origin + h + 1 })),
    );
    const f = dshwPredict(s, params, pairs);
    return Float32Array.from(f, (v, i) => v / levelAt(s, origins[Math.floor(i / l.horizon)] ?? 0) - 1);
  };
}

/** Fixed basis matrices (θ × horizon) of the three block kinds. */
function bases(s: SeasonalSeries, horizon: number): number[][][] {
  const h = Array.from({ length: horizon }, (_, i) => i + 1);
  const trend = [0, 1, 2].map((p) => h.map((v) => (v / horizon) ** p));
  const seasonal: number[][] = [];
  for (const [period, harmonics] of [
    [s.day, 6],
    [s.week, 3],
  ] as const)
    for (let k = 1; k <= harmonics; k++) {
      seasonal.push(h.map((v) => Math.sin((2 * Math.PI * k * v) / period)));
      seasonal.push(h.map((v) => Math.cos((2 * Math.PI * k * v) / period)));
    }
  const knots = Math.max(2, Math.ceil(horizon / 8) + 1);
  const step = (horizon - 1) / (knots - 1);
  const generic = Array.from({ length: knots }, (_, j) =>
    h.map((v) => Math.max(0, 1 - Math.abs((v - 1) / Math.max(step, 1e-9) - j))),
  );
  return [trend, seasonal, generic];
}

function buildNetwork(
  l: NeuralLayout,
  basis: number[][][],
  o: { hidden: number; seed: number },
): tf.LayersModel {
  const feat = tf.input({ shape: [l.features] });
  const naive = tf.input({ shape: [l.horizon] });
  const random = createRandom(o.seed);
  const init = (): tf.serialization.Serializable =>
    tf.initializers.heNormal({
      seed: random.int(0, 2 ** 31 - 1),
    });
  const outs: tf.SymbolicTensor[] = [naive];
  for (const b of basis) {
    let x: tf.SymbolicTensor = feat;
    for (let layer = 0; layer < 2; layer++)
      x = tf.layers
        .dense({ units: o.hidden, activation: 'relu', kernelInitializer: init() as never })
        .apply(x) as tf.SymbolicTensor;
    const theta = tf.layers
      .dense({ units: b.length, kernelInitializer: tf.initializers.zeros() })
      .apply(x) as tf.SymbolicTensor;
    const expand = tf.layers.dense({
      units: l.horizon,
      useBias: false,
      trainable: false,
      weights: [tf.tensor2d(b.flat(), [b.length, l.horizon])],
    });
    outs.push(expand.apply(theta) as tf.SymbolicTensor);
  }
  const y = tf.layers.add().apply(outs) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [feat, naive], outputs: y });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanAbsoluteError' });
  return model;
}

interface Rows {
  feat: Float32Array;
  naive: Float32Array;
  target: Float32Array;
  n: number;
}

function rows(
  s: SeasonalSeries,
  l: NeuralLayout,
  o: { origins: readonly number[]; withTarget: boolean; skip: SkipRows },
): Rows {
  const { origins, withTarget } = o;
  const n = origins.length;
  const r: Rows = {
    feat: new Float32Array(n * l.features),
    naive: o.skip(origins),
    target: new Float32Array(withTarget ? n * l.horizon : 0),
    n,
  };
  const cache = new Map<number, Set<number>>();
  origins.forEach((origin, i) => {
    neuralRow(s, { layout: l, origin, out: r.feat, offset: i * l.features, cache });
    if (!withTarget) return;
    const level = levelAt(s, origin);
    for (let h = 1; h <= l.horizon; h++)
      r.target[i * l.horizon + h - 1] = (s.values[origin + h] ?? 0) / level - 1;
  });
  return r;
}

function tensors(r: Rows, l: NeuralLayout): tf.Tensor[] {
  return [tf.tensor2d(r.feat, [r.n, l.features]), tf.tensor2d(r.naive, [r.n, l.horizon])];
}

/** Keeps the weights of the epoch with the lowest validation loss, stops after `patience` worse ones. */
function stopper(
  model: tf.LayersModel,
  patience: number,
): { cb: tf.CustomCallbackArgs; restore: () => number } {
  let [best, since, bestEpoch] = [Infinity, 0, 0];
  let saved: tf.Tensor[] = [];
  const cb: tf.CustomCallbackArgs = {
    onEpochEnd: (epoch, logs) => {
      const v = logs?.['val_loss'] ?? Infinity;
      if (v < best) {
        [best, since, bestEpoch] = [v, 0, epoch + 1];
        tf.dispose(saved);
        saved = model.getWeights().map((w) => w.clone());
      } else if (++since >= patience) model.stopTraining = true;
    },
  };
  return {
    cb,
    restore: () => {
      if (saved.length > 0) model.setWeights(saved);
      tf.dispose(saved);
      return bestEpoch;
    },
  };
}

/** Training origins (targets before end − inner) and inner-validation origins (targets overlap the last `inner` steps). */
export function neuralSplit(
  l: NeuralLayout,
  end: number,
  inner: number,
  stride: number,
): { train: number[]; validation: number[] } {
  const train: number[] = [];
  const validation: number[] = [];
  for (let t = firstOrigin(l); t + l.horizon < end; t++) {
    if (t + l.horizon < end - inner) {
      if ((t - firstOrigin(l)) % stride === 0) train.push(t);
    } else validation.push(t);
  }
  return { train, validation };
}

function shuffled(xs: readonly number[], seed: number): number[] {
  const r = createRandom(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j] ?? 0, out[i] ?? 0];
  }
  return out;
}

/** Fits one member on origins before `end`; returns its normalised forecasts for the given origins. */
async function fitMember(
  s: SeasonalSeries,
  o: {
    l: NeuralLayout;
    end: number;
    seed: number;
    opts: NeuralOptions;
    origins: readonly number[];
    skip: SkipRows;
  },
): Promise<{ out: Float32Array; epochs: number }> {
  const { l, skip } = o;
  const split = neuralSplit(l, o.end, s.week, o.opts.stride ?? 2);
  const tr = rows(s, l, { origins: shuffled(split.train, o.seed), withTarget: true, skip });
  const va = rows(s, l, { origins: split.validation, withTarget: true, skip });
  const model = buildNetwork(l, bases(s, l.horizon), { hidden: o.opts.hidden ?? 128, seed: o.seed });
  const [xf, xn] = tensors(tr, l);
  const [vf, vn] = tensors(va, l);
  const yt = tf.tensor2d(tr.target, [tr.n, l.horizon]);
  const yv = tf.tensor2d(va.target, [va.n, l.horizon]);
  // epoch 0 is a candidate too: with θ initialised to 0 the network starts as the skip forecast itself
  const stop = stopper(model, o.opts.patience ?? 8);
  await stop.cb.onEpochEnd?.(-1, { val_loss: await lossOf(model, [vf!, vn!], yv) });
  await model.fit([xf!, xn!], yt, {
    epochs: o.opts.epochs ?? 60,
    batchSize: 64,
    shuffle: false,
    verbose: 0,
    validationData: [[vf!, vn!], yv],
    callbacks: stop.cb,
  });
  const epochs = stop.restore();
  const te = rows(s, l, { origins: o.origins, withTarget: false, skip });
  const [tf1, tn1] = tensors(te, l);
  const pred = model.predict([tf1!, tn1!]) as tf.Tensor;
  const out = (await pred.data()) as Float32Array;
  tf.dispose([xf!, xn!, vf!, vn!, yt, yv, tf1!, tn1!, pred]);
  model.dispose();
  return { out, epochs };
}

async function lossOf(model: tf.LayersModel, x: tf.Tensor[], y: tf.Tensor): Promise<number> {
  const r = model.evaluate(x, y, { batchSize: 256 });
  const t = Array.isArray(r) ? r[0] : r;
  const v = (await t?.data())?.[0] ?? Infinity;
  tf.dispose(r);
  return v;
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? (v[m] ?? 0) : ((v[m - 1] ?? 0) + (v[m] ?? 0)) / 2;
}

/**
 * The neural forecaster as a {@link ForecastMethod}: fitted on values before `end` only (training
 * targets before end − one week, early stopping on the targets of the last week before `end`), then
 * each pair is forecast from the window ending at its origin (parameters fixed for later origins).
 */
export function neuralMethod(o: NeuralOptions): ForecastMethod & { lastEpochs: number[] } {
  const method = {
    name: 'neural',
    lastEpochs: [] as number[],
    async predict(
      s: SeasonalSeries,
      end: number,
      horizon: number,
      pairs: readonly Pair[],
    ): Promise<Float64Array> {
      const l = neuralLayout(s, horizon);
      if (end < firstOrigin(l) + horizon + 2 * s.week)
        throw new AnalyticsError(
          'GT_ERR_ANALYTICS_NO_DATA',
          `neural needs ${firstOrigin(l) + horizon + 2 * s.week} values before the training end (window, training and validation weeks), got ${end}`,
          { hint: 'give a later --train-until or a longer series' },
        );
      await o.runtime.ready();
      const origins = [...new Set(pairs.map((p) => p.origin))].sort((a, b) => a - b);
      const index = new Map(origins.map((t, i) => [t, i]));
      const skip = skipRows(s, l, end, o.skip ?? 'dshw');
      const members: Float32Array[] = [];
      method.lastEpochs = [];
      for (let k = 0; k < (o.members ?? 3); k++) {
        const m = await fitMember(s, { l, end, seed: o.seed * 1000 + k, opts: o, origins, skip });
        members.push(m.out);
        method.lastEpochs.push(m.epochs);
      }
      return Float64Array.from(pairs, (p) => {
        const i = (index.get(p.origin) ?? 0) * horizon + (p.target - p.origin - 1);
        return (median(members.map((m) => m[i] ?? 0)) + 1) * levelAt(s, p.origin);
      });
    },
  };
  return method;
}
