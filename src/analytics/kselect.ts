// Choosing k [analytics §2]: Davies–Bouldin, silhouette on a seeded sample, and the elbow of J.
import type { Random } from '../core/index.ts';
import { squaredDistance } from './kmeans-kernel.ts';
import type { CurveMatrix, KmeansResult } from './kmeans.ts';

/** Davies–Bouldin index (lower is better). */
export function daviesBouldin(m: CurveMatrix, r: KmeansResult): number {
  const { k, centres, labels } = r;
  const scatter = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < m.n; i++) {
    const l = labels[i] ?? 0;
    scatter[l] = (scatter[l] ?? 0) + Math.sqrt(squaredDistance(m.data, i, centres, l, m.d));
    count[l] = (count[l] ?? 0) + 1;
  }
  const s = scatter.map((v, j) => ((count[j] ?? 0) > 0 ? v / (count[j] ?? 1) : 0));
  let db = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (a === b) continue;
      const sep = Math.sqrt(squaredDistance(centres, a, centres, b, m.d));
      if (sep > 0) worst = Math.max(worst, ((s[a] ?? 0) + (s[b] ?? 0)) / sep);
    }
    db += worst;
  }
  return db / k;
}

function rowDistance(m: CurveMatrix, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < m.d; t++) s += ((m.data[i * m.d + t] ?? 0) - (m.data[j * m.d + t] ?? 0)) ** 2;
  return Math.sqrt(s);
}

/** Mean silhouette over a seeded sample of at most `sample` rows (higher is better). */
export function silhouette(m: CurveMatrix, r: KmeansResult, rnd: Random, sample = 1500): number {
  const idx = Array.from({ length: m.n }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [idx[i], idx[j]] = [idx[j] ?? 0, idx[i] ?? 0];
  }
  const pick = idx.slice(0, Math.min(sample, m.n));
  let total = 0;
  for (const i of pick) {
    const sum = new Float64Array(r.k);
    const cnt = new Float64Array(r.k);
    for (const j of pick) {
      if (i === j) continue;
      const l = r.labels[j] ?? 0;
      sum[l] = (sum[l] ?? 0) + rowDistance(m, i, j);
      cnt[l] = (cnt[l] ?? 0) + 1;
    }
    const own = r.labels[i] ?? 0;
    const a = (cnt[own] ?? 0) > 0 ? (sum[own] ?? 0) / (cnt[own] ?? 1) : 0;
    let b = Infinity;
    for (let l = 0; l < r.k; l++)
      if (l !== own && (cnt[l] ?? 0) > 0) b = Math.min(b, (sum[l] ?? 0) / (cnt[l] ?? 1));
    total += (cnt[own] ?? 0) === 0 || !Number.isFinite(b) ? 0 : (b - a) / Math.max(a, b);
  }
  return total / pick.length;
}

/** The elbow of J(k): the k farthest from the straight line between the first and last points (Kneedle). */
export function elbow(ks: readonly number[], inertias: readonly number[]): number {
  const n = ks.length;
  if (n < 3) return ks[0] ?? 1;
  const [x0, x1, y0, y1] = [ks[0] ?? 0, ks[n - 1] ?? 1, inertias[0] ?? 0, inertias[n - 1] ?? 0];
  let best = ks[0] ?? 1;
  let bestGap = -Infinity;
  ks.forEach((k, i) => {
    const xn = (k - x0) / (x1 - x0 || 1);
    const yn = ((inertias[i] ?? 0) - y1) / (y0 - y1 || 1);
    const gap = 1 - xn - yn;
    if (gap > bestGap) [bestGap, best] = [gap, k];
  });
  return best;
}

/** One candidate k with its three criteria. */
export interface KCandidate {
  k: number;
  inertia: number;
  daviesBouldin: number;
  silhouette: number;
}

/** The evaluation of a range of k and the choice (highest silhouette; ties to the smaller k). */
export interface KSelection {
  candidates: KCandidate[];
  byDaviesBouldin: number;
  bySilhouette: number;
  byElbow: number;
  chosen: number;
  rule: string;
}

/** Summarises candidates into the three choices. */
export function chooseK(candidates: readonly KCandidate[]): KSelection {
  const first = candidates[0];
  const min = (f: (c: KCandidate) => number): number =>
    candidates.reduce((a, c) => (f(c) < f(a) ? c : a), first as KCandidate).k;
  const bySilhouette = min((c) => -c.silhouette);
  return {
    candidates: [...candidates],
    byDaviesBouldin: min((c) => c.daviesBouldin),
    bySilhouette,
    byElbow: elbow(
      candidates.map((c) => c.k),
      candidates.map((c) => c.inertia),
    ),
    chosen: bySilhouette,
    rule: 'highest mean silhouette (sample of 1,500 curves); Davies–Bouldin and elbow reported beside it',
  };
}
