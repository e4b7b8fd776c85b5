// k-means on daily curves [analytics §2]: seeded greedy k-means++, Lloyd/Hamerly iterations, n_init, empty-cluster repair.
import type { Random } from '../core/index.ts';
import { AnalyticsError } from './errors.ts';
import { squaredDistance, type Matrix, type StepOutput } from './kmeans-kernel.ts';
import type { KmeansAlgorithm, KmeansExecutor } from './kmeans-pool.ts';
import { simdAvailable } from './kmeans-simd.ts';

/** Options of {@link runKmeans}. */
export interface KmeansOptions {
  k: number;
  random: Random;
  /** Start from these k × d centres instead of k-means++ (then nInit is 1). */
  initCentres?: Float64Array;
  /** @default 300 */
  maxIter?: number;
  /** Stop when the relative change of J is below tol; 0 runs exactly maxIter iterations. @default 1e-6 */
  tol?: number;
  /** @default 1 */
  nInit?: number;
  /** @default 'lloyd-simd' when the curve length is a multiple of 4, else 'elkan' */
  algorithm?: KmeansAlgorithm;
}

/** The result of a k-means run: the best of the nInit restarts. */
export interface KmeansResult {
  k: number;
  /** k × d, row-major. */
  centres: Float64Array;
  labels: Int32Array;
  /** SSE of every row to its nearest final centre (on exactly the clustered matrix). */
  inertia: number;
  iterations: number;
  /** Number of clusters repaired because they became empty. */
  emptyRepairs: number;
  sizes: number[];
}

/** A row-major matrix with its shape. */
export interface CurveMatrix {
  data: Matrix;
  n: number;
  d: number;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007; 2 + ⌊ln k⌋ local trials per centre, as scikit-learn).
 * Deterministic for a given Random.
 */
export function kmeansPlusPlus(m: CurveMatrix, k: number, rnd: Random): Float64Array {
  const { data, n, d } = m;
  const centres = new Float64Array(k * d);
  const closest = new Float64Array(n);
  const setCentre = (j: number, row: number): void => {
    for (let t = 0; t < d; t++) centres[j * d + t] = data[row * d + t] ?? 0;
  };
  setCentre(0, rnd.int(0, n - 1));
  let pot = 0;
  for (let i = 0; i < n; i++) pot += closest[i] = squaredDistance(data, i, centres, 0, d);
  const trials = 2 + Math.floor(Math.log(k));
  for (let j = 1; j < k; j++) {
    let bestRow = 0;
    let bestPot = Infinity;
    for (let trial = 0; trial < trials; trial++) {
      const row = sampleByWeight(closest, pot, rnd);
      setCentre(j, row);
      let p = 0;
      for (let i = 0; i < n; i++) p += Math.min(closest[i] ?? 0, squaredDistance(data, i, centres, j, d));
      if (p < bestPot) {
        bestPot = p;
        bestRow = row;
      }
    }
    setCentre(j, bestRow);
    for (let i = 0; i < n; i++)
      closest[i] = Math.min(closest[i] ?? 0, squaredDistance(data, i, centres, j, d));
    pot = bestPot;
  }
  return centres;
}

function sampleByWeight(w: Float64Array, total: number, rnd: Random): number {
  if (!(total > 0)) return rnd.int(0, w.length - 1);
  let r = rnd.next() * total;
  for (let i = 0; i < w.length; i++) {
    r -= w[i] ?? 0;
    if (r <= 0) return i;
  }
  return w.length - 1;
}

function reduce(outs: readonly StepOutput[], k: number, d: number): StepOutput {
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let changed = 0;
  let sse = 0;
  for (const o of outs) {
    for (let i = 0; i < sums.length; i++) sums[i] = (sums[i] ?? 0) + (o.sums[i] ?? 0);
    for (let j = 0; j < k; j++) counts[j] = (counts[j] ?? 0) + (o.counts[j] ?? 0);
    changed += o.changed;
    sse += o.sse;
  }
  return { sums, counts, changed, sse };
}

/** Half the distance from each centre to its nearest other centre (Hamerly's s(j)). */
function halfSeparations(c: Float64Array, k: number, d: number): Float64Array {
  const s = new Float64Array(k).fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const dist = Math.sqrt(squaredDistance(c, a, c, b, d)) / 2;
      if (dist < (s[a] ?? 0)) s[a] = dist;
      if (dist < (s[b] ?? 0)) s[b] = dist;
    }
  }
  return s.map((v) => (Number.isFinite(v) ? v : 0));
}

/** Half the distance between every pair of centres (Elkan's ½ d(c_a, c_b)). */
function halfDistances(c: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) out[a * k + b] = Math.sqrt(squaredDistance(c, a, c, b, d)) / 2;
  return out;
}

/** Moves each empty centre onto the row farthest from its current centre (as scikit-learn does). */
function repairEmpty(
  m: CurveMatrix,
  labels: Int32Array,
  old: Float64Array,
  next: Float64Array,
  empty: number[],
): void {
  const taken = new Set<number>();
  for (const j of empty) {
    let far = -1;
    let farDist = -1;
    for (let i = 0; i < m.n; i++) {
      const dist = squaredDistance(m.data, i, old, labels[i] ?? 0, m.d);
      if (dist > farDist && !taken.has(i)) {
        farDist = dist;
        far = i;
      }
    }
    taken.add(far);
    for (let t = 0; t < m.d; t++) next[j * m.d + t] = m.data[far * m.d + t] ?? 0;
  }
}

interface UpdateResult {
  centres: Float64Array;
  objective: number;
  empty: number[];
}

function updateCentres(r: StepOutput, k: number, d: number, totalSq: number): UpdateResult {
  const centres = new Float64Array(k * d);
  const empty: number[] = [];
  let explained = 0;
  for (let j = 0; j < k; j++) {
    const c = r.counts[j] ?? 0;
    if (c === 0) {
      empty.push(j);
      continue;
    }
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const v = (r.sums[j * d + t] ?? 0) / c;
      centres[j * d + t] = v;
      norm += v * v;
    }
    explained += c * norm;
  }
  // J after the update = Σ‖x‖² − Σ_j n_j ‖c_j‖² (centres are the means of their members).
  return { centres, objective: totalSq - explained, empty };
}

function drifts(a: Float64Array, b: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) out[j] = Math.sqrt(squaredDistance(a, j, b, j, d));
  return out;
}

type StepPhase = Parameters<KmeansExecutor['step']>[0]['phase'];

async function runOnce(
  m: CurveMatrix,
  start: Float64Array,
  o: Required<Omit<KmeansOptions, 'initCentres' | 'random' | 'nInit'>>,
  ex: KmeansExecutor,
): Promise<KmeansResult> {
  const { k } = o;
  const { d } = m;
  const labels = await ex.load({ data: m.data, n: m.n, d, k, algorithm: o.algorithm });
  let totalSq = 0; // only the convergence test needs J, so --tol 0 skips this pass
  if (o.tol > 0) for (let i = 0; i < m.n * d; i++) totalSq += (m.data[i] ?? 0) ** 2;
  let centres: Float64Array = start;
  let phase: 'init' | 'step' = 'init';
  let drift: Float64Array = new Float64Array(k);
  const cumDrift = new Float64Array(k);
  let prevJ = Infinity;
  let iterations = 0;
  let emptyRepairs = 0;
  /** One executor pass over the current centres (their half-separations are derived here). */
  const step = (stepPhase: StepPhase, stepDrift: Float64Array): ReturnType<KmeansExecutor['step']> =>
    ex.step({
      centres,
      k,
      phase: stepPhase,
      drift: stepDrift,
      halfSep: halfSeparations(centres, k, d),
      halfDist: halfDistances(centres, k, d),
      cumDrift,
    });
  while (iterations < o.maxIter) {
    const r = reduce(await step(phase, drift), k, d);
    iterations++;
    const u = updateCentres(r, k, d, totalSq);
    if (u.empty.length > 0) {
      repairEmpty(m, labels, centres, u.centres, u.empty);
      emptyRepairs += u.empty.length;
    }
    drift = drifts(centres, u.centres, k, d);
    drift.forEach((v, j) => (cumDrift[j] = (cumDrift[j] ?? 0) + v));
    centres = u.centres;
    phase = u.empty.length > 0 ? 'init' : 'step';
    const converged =
      o.tol > 0 &&
      iterations > 1 &&
      (r.changed === 0 || Math.abs(prevJ - u.objective) <= o.tol * Math.abs(prevJ));
    prevJ = u.objective;
    if (converged && u.empty.length === 0) break;
  }
  if (phase === 'init') await step(phase, drift);
  const fin = reduce(await step('final', phase === 'init' ? new Float64Array(k) : drift), k, d);
  return {
    k,
    centres,
    labels: labels.slice(),
    inertia: fin.sse,
    iterations,
    emptyRepairs,
    sizes: [...fin.counts],
  };
}

/**
 * Clusters the rows of `m` into k groups; keeps the restart with the lowest inertia.
 * @see analytics §2
 */
export async function runKmeans(
  m: CurveMatrix,
  options: KmeansOptions,
  ex: KmeansExecutor,
): Promise<KmeansResult> {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1 || k > m.n) {
    throw new AnalyticsError('GT_ERR_ANALYTICS_BAD_OPTION', `k = ${k} but there are ${m.n} curves`, {
      hint: 'choose 1 ≤ k ≤ number of curves',
    });
  }
  if (options.initCentres !== undefined && options.initCentres.length !== k * m.d) {
    throw new AnalyticsError(
      'GT_ERR_ANALYTICS_SHAPE',
      `initial centres hold ${options.initCentres.length} values, expected ${k} × ${m.d}`,
      {
        hint: 'give a k × d matrix whose width equals the curve length',
      },
    );
  }
  const o = {
    k,
    maxIter: options.maxIter ?? 300,
    tol: options.tol ?? 1e-6,
    algorithm: options.algorithm ?? (simdAvailable(m.d) ? 'lloyd-simd' : 'elkan'),
  };
  const nInit = options.initCentres === undefined ? Math.max(1, options.nInit ?? 1) : 1;
  let best: KmeansResult | undefined;
  for (let r = 0; r < nInit; r++) {
    const start = options.initCentres ?? kmeansPlusPlus(m, k, options.random.fork());
    const res = await runOnce(m, Float64Array.from(start), o, ex);
    if (best === undefined || res.inertia < best.inertia) best = res;
  }
  return best as KmeansResult;
}
