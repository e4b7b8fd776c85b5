// The regressor port of the forecaster and its linear (ridge) implementation; the MLP lives in tf-mlp.ts.
import { AnalyticsError } from './errors.ts';

/** A trainable regression model on a row-major design matrix with `features` columns. */
export interface Regressor {
  readonly name: string;
  /**
   * Fits on all rows; a model with early stopping holds out the last `validationRows` rows (a
   * time-ordered inner validation split) to decide when to stop.
   */
  fit(x: Float64Array, y: Float64Array, features: number, o?: { validationRows?: number }): Promise<void>;
  predict(x: Float64Array, features: number): Promise<Float64Array>;
  /** Releases native resources (tensors); a no-op for pure models. */
  dispose(): void;
}

/** Solves the symmetric positive definite system A w = b by Cholesky decomposition (in place copies). */
export function solveSpd(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j] ?? 0;
      for (let q = 0; q < j; q++) s -= (l[i * p + q] ?? 0) * (l[j * p + q] ?? 0);
      if (i === j) {
        if (!(s > 0))
          throw new AnalyticsError('GT_ERR_ANALYTICS_SHAPE', 'the normal equations are singular', {
            hint: 'use a positive ridge penalty or more training data',
          });
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / (l[j * p + j] ?? 1);
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i] ?? 0;
    for (let q = 0; q < i; q++) s -= (l[i * p + q] ?? 0) * (z[q] ?? 0);
    z[i] = s / (l[i * p + i] ?? 1);
  }
  const w = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i] ?? 0;
    for (let q = i + 1; q < p; q++) s -= (l[q * p + i] ?? 0) * (w[q] ?? 0);
    w[i] = s / (l[i * p + i] ?? 1);
  }
  return w;
}

/**
 * Ridge regression with an unpenalised intercept, fitted in closed form (normal equations).
 * @param lambda penalty on the weights (not on the intercept). @default 1e-6
 */
export function createRidgeRegressor(
  lambda = 1e-6,
  intercept = true,
  skip: ReadonlySet<number> = new Set(),
): Regressor {
  let w: Float64Array = new Float64Array(0);
  return {
    name: 'linear',
    fit(x, y, features) {
      const p = features + 1;
      const a = new Float64Array(p * p);
      const b = new Float64Array(p);
      const row = new Float64Array(p);
      for (let i = 0; i < y.length; i++) {
        row[0] = intercept ? 1 : 0;
        for (let f = 0; f < features; f++) row[f + 1] = skip.has(f) ? 0 : (x[i * features + f] ?? 0);
        for (let r = 0; r < p; r++) {
          const v = row[r] ?? 0;
          b[r] = (b[r] ?? 0) + v * (y[i] ?? 0);
          for (let c = 0; c <= r; c++) a[r * p + c] = (a[r * p + c] ?? 0) + v * (row[c] ?? 0);
        }
      }
      for (let r = 0; r < p; r++) {
        for (let c = 0; c < r; c++) a[c * p + r] = a[r * p + c] ?? 0;
        if (r > 0 || !intercept)
          a[r * p + r] = (a[r * p + r] ?? 0) + lambda * y.length + (r === 0 && !intercept ? 1 : 0);
      }
      w = solveSpd(a, b, p);
      return Promise.resolve();
    },
    predict(x, features) {
      const n = x.length / features;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = w[0] ?? 0;
        for (let f = 0; f < features; f++)
          s += skip.has(f) ? 0 : (w[f + 1] ?? 0) * (x[i * features + f] ?? 0);
        out[i] = s;
      }
      return Promise.resolve(out);
    },
    dispose() {},
  };
}

/**
 * A linear model plus a second model fitted on its residuals (e.g. an MLP): the network only has to
 * learn what the linear structure misses, and predictions are the sum of both.
 */
export function createHybridRegressor(linear: Regressor, residual: Regressor): Regressor {
  return {
    name: `${linear.name}+${residual.name}`,
    async fit(x, y, features, o) {
      await linear.fit(x, y, features);
      const base = await linear.predict(x, features);
      await residual.fit(
        x,
        y.map((v, i) => v - (base[i] ?? 0)),
        features,
        o,
      );
    },
    async predict(x, features) {
      const [a, b] = await Promise.all([linear.predict(x, features), residual.predict(x, features)]);
      return a.map((v, i) => v + (b[i] ?? 0));
    },
    dispose() {
      linear.dispose();
      residual.dispose();
    },
  };
}

/**
 * The mean of several independently initialised models (e.g. MLPs with different seeds): averaging
 * removes much of the seed-to-seed variance of a single network.
 */
export function createEnsembleRegressor(name: string, members: readonly (() => Regressor)[]): Regressor {
  let fitted: Regressor[] = [];
  return {
    name,
    async fit(x, y, features, o) {
      fitted = [];
      for (const make of members) {
        const m = make();
        await m.fit(x, y, features, o);
        fitted.push(m);
      }
    },
    async predict(x, features) {
      const out = new Float64Array(x.length / features);
      for (const m of fitted) {
        const p = await m.predict(x, features);
        p.forEach((v, i) => (out[i] = (out[i] ?? 0) + v / fitted.length));
      }
      return out;
    },
    dispose() {
      fitted.forEach((m) => m.dispose());
      fitted = [];
    },
  };
}
