// The named forecasting models of `analyze forecast` and the default chosen by inner validation [analytics §4].
import { createRandom } from '../core/index.ts';
import { AnalyticsError } from './errors.ts';
import { LAG_FEATURES, firstTarget, type SeasonalSeries } from './forecast-features.ts';
import {
  combineMethods,
  dshwMethod,
  innerValidation,
  naiveWeekMethod,
  regressorMethod,
  type ForecastMethod,
  type ValidationScore,
} from './forecast-models.ts';
import {
  createEnsembleRegressor,
  createHybridRegressor,
  createRidgeRegressor,
  type Regressor,
} from './regressor.ts';
import { neuralMethod } from './neural.ts';
import { createMlpRegressor, createTfRuntime, type TfRuntime } from './tf-mlp.ts';

/** Model names accepted by `--model`; `auto` picks the best of {@link AUTO_CANDIDATES} by inner validation. */
export const MODEL_NAMES = [
  'auto',
  'neural',
  'linear',
  'dshw',
  'combo',
  'mlp-ens',
  'mlp',
  'hybrid',
  'naive-week',
] as const;
/** A name of {@link MODEL_NAMES}. */
export type ModelName = (typeof MODEL_NAMES)[number];
/** The candidates of `auto` (the older MLPs are left out: each fit costs tens of seconds and none won). */
export const AUTO_CANDIDATES = ['linear', 'dshw', 'combo', 'neural'] as const;

/** Settings shared by the models. */
export interface CatalogOptions {
  seed: number;
  /** MLP epochs (upper bound with early stopping). */
  epochs: number;
  /** Members of the `mlp-ens` ensemble (seeds). @default 3 */
  ensemble?: number;
  /** Upper bound on the neural model's epochs (early stopping). @default 60 */
  neuralEpochs?: number;
  /** The TensorFlow.js runtime of the MLP models. @default one created per {@link createMethod} call */
  tf?: TfRuntime;
}

function mlp(m: { runtime: TfRuntime; seed: number; epochs: number; patience?: number }): Regressor {
  const { runtime, seed, epochs, patience } = m;
  return createMlpRegressor({
    runtime,
    random: createRandom(seed),
    epochs,
    hidden: [16],
    learningRate: 0.001,
    l2: patience === undefined ? 0 : 1e-4,
    batchSize: 512,
    ...(patience === undefined ? {} : { patience }),
  });
}

/** Builds the named model (`auto` excluded: see {@link selectModel}). */
export function createMethod(name: Exclude<ModelName, 'auto'>, o: CatalogOptions): ForecastMethod {
  const calendar = new Set(Array.from({ length: 11 }, (_, i) => LAG_FEATURES + i));
  const random = (): ReturnType<typeof createRandom> => createRandom(o.seed);
  const tf = o.tf ?? createTfRuntime();
  const linear = regressorMethod('linear', {
    createModel: () => createRidgeRegressor(1e-9, false, calendar),
    random,
  });
  switch (name) {
    case 'neural':
      return neuralMethod({
        runtime: tf,
        seed: o.seed,
        epochs: o.neuralEpochs ?? 60,
        members: o.ensemble ?? 3,
      });
    case 'linear':
      return linear;
    case 'dshw':
      return dshwMethod;
    case 'naive-week':
      return naiveWeekMethod;
    case 'combo':
      return combineMethods([linear, dshwMethod], undefined, 'combo(linear+dshw)');
    case 'mlp':
      return regressorMethod('mlp', {
        createModel: () => mlp({ runtime: tf, seed: o.seed, epochs: o.epochs }),
        random,
      });
    case 'hybrid':
      return regressorMethod('hybrid', {
        createModel: () =>
          createHybridRegressor(
            createRidgeRegressor(1e-9, false, calendar),
            mlp({ runtime: tf, seed: o.seed, epochs: o.epochs, patience: 4 }),
          ),
        random,
      });
    case 'mlp-ens':
      // [analytics §4] the neural model: an ensemble of MLPs on the residuals of dshw, early-stopped on the
      // last training week.
      return regressorMethod('mlp-ens', {
        createModel: () =>
          createEnsembleRegressor(
            'mlp-ens',
            Array.from(
              { length: o.ensemble ?? 3 },
              (_, k) => () => mlp({ runtime: tf, seed: o.seed * 1000 + k, epochs: o.epochs, patience: 4 }),
            ),
          ),
        random,
        baseline: 'dshw',
        validationTail: 336,
      });
  }
}

/** The outcome of {@link selectModel}. */
export interface Selection {
  method: ForecastMethod;
  name: Exclude<ModelName, 'auto'>;
  scores: ValidationScore[];
  validationSteps: number;
}

/**
 * Picks the candidate with the lowest mean MAPE on the inner validation split: the last two weeks before
 * `end`, fitted on the data before them, rolling forecasts of leads 1..horizon. Reads nothing at or
 * after `end`.
 */
export async function selectModel(
  s: SeasonalSeries,
  o: CatalogOptions & { end: number; horizon: number },
): Promise<Selection> {
  const validation = 2 * s.week;
  if (o.end - validation < firstTarget(s) + s.week)
    throw new AnalyticsError(
      'GT_ERR_ANALYTICS_NO_DATA',
      `--model auto needs ${firstTarget(s) + s.week + validation} values (5 weeks) before the training end, got ${o.end}`,
      {
        hint: 'give a later --train-until, or name a model (e.g. --model dshw) to skip the inner validation',
      },
    );
  const candidates = AUTO_CANDIDATES.map((n) => createMethod(n, o));
  const scores = await innerValidation(s, { end: o.end, horizon: o.horizon, validation, candidates });
  let best = 0;
  scores.forEach((sc, i) => (sc.meanMape < (scores[best]?.meanMape ?? Infinity) ? (best = i) : undefined));
  return {
    method: candidates[best] ?? candidates[0]!,
    name: AUTO_CANDIDATES[best] ?? 'linear',
    scores,
    validationSteps: validation,
  };
}
