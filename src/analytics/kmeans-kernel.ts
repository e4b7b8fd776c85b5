// The per-shard k-means kernels (Lloyd with the expanded distance, Hamerly, Elkan), shared by inline and worker runs.

/** Row-major float matrix (one row per curve). */
export type Matrix = Float32Array | Float64Array;

/** A contiguous range of rows and the state a kernel keeps for it between iterations. */
export interface Shard {
  readonly data: Matrix;
  readonly d: number;
  readonly start: number;
  readonly end: number;
  /** Cluster of each row of the whole matrix (shared; a shard writes only its range). */
  readonly labels: Int32Array;
  /** Hamerly bounds for rows start..end (index i - start). */
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  /** Hamerly keeps the per-cluster sums of its rows between iterations (updated by moves only). */
  readonly sums: Float64Array;
  readonly counts: Float64Array;
}

/** What the driver sends for one iteration. */
export interface StepInput {
  /** k × d centres (row-major). */
  readonly centres: Float64Array;
  readonly k: number;
  /** 'init' = full assignment; 'step' = one iteration; 'final' = assignment + exact SSE. */
  readonly phase: 'init' | 'step' | 'final';
  /** Hamerly only: how far each centre moved since the last call, and half the distance to its nearest other centre. */
  readonly drift: Float64Array;
  readonly halfSep: Float64Array;
  /** Elkan only: half the distance between every pair of centres, k × k. */
  readonly halfDist: Float64Array;
  /** Elkan only: cumulative drift of each centre since the run started. */
  readonly cumDrift: Float64Array;
}

/** What a shard returns: its per-cluster sums and counts, rows that changed, and SSE in the final phase. */
export interface StepOutput {
  sums: Float64Array;
  counts: Float64Array;
  changed: number;
  sse: number;
}

/** Creates the state of a shard for rows [start, end). */
export function createShard(
  data: Matrix,
  d: number,
  range: { start: number; end: number; labels: Int32Array; k: number },
): Shard {
  const n = range.end - range.start;
  return {
    data,
    d,
    start: range.start,
    end: range.end,
    labels: range.labels,
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    sums: new Float64Array(range.k * d),
    counts: new Float64Array(range.k),
  };
}

/** ‖c_j‖² for every centre (the constant term of the expanded distance). */
export function centreNorms(centres: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = centres[j * d + t] ?? 0;
      s += v * v;
    }
    out[j] = s;
  }
  return out;
}

/** Exact squared Euclidean distance between row i and centre j (used for bounds and the reported SSE). */
export function squaredDistance(
  data: Matrix,
  i: number,
  centres: Float64Array,
  j: number,
  d: number,
): number {
  let s = 0;
  const xo = i * d;
  const co = j * d;
  for (let t = 0; t < d; t++) {
    const diff = (data[xo + t] ?? 0) - (centres[co + t] ?? 0);
    s += diff * diff;
  }
  return s;
}

/** Best centre for each row of a block of up to 4 rows (register blocking: each centre value is read once per block). */
function assignBlock4(
  x: Float64Array,
  d: number,
  centres: Float64Array,
  norms: Float64Array,
  out: Int32Array,
): void {
  let b0 = Infinity;
  let b1 = Infinity;
  let b2 = Infinity;
  let b3 = Infinity;
  for (let j = 0; j < norms.length; j++) {
    const co = j * d;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let t = 0; t < d; t++) {
      const c = centres[co + t]!;
      d0 += x[t]! * c;
      d1 += x[d + t]! * c;
      d2 += x[2 * d + t]! * c;
      d3 += x[3 * d + t]! * c;
    }
    const nj = norms[j]!;
    const s0 = nj - 2 * d0;
    if (s0 < b0) {
      b0 = s0;
      out[0] = j;
    }
    const s1 = nj - 2 * d1;
    if (s1 < b1) {
      b1 = s1;
      out[1] = j;
    }
    const s2 = nj - 2 * d2;
    if (s2 < b2) {
      b2 = s2;
      out[2] = j;
    }
    const s3 = nj - 2 * d3;
    if (s3 < b3) {
      b3 = s3;
      out[3] = j;
    }
  }
}

/**
 * Lloyd assignment with the expanded form ‖x‖² − 2x·c + ‖c‖² [analytics §2]: the argmin needs only
 * ‖c‖² − 2x·c; rows are copied 4 at a time into a double buffer (accumulation in double) and each
 * centre value is used for 4 rows. Recomputes sums and counts from scratch.
 */
export function lloydStep(s: Shard, inp: StepInput): StepOutput {
  const { data, d, labels } = s;
  const { centres, k } = inp;
  const norms = centreNorms(centres, k, d);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const x = new Float64Array(4 * d);
  const best = new Int32Array(4);
  let changed = 0;
  let sse = 0;
  for (let i0 = s.start; i0 < s.end; i0 += 4) {
    const m = Math.min(4, s.end - i0);
    const base = i0 * d;
    for (let q = 0; q < m * d; q++) x[q] = data[base + q]!;
    assignBlock4(x, d, centres, norms, best);
    for (let q = 0; q < m; q++) {
      const b = best[q]!;
      if (labels[i0 + q] !== b) changed++;
      labels[i0 + q] = b;
      counts[b]! += 1;
      const so = b * d;
      const xo = q * d;
      for (let t = 0; t < d; t++) sums[so + t]! += x[xo + t]!;
      if (inp.phase === 'final') sse += squaredDistance(data, i0 + q, centres, b, d);
    }
  }
  return { sums, counts, changed, sse };
}

function nearestTwo(s: Shard, i: number, inp: StepInput): { best: number; d1: number; d2: number } {
  let best = 0;
  let d1 = Infinity;
  let d2 = Infinity;
  for (let j = 0; j < inp.k; j++) {
    const dist = squaredDistance(s.data, i, inp.centres, j, s.d);
    if (dist < d1) {
      d2 = d1;
      d1 = dist;
      best = j;
    } else if (dist < d2) d2 = dist;
  }
  return { best, d1: Math.sqrt(d1), d2: Math.sqrt(d2) };
}

function moveRow(s: Shard, i: number, from: number, to: number): void {
  const { data, d, sums, counts } = s;
  const xo = i * d;
  if (from >= 0) {
    counts[from] = (counts[from] ?? 0) - 1;
    for (let t = 0; t < d; t++) sums[from * d + t] = (sums[from * d + t] ?? 0) - (data[xo + t] ?? 0);
  }
  counts[to] = (counts[to] ?? 0) + 1;
  for (let t = 0; t < d; t++) sums[to * d + t] = (sums[to * d + t] ?? 0) + (data[xo + t] ?? 0);
}

function maxDrifts(drift: Float64Array): { max: number; arg: number; second: number } {
  let max = 0;
  let arg = -1;
  let second = 0;
  drift.forEach((p, j) => {
    if (p > max) {
      second = max;
      max = p;
      arg = j;
    } else if (p > second) second = p;
  });
  return { max, arg, second };
}

/**
 * Hamerly's exact accelerated assignment (Hamerly 2010): an upper bound to the own centre and a
 * lower bound to the second nearest skip most distance computations; same labels as Lloyd.
 */
export function hamerlyStep(s: Shard, inp: StepInput): StepOutput {
  const { labels, upper, lower } = s;
  let changed = 0;
  if (inp.phase === 'init') {
    s.sums.fill(0);
    s.counts.fill(0);
  }
  const { max, arg, second } = maxDrifts(inp.drift);
  for (let i = s.start; i < s.end; i++) {
    const r = i - s.start;
    if (inp.phase === 'init') {
      const nt = nearestTwo(s, i, inp);
      if (labels[i] !== nt.best) changed++;
      labels[i] = nt.best;
      upper[r] = nt.d1;
      lower[r] = nt.d2;
      moveRow(s, i, -1, nt.best);
      continue;
    }
    const a = labels[i] ?? 0;
    upper[r] = (upper[r] ?? 0) + (inp.drift[a] ?? 0);
    lower[r] = (lower[r] ?? 0) - (a === arg ? second : max);
    const m = Math.max(inp.halfSep[a] ?? 0, lower[r] ?? 0);
    if ((upper[r] ?? 0) <= m) continue;
    upper[r] = Math.sqrt(squaredDistance(s.data, i, inp.centres, a, s.d));
    if ((upper[r] ?? 0) <= m) continue;
    const nt = nearestTwo(s, i, inp);
    upper[r] = nt.d1;
    lower[r] = nt.d2;
    if (nt.best !== a) {
      labels[i] = nt.best;
      moveRow(s, i, a, nt.best);
      changed++;
    }
  }
  let sse = 0;
  if (inp.phase === 'final') {
    for (let i = s.start; i < s.end; i++) sse += squaredDistance(s.data, i, inp.centres, labels[i] ?? 0, s.d);
  }
  return { sums: s.sums.slice(), counts: s.counts.slice(), changed, sse };
}
