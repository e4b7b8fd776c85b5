// Elkan's exact accelerated k-means assignment (Elkan 2003): one lower bound per centre and row, updated lazily.
import { squaredDistance, type Shard, type StepInput, type StepOutput } from './kmeans-kernel.ts';

/** Per-shard Elkan state: k lower bounds per row (allocated on first use). */
const BOUNDS = new WeakMap<Shard, Float64Array>();

function boundsOf(s: Shard, k: number): Float64Array {
  let b = BOUNDS.get(s);
  if (b === undefined || b.length !== (s.end - s.start) * k) {
    b = new Float64Array((s.end - s.start) * k);
    BOUNDS.set(s, b);
  }
  return b;
}

function moveRow(s: Shard, i: number, from: number, to: number): void {
  const { data, d, sums, counts } = s;
  const xo = i * d;
  if (from >= 0) {
    counts[from]! -= 1;
    for (let t = 0; t < d; t++) sums[from * d + t]! -= data[xo + t]!;
  }
  counts[to]! += 1;
  for (let t = 0; t < d; t++) sums[to * d + t]! += data[xo + t]!;
}

/*
 * Bounds are stored relative to the cumulative drift D_j of each centre (Σ of its moves so far):
 * lower_ij = stored − D_j and upper_i = stored + D_a. Moving a centre then costs nothing per row,
 * instead of rewriting n × k bounds every iteration.
 */
function initRow(s: Shard, i: number, inp: StepInput, lower: Float64Array): number {
  const { k, cumDrift } = inp;
  const lo = (i - s.start) * k;
  let best = 0;
  let bd = Infinity;
  for (let j = 0; j < k; j++) {
    const dist = Math.sqrt(squaredDistance(s.data, i, inp.centres, j, s.d));
    lower[lo + j] = dist + cumDrift[j]!;
    if (dist < bd) [bd, best] = [dist, j];
  }
  s.upper[i - s.start] = bd - cumDrift[best]!;
  return best;
}

/** One row of an Elkan iteration; returns the (possibly new) label. */
function stepRow(s: Shard, i: number, inp: StepInput, lower: Float64Array): number {
  const { k, centres, halfDist, cumDrift } = inp;
  const r = i - s.start;
  const lo = r * k;
  let a = s.labels[i]!;
  let u = s.upper[r]! + cumDrift[a]!;
  if (u <= inp.halfSep[a]!) return a;
  let tight = false;
  for (let j = 0; j < k; j++) {
    const lj = lower[lo + j]! - cumDrift[j]!;
    if (j === a || u <= lj || u <= halfDist[a * k + j]!) continue;
    if (!tight) {
      u = Math.sqrt(squaredDistance(s.data, i, centres, a, s.d));
      lower[lo + a] = u + cumDrift[a]!;
      tight = true;
      if (u <= lj || u <= halfDist[a * k + j]!) continue;
    }
    const dj = Math.sqrt(squaredDistance(s.data, i, centres, j, s.d));
    lower[lo + j] = dj + cumDrift[j]!;
    if (dj < u) [u, a] = [dj, j];
  }
  s.upper[r] = u - cumDrift[a]!;
  return a;
}

/** Elkan assignment on a shard; keeps per-cluster sums updated by moved rows only (like Hamerly). */
export function elkanStep(s: Shard, inp: StepInput): StepOutput {
  const lower = boundsOf(s, inp.k);
  let changed = 0;
  if (inp.phase === 'init') {
    s.sums.fill(0);
    s.counts.fill(0);
  }
  for (let i = s.start; i < s.end; i++) {
    if (inp.phase === 'init') {
      const best = initRow(s, i, inp, lower);
      if (s.labels[i] !== best) changed++;
      s.labels[i] = best;
      moveRow(s, i, -1, best);
      continue;
    }
    const from = s.labels[i]!;
    const to = stepRow(s, i, inp, lower);
    if (to !== from) {
      s.labels[i] = to;
      moveRow(s, i, from, to);
      changed++;
    }
  }
  let sse = 0;
  if (inp.phase === 'final')
    for (let i = s.start; i < s.end; i++) sse += squaredDistance(s.data, i, inp.centres, s.labels[i]!, s.d);
  return { sums: s.sums.slice(), counts: s.counts.slice(), changed, sse };
}
