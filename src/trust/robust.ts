// Our robust detector with adaptive, peer-relative baselines: per-component change tests whose honest
// baselines are learnt online (per terminal and per peer group, median/MAD) and whose thresholds follow
// from a target false-alarm rate; hard attestation; explanations on every decision [ADR-0005, ADR-0012].
import { llrThreshold, normalCusumThreshold, normalQuantile, targetArl } from './adaptive.ts';
import { energyTrust } from './equations.ts';
import { createGroupStats, type GroupStats } from './robust-peers.ts';
import {
  FACTOR_ATTESTATION,
  FACTOR_MISSING,
  FACTOR_OPS,
  FACTOR_NAMES,
  HW_ATTRS,
  HW_CORE,
  OPS_FEATURES,
  REASON_COMPROMISED,
  REASON_ENERGY,
  REASON_MASKING,
  SW_ATTRS,
  SW_CORE,
  type CycleScores,
  type EvidenceBatch,
  type SchemeOverhead,
  type TrustScheme,
} from './types.ts';

/** Tunables of the robust detector (see docs/adr/0012-adaptive-baselines.md). */
export interface RobustParams {
  /** @default 0.002 — target probability that an honest terminal is flagged within `horizon` cycles */
  falseAlarm: number;
  /** @default 50 — cycles the false-alarm target refers to */
  horizon: number;
  /** @default [0.03, 0.03, 0.15, 0.03] — smallest rate shift each count test is tuned to (missing, tampered, late, duplicates) */
  shift: readonly [number, number, number, number];
  /** @default 0.5 — reference value k of the delay and energy CUSUMs, in baseline scales */
  kNormal: number;
  /**
   * @default [100, 100, 5, 100] — prior weight (trials) of the peer rate in a terminal's own rate: strong
   * for what the peers' shared channel sets (missing, tampered, duplicates), weak for lateness, which
   * follows the terminal's own base delay
   */
  prior: readonly [number, number, number, number];
  /** @default 0.97 — forgetting of a terminal's own evidence sums (its baseline follows slow change) */
  ownForget: number;
  /** @default 0.1 — own location (delay, energy, state) learning rate while unsuspected */
  locAlpha: number;
  /** @default 0.25 — share of the alarm level above which a terminal's own baselines stop learning */
  freezeAt: number;
  /** @default 3 — consecutive attested cycles a non-core mismatch must persist (glitch tolerance) */
  nonCoreStreak: number;
}

export const DEFAULT_ROBUST_PARAMS: Readonly<RobustParams> = Object.freeze({
  falseAlarm: 0.002,
  horizon: 50,
  shift: [0.03, 0.03, 0.15, 0.03] as const,
  kNormal: 0.5,
  prior: [100, 100, 5, 100] as const,
  ownForget: 0.97,
  locAlpha: 0.1,
  freezeAt: 0.25,
  nonCoreStreak: 3,
});

/** Compact 256-bit status report each cycle, attestation hashing every 2nd cycle [ADR-0005]. */
export const ROBUST_OVERHEAD: SchemeOverhead = Object.freeze({
  statusReportBits: 256,
  attestJoules: 0.5e-3,
  attestEvery: 2,
  recommendations: false,
});

/** Count tests (missing, tampered, late, duplicates) and normal tests (delay, energy). */
export const NCOUNT = 4;
export const NNORM = 2;

/** Per-terminal state (struct of arrays) and the derived thresholds. */
export interface RobustState {
  p: RobustParams;
  hCount: number;
  hNorm: number;
  zOps: number;
  cusum: Float64Array;
  ownEv: Float64Array;
  ownTr: Float64Array;
  ncusum: Float64Array;
  loc: Float64Array;
  nobs: Float64Array;
  opsLoc: Float64Array;
  prevRemaining: Float64Array;
  nonCoreMask: Int32Array;
  nonCoreRun: Int32Array;
  suspect: Uint8Array;
  peers: GroupStats;
}

/** Creates the robust scheme. */
export function createRobustScheme(opts: { size: number; params?: Partial<RobustParams> }): TrustScheme {
  const n = opts.size;
  const p: RobustParams = { ...DEFAULT_ROBUST_PARAMS, ...opts.params };
  const tests = NCOUNT + NNORM + OPS_FEATURES + 1;
  const arl = targetArl({ falseAlarm: p.falseAlarm, horizon: p.horizon, tests });
  const st: RobustState = {
    p,
    hCount: llrThreshold(arl),
    hNorm: normalCusumThreshold(p.kNormal, arl),
    zOps: normalQuantile(1 - p.falseAlarm / (2 * p.horizon * tests)),
    cusum: new Float64Array(n * NCOUNT),
    ownEv: new Float64Array(n * NCOUNT),
    ownTr: new Float64Array(n * NCOUNT),
    ncusum: new Float64Array(n * NNORM),
    loc: new Float64Array(n * NNORM).fill(Number.NaN),
    nobs: new Float64Array(n * NNORM),
    opsLoc: new Float64Array(n * OPS_FEATURES).fill(Number.NaN),
    prevRemaining: new Float64Array(n).fill(Number.NaN),
    nonCoreMask: new Int32Array(n),
    nonCoreRun: new Int32Array(n),
    suspect: new Uint8Array(n),
    peers: createGroupStats(n),
  };
  return {
    name: 'robust',
    overhead: ROBUST_OVERHEAD,
    score(b, out) {
      const g = b.groupStart;
      for (let k = 0; k + 1 < g.length; k++) {
        const from = g[k] ?? 0;
        const to = g[k + 1] ?? 0;
        st.peers.update(st, b, { group: k, from, to });
        for (let i = from; i < to; i++) if (b.active[i] === 1) scoreNode(st, b, out, { i, group: k, from });
      }
    },
  };
}

/** Per-node evidence of count test c: events and trials this cycle. */
export function countOf(b: EvidenceBatch, i: number, c: number): { x: number; n: number } {
  const req = b.requests[i] ?? 0;
  const valid = b.valid[i] ?? 0;
  const caught = b.tamperedCaught[i] ?? 0;
  if (c === 0) return { x: Math.max(0, req - valid - caught), n: req };
  if (c === 1) return { x: caught, n: req };
  if (c === 2) return { x: b.late[i] ?? 0, n: valid };
  return { x: b.duplicates[i] ?? 0, n: req };
}

/** One terminal's count test c: binomial (Poisson for duplicates) LLR CUSUM against its own rate. */
function countTest(st: RobustState, b: EvidenceBatch, at: { i: number; group: number; c: number }): number {
  const { i, c } = at;
  const { x, n } = countOf(b, i, c);
  const k = i * NCOUNT + c;
  const s0 = st.cusum[k] ?? 0;
  if (n <= 0) return s0;
  const p = st.p;
  const peerRate = st.peers.rate({ group: at.group, i }, c, { x, n });
  const peer = Number.isNaN(peerRate) ? 0 : peerRate;
  const prior = p.prior[c] ?? 5;
  const own = ((st.ownEv[k] ?? 0) + prior * peer) / ((st.ownTr[k] ?? 0) + prior);
  const floor = 1 / (p.horizon * n);
  const dup = c === 3;
  // never expected to be better than its peers; a worse link than theirs is learnt as its own rate
  const p0 = Math.min(dup ? Infinity : 0.98, Math.max(floor, peer, own));
  const p1 = dup ? p0 + (p.shift[c] ?? 0.03) : p0 + (p.shift[c] ?? 0.03) * (1 - p0);
  const llr = dup
    ? x * Math.log(p1 / p0) - n * (p1 - p0)
    : x * Math.log(p1 / p0) + (n - x) * Math.log((1 - p1) / (1 - p0));
  const s = b.cycle === 0 ? 0 : Math.max(0, s0 + llr);
  st.cusum[k] = s;
  if (s < p.freezeAt * st.hCount) {
    st.ownEv[k] = p.ownForget * (st.ownEv[k] ?? 0) + x;
    st.ownTr[k] = p.ownForget * (st.ownTr[k] ?? 0) + n;
  }
  writeIfWorse(st, b, { i, c, s, h: st.hCount, observed: x / n, baseline: p0 });
  return s;
}

/** One terminal's normal test c (delay ms, log energy ratio to peers) against its own location. */
function normalTest(
  st: RobustState,
  b: EvidenceBatch,
  at: { i: number; group: number; from: number; c: number },
): number {
  const { i, c } = at;
  const k = i * NNORM + c;
  const s0 = st.ncusum[k] ?? 0;
  const obs = c === 0 ? (b.meanDelay[i] ?? Number.NaN) : st.peers.energyObs(i);
  const scale = st.peers.scale(at.group, c);
  // a measurement coarser than the test's allowance cannot show the shift it looks for
  if (Number.isNaN(obs) || (c === 0 && (b.delayResolution[i] ?? 0) > st.p.kNormal * scale)) return s0;
  const loc = st.loc[k] ?? Number.NaN;
  if (Number.isNaN(loc) || !(scale > 0)) {
    if (Number.isNaN(loc)) st.loc[k] = obs;
    return s0;
  }
  // winsorised: one wild cycle cannot alarm by itself; a shift must persist
  const z = Math.max(-3, Math.min(4, st.peers.peerScore({ group: at.group, from: at.from }, c, obs - loc)));
  const s = b.cycle === 0 ? 0 : Math.max(0, s0 + z - st.p.kNormal);
  st.ncusum[k] = s;
  // running mean at first, then an EWMA of clipped residuals, down-weighted while under suspicion
  const n = (st.nobs[k] = (st.nobs[k] ?? 0) + 1);
  const alpha = Math.max(st.p.locAlpha, 1 / (n + 1)) * (s < st.p.freezeAt * st.hNorm ? 1 : 0.1);
  st.loc[k] = loc + alpha * scale * Math.max(-2, Math.min(2, z));
  const med = c === 1 ? st.peers.energyMedian(at.group) : 0;
  writeIfWorse(st, b, { i, c: NCOUNT + c, s, h: st.hNorm, observed: obs + med, baseline: loc + med });
  return s;
}

/** Scratch for the explanation of the node being scored (its worst factor so far). */
const worst = { ratio: -1, factor: 0, observed: 0, baseline: 0, threshold: 0, statistic: 0 };

function writeIfWorse(
  _st: RobustState,
  _b: EvidenceBatch,
  v: { i: number; c: number; s: number; h: number; observed: number; baseline: number },
): void {
  const r = v.s / v.h;
  if (r <= worst.ratio) return;
  worst.ratio = r;
  worst.factor = FACTOR_MISSING + v.c;
  worst.observed = v.observed;
  worst.baseline = v.baseline;
  worst.threshold = v.h;
  worst.statistic = v.s;
}

/** Updates every test of node i, then decides and explains. */
function scoreNode(
  st: RobustState,
  b: EvidenceBatch,
  out: CycleScores,
  at: { i: number; group: number; from: number },
): void {
  const { i, group } = at;
  worst.ratio = -1;
  worst.factor = 0;
  let alarm = -1;
  for (let c = 0; c < NCOUNT; c++) {
    if (countTest(st, b, { i, group, c }) >= st.hCount && alarm < 0) alarm = c;
  }
  for (let c = 0; c < NNORM; c++) {
    if (normalTest(st, b, { i, group, from: at.from, c }) >= st.hNorm && alarm < 0) alarm = NCOUNT + c;
  }
  st.suspect[i] = worst.ratio >= st.p.freezeAt ? 1 : 0;
  st.prevRemaining[i] = b.remaining[i] ?? 0;
  const att = attestation(st, b, i);
  const ops = opsAnomaly(st, b, { i, group });
  const etm = energyTrust(b.remaining[i] ?? 0, b.initial[i] ?? 0, 0.5);
  out.etm[i] = etm;
  out.stm[i] = att === 'core' ? 0 : 1;
  out.dtm[i] = Math.max(0, 1 - Math.min(1, Math.max(0, worst.ratio)));
  out.trust[i] = (out.stm[i] ?? 1) * (out.dtm[i] ?? 1) * (ops ? 0.5 : 1);
  explain(out, i, att, ops);
  if (b.cycle === 0) return;
  decide(out, { i, alarm, att, ops, etm });
}

/** Writes the deciding factor: attestation and state first (hard evidence), else the worst test. */
function explain(out: CycleScores, i: number, att: 'ok' | 'core' | 'noncore', ops: boolean): void {
  if (att !== 'ok' || (ops && worst.ratio < 1)) {
    out.factor[i] = att !== 'ok' ? FACTOR_ATTESTATION : FACTOR_OPS;
    if (att !== 'ok') {
      out.observed[i] = att === 'core' ? 1 : 0;
      out.baseline[i] = 0;
      out.threshold[i] = 0;
      out.statistic[i] = att === 'core' ? 1 : 0;
    } else {
      out.observed[i] = opsWorst.observed;
      out.baseline[i] = opsWorst.baseline;
      out.threshold[i] = opsWorst.threshold;
      out.statistic[i] = opsWorst.statistic;
    }
    return;
  }
  out.factor[i] = worst.factor;
  out.observed[i] = worst.observed;
  out.baseline[i] = worst.baseline;
  out.threshold[i] = worst.threshold;
  out.statistic[i] = worst.statistic;
}

/** Chooses the flag and its reason: masking signature, hard attestation, energy, behaviour, state. */
function decide(
  out: CycleScores,
  v: { i: number; alarm: number; att: 'ok' | 'core' | 'noncore'; ops: boolean; etm: number },
): void {
  const { i, alarm, att, ops } = v;
  const energy = NCOUNT + 1;
  const behaviour = alarm >= 0 && alarm !== energy;
  const name = FACTOR_NAMES[FACTOR_MISSING + alarm] ?? '';
  if ((att === 'core' || ops) && behaviour)
    return flag(out, i, REASON_MASKING, `attestation/state + ${name}`);
  if (att === 'core') return flag(out, i, REASON_COMPROMISED, 'core attestation mismatch');
  if (alarm === energy || v.etm === 0)
    return flag(out, i, REASON_ENERGY, 'energy use vs own model and peers');
  if (behaviour) return flag(out, i, REASON_COMPROMISED, `CUSUM ${name}`);
  if (att === 'noncore') return flag(out, i, REASON_COMPROMISED, 'persistent non-core mismatch');
  if (ops) return flag(out, i, REASON_COMPROMISED, 'operating-state jump');
}

function flag(out: CycleScores, i: number, reason: number, detail: string): void {
  out.flag[i] = reason;
  out.detail[i] = detail;
}

/** Core mismatch is hard evidence; non-core must persist on the same attribute (glitch tolerance). */
function attestation(st: RobustState, b: EvidenceBatch, i: number): 'ok' | 'core' | 'noncore' {
  if (b.attested[i] !== 1) return 'ok';
  let mask = 0;
  for (let j = 0; j < HW_ATTRS; j++) {
    if ((b.hwMatch[i * HW_ATTRS + j] ?? 1) >= 1) continue;
    if (j < HW_CORE) return 'core';
    mask |= 1 << j;
  }
  for (let j = 0; j < SW_ATTRS; j++) {
    if ((b.swMatch[i * SW_ATTRS + j] ?? 1) >= 1) continue;
    if (j < SW_CORE) return 'core';
    mask |= 1 << (HW_ATTRS + j);
  }
  const same = mask & (st.nonCoreMask[i] ?? 0);
  st.nonCoreRun[i] = mask === 0 ? 0 : same !== 0 ? (st.nonCoreRun[i] ?? 0) + 1 : 1;
  st.nonCoreMask[i] = same !== 0 ? same : mask;
  return (st.nonCoreRun[i] ?? 0) >= st.p.nonCoreStreak ? 'noncore' : 'ok';
}

const opsWorst = { observed: 0, baseline: 0, threshold: 0, statistic: 0 };

/** A state feature further from the node's own baseline than zOps peer scales (false-alarm target). */
function opsAnomaly(st: RobustState, b: EvidenceBatch, at: { i: number; group: number }): boolean {
  const { i, group } = at;
  if (b.statusReport[i] !== 1) return false;
  let jump = false;
  let best = -1;
  for (let k = 0; k < OPS_FEATURES; k++) {
    const idx = i * OPS_FEATURES + k;
    const v = b.ops[idx] ?? 0;
    const ref = st.opsLoc[idx] ?? Number.NaN;
    if (Number.isNaN(ref)) {
      st.opsLoc[idx] = v;
      continue;
    }
    const lim = st.zOps * st.peers.opsScale(group, k);
    const dev = Math.abs(v - ref);
    if (dev / lim > best) {
      best = dev / lim;
      opsWorst.observed = v;
      opsWorst.baseline = ref;
      opsWorst.threshold = lim;
      opsWorst.statistic = dev;
    }
    if (dev > lim && b.cycle > 0) jump = true;
    else st.opsLoc[idx] = ref + 2 * st.p.locAlpha * (v - ref);
  }
  return jump;
}
