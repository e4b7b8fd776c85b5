// Peer-group baselines of the robust detector: pooled honest rates and median/MAD scales over the
// group's unsuspected terminals, learnt online (typed arrays, no allocation per cycle) [ADR-0012].
import { blend, normalQuantile, robustScale } from './adaptive.ts';
import { medianInPlace } from './stats.ts';
import { OPS_FEATURES, type EvidenceBatch } from './types.ts';

/** What the peer statistics read from the detector's per-terminal state. */
interface PeerInput {
  readonly p: { readonly locAlpha: number };
  readonly suspect: Uint8Array;
  readonly loc: Float64Array;
  readonly opsLoc: Float64Array;
  readonly prevRemaining: Float64Array;
}

/** Running peer baselines of every group (indexed by group number). */
export interface GroupStats {
  update(st: PeerInput, b: EvidenceBatch, g: { group: number; from: number; to: number }): void;
  /**
   * Pooled honest rate of count test c (events per trial) of the group's unsuspected terminals other
   * than node i (leave-one-out: a terminal is never its own peer), blended with earlier cycles.
   */
  rate(g: { group: number; i: number }, c: number, own: { x: number; n: number }): number;
  /** Robust scale of normal test c (0 delay, 1 energy) of the group's residuals. */
  scale(group: number, c: number): number;
  /**
   * Where residual r of normal test c falls among the group's unsuspected residuals this cycle, as a
   * standard normal score (mid-rank, distribution-free); beyond the peers' range it extends by scales.
   */
  peerScore(g: { group: number; from: number }, c: number, r: number): number;
  opsScale(group: number, k: number): number;
  /** Node i's energy use minus the group's median this cycle, J (NaN without a previous report). */
  energyObs(i: number): number;
  /** The group's median energy use this cycle, J. */
  energyMedian(group: number): number;
}

const NCOUNT = 4;
const NNORM = 2;
/** Weight of this cycle's group estimate in the running one. */
const W = 0.3;
/** Scale floors: delay 0.5 ms, energy 1 µJ, state features 0.005. */
const FLOOR = [0.5, 1e-6];
const OPS_FLOOR = 0.005;

/** Allocates the statistics for up to `size` terminals (and as many groups). */
export function createGroupStats(size: number): GroupStats {
  const rate = new Float64Array(size * NCOUNT).fill(Number.NaN);
  const before = new Float64Array(size * NCOUNT).fill(Number.NaN);
  const sumEv = new Float64Array(size * NCOUNT);
  const sumTr = new Float64Array(size * NCOUNT);
  const scale = new Float64Array(size * NNORM).fill(Number.NaN);
  const ops = new Float64Array(size * OPS_FEATURES).fill(Number.NaN);
  const eObs = new Float64Array(size).fill(Number.NaN);
  const eMed = new Float64Array(size).fill(Number.NaN);
  const scratch = new Float64Array(size);
  const sorted = new Float64Array(size * NNORM);
  const count = new Int32Array(size * NNORM);
  const ev = new Float64Array(NCOUNT);
  let suspectOf: Uint8Array = new Uint8Array(0);
  /** Was node i left out of this cycle's pooled sums (suspected)? */
  const st0 = (i: number): boolean => suspectOf[i] === 1;
  const tr = new Float64Array(NCOUNT);
  return {
    update(st, b, g) {
      suspectOf = st.suspect;
      eMed[g.group] = energy(st, b, g, { eObs, scratch });
      pooledRates(st, b, g, { rate, before, sumEv, sumTr, ev, tr });
      residualScales(st, b, g, { scale, ops, eObs, scratch, sorted, count });
    },
    peerScore: (g, c, r) => peerScore({ sorted, count, scale }, { ...g, c, r }),
    rate(g, c, own) {
      const at = g.group * NCOUNT + c;
      const self = st0(g.i) ? 0 : 1;
      const ev1 = (sumEv[at] ?? 0) - self * own.x;
      const tr1 = (sumTr[at] ?? 0) - self * own.n;
      if (tr1 <= 0) return before[at] ?? Number.NaN;
      return blend(before[at] ?? Number.NaN, (ev1 + 0.1) / (tr1 + 1), W);
    },
    scale: (group, c) => scale[group * NNORM + c] ?? Number.NaN,
    opsScale: (group, k) => ops[group * OPS_FEATURES + k] ?? OPS_FLOOR,
    energyObs: (i) => eObs[i] ?? Number.NaN,
    energyMedian: (group) => eMed[group] ?? Number.NaN,
  };
}

type Range = { group: number; from: number; to: number };

/**
 * Per-node energy use since the last report minus the group's median: what every peer pays alike
 * (running cost, the scheme's reports and attestation) cancels, the node's own part remains.
 */
function energy(
  st: PeerInput,
  b: EvidenceBatch,
  g: Range,
  a: { eObs: Float64Array; scratch: Float64Array },
): number {
  let m = 0;
  for (let i = g.from; i < g.to; i++) {
    a.eObs[i] = Number.NaN;
    if (b.active[i] !== 1) continue;
    const prev = st.prevRemaining[i] ?? Number.NaN;
    const c = prev - (b.remaining[i] ?? 0);
    a.eObs[i] = c;
    if (c > 0) a.scratch[m++] = c;
  }
  const med = medianInPlace(a.scratch, m);
  for (let i = g.from; i < g.to; i++) {
    const c = a.eObs[i] ?? Number.NaN;
    a.eObs[i] = c > 0 && med > 0 ? c - med : Number.NaN;
  }
  return med;
}

/** Pooled rates over unsuspected active nodes (attackers under suspicion do not move the baseline). */
function pooledRates(
  st: PeerInput,
  b: EvidenceBatch,
  g: Range,
  a: {
    rate: Float64Array;
    before: Float64Array;
    sumEv: Float64Array;
    sumTr: Float64Array;
    ev: Float64Array;
    tr: Float64Array;
  },
): void {
  a.ev.fill(0);
  a.tr.fill(0);
  for (let i = g.from; i < g.to; i++) {
    if (b.active[i] !== 1 || st.suspect[i] === 1) continue;
    const req = b.requests[i] ?? 0;
    const valid = b.valid[i] ?? 0;
    const caught = b.tamperedCaught[i] ?? 0;
    a.ev[0] = (a.ev[0] ?? 0) + Math.max(0, req - valid - caught);
    a.ev[1] = (a.ev[1] ?? 0) + caught;
    a.ev[2] = (a.ev[2] ?? 0) + (b.late[i] ?? 0);
    a.ev[3] = (a.ev[3] ?? 0) + (b.duplicates[i] ?? 0);
    a.tr[0] = (a.tr[0] ?? 0) + req;
    a.tr[1] = (a.tr[1] ?? 0) + req;
    a.tr[2] = (a.tr[2] ?? 0) + valid;
    a.tr[3] = (a.tr[3] ?? 0) + req;
  }
  for (let c = 0; c < NCOUNT; c++) {
    const n = a.tr[c] ?? 0;
    a.sumEv[g.group * NCOUNT + c] = 0;
    a.sumTr[g.group * NCOUNT + c] = 0;
    if (n <= 0) continue;
    const at = g.group * NCOUNT + c;
    a.before[at] = a.rate[at] ?? Number.NaN;
    a.sumEv[at] = a.ev[c] ?? 0;
    a.sumTr[at] = n;
    a.rate[at] = blend(a.rate[at] ?? Number.NaN, ((a.ev[c] ?? 0) + 0.1) / (n + 1), W);
  }
}

interface Scales {
  scale: Float64Array;
  ops: Float64Array;
  eObs: Float64Array;
  scratch: Float64Array;
  sorted: Float64Array;
  count: Int32Array;
}

/** Mid-rank of r among the sorted peer residuals, as a normal score (see GroupStats.peerScore). */
function peerScore(
  a: { sorted: Float64Array; count: Int32Array; scale: Float64Array },
  q: { group: number; from: number; c: number; r: number },
): number {
  const m = a.count[q.group * NNORM + q.c] ?? 0;
  const scale = a.scale[q.group * NNORM + q.c] ?? Number.NaN;
  if (m < 10 || !(scale > 0)) return Number.isNaN(scale) ? 0 : q.r / scale;
  const base = q.c * (a.sorted.length / NNORM) + q.from;
  const lo = bound(a.sorted, base, m, q.r, false);
  const hi = bound(a.sorted, base, m, q.r, true);
  const zMax = normalQuantile((m + 0.5) / (m + 1));
  const top = a.sorted[base + m - 1] ?? 0;
  const bottom = a.sorted[base] ?? 0;
  if (q.r > top) return zMax + (q.r - top) / scale;
  if (q.r < bottom) return -zMax - (bottom - q.r) / scale;
  return normalQuantile((lo + (hi - lo) / 2 + 0.5) / (m + 1));
}

/** Count of sorted[base..base+m) below r (or at most r with `upper`). */
function bound(s: Float64Array, base: number, m: number, r: number, upper: boolean): number {
  let l = 0;
  let h = m;
  while (l < h) {
    const mid = (l + h) >> 1;
    const v = s[base + mid] ?? 0;
    if (upper ? v <= r : v < r) l = mid + 1;
    else h = mid;
  }
  return l;
}

/** Scales and sorted residuals (observation − own location) over unsuspected peers: delay, energy, state. */
function residualScales(st: PeerInput, b: EvidenceBatch, g: Range, a: Scales): void {
  for (let c = 0; c < NNORM; c++) {
    let m = 0;
    for (let i = g.from; i < g.to; i++) {
      if (b.active[i] !== 1 || st.suspect[i] === 1) continue;
      const obs = c === 0 ? (b.meanDelay[i] ?? Number.NaN) : (a.eObs[i] ?? Number.NaN);
      const r = obs - (st.loc[i * NNORM + c] ?? Number.NaN);
      if (!Number.isNaN(r)) a.scratch[m++] = r;
    }
    const at = g.group * NNORM + c;
    a.count[at] = m;
    const dst = a.sorted.subarray(
      c * (a.sorted.length / NNORM) + g.from,
      c * (a.sorted.length / NNORM) + g.from + m,
    );
    dst.set(a.scratch.subarray(0, m));
    dst.sort();
    if (m < 3) continue;
    a.scale[at] = Math.max(FLOOR[c] ?? 0, blend(a.scale[at] ?? Number.NaN, robustScale(a.scratch, m), W));
  }
  for (let k = 0; k < OPS_FEATURES; k++) {
    let m = 0;
    for (let i = g.from; i < g.to; i++) {
      if (b.active[i] !== 1 || b.statusReport[i] !== 1 || st.suspect[i] === 1) continue;
      const r = (b.ops[i * OPS_FEATURES + k] ?? 0) - (st.opsLoc[i * OPS_FEATURES + k] ?? Number.NaN);
      if (!Number.isNaN(r)) a.scratch[m++] = r;
    }
    if (m < 3) continue;
    const at = g.group * OPS_FEATURES + k;
    a.ops[at] = Math.max(OPS_FLOOR, blend(a.ops[at] ?? Number.NaN, robustScale(a.scratch, m), W));
  }
}
