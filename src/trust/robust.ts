// Our robust detector: per-component CUSUM with forgetting, hard attestation, peer-relative energy [ADR-0005].
import { energyTrust } from './equations.ts';
import { medianInPlace } from './stats.ts';
import {
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

/** Tunables of the robust detector (defaults tuned on seeds 1000+; see docs/adr/0005-robust-detector.md). */
export interface RobustParams {
  /** @default 0.9 — forgetting of every CUSUM statistic (on-off attackers cannot reset it quickly) */
  lambda: number;
  /** @default 0.05 — per-cycle allowance of missing / late / duplicate replies, as a share of requests (min 1) */
  allowance: number;
  /** @default 0.1 — allowance of duplicates per cycle as a share of requests (min 2): honest ARQ duplicates */
  dupAllowance: number;
  /** @default 3 — CUSUM alarm level for the count components */
  hCount: number;
  /** @default 0.5 / 1.5 — allowance and alarm level of caught-tampered replies */
  kCaught: number;
  hCaught: number;
  /** @default 1.5 / 0.5 — energy: allowance and alarm of (consumption / peer median) */
  kEnergy: number;
  hEnergy: number;
  /** @default 0.15 — operating-state jump vs the node's own EWMA baseline that counts as an anomaly */
  opsJump: number;
  /** @default 3 — consecutive attested cycles a non-core mismatch must persist (glitch tolerance) */
  nonCoreStreak: number;
  /** @default 100 — TimeThreshold, ms */
  timeThresholdMs: number;
  /** @default 0.15 / 0.6 — delay CUSUM: allowance and alarm on (mean − baseline)/Th */
  kDelay: number;
  hDelay: number;
}

export const DEFAULT_ROBUST_PARAMS: Readonly<RobustParams> = Object.freeze({
  lambda: 0.9,
  allowance: 0.05,
  dupAllowance: 0.1,
  hCount: 3,
  kCaught: 0.5,
  hCaught: 1.5,
  kEnergy: 1.5,
  hEnergy: 0.5,
  opsJump: 0.15,
  nonCoreStreak: 3,
  timeThresholdMs: 100,
  kDelay: 0.15,
  hDelay: 0.6,
});

/** Compact 256-bit status report each cycle, attestation hashing every 2nd cycle [ADR-0005]. */
export const ROBUST_OVERHEAD: SchemeOverhead = Object.freeze({
  statusReportBits: 256,
  attestJoules: 0.5e-3,
  attestEvery: 2,
  recommendations: false,
});

/** Component order of the CUSUM statistics: missing, tampered, late, duplicates, delay, energy. */
const C_ENERGY = 5;
const NC = 6;
const NAMES = ['missing', 'tampered', 'late', 'duplicates', 'delay', 'energy'];

interface RobustState {
  p: RobustParams;
  cusum: Float64Array;
  prevRemaining: Float64Array;
  consumption: Float64Array;
  scratch: Float64Array;
  delayRef: Float64Array;
  opsRef: Float64Array;
  nonCoreMask: Int32Array;
  nonCoreRun: Int32Array;
}

/** Creates the robust scheme. */
export function createRobustScheme(opts: { size: number; params?: Partial<RobustParams> }): TrustScheme {
  const n = opts.size;
  const st: RobustState = {
    p: { ...DEFAULT_ROBUST_PARAMS, ...opts.params },
    cusum: new Float64Array(n * NC),
    prevRemaining: new Float64Array(n).fill(Number.NaN),
    consumption: new Float64Array(n),
    scratch: new Float64Array(n),
    delayRef: new Float64Array(n).fill(Number.NaN),
    opsRef: new Float64Array(n * OPS_FEATURES).fill(Number.NaN),
    nonCoreMask: new Int32Array(n),
    nonCoreRun: new Int32Array(n),
  };
  return {
    name: 'robust',
    overhead: ROBUST_OVERHEAD,
    score(b, out) {
      const g = b.groupStart;
      for (let k = 0; k + 1 < g.length; k++) {
        const from = g[k] ?? 0;
        const to = g[k + 1] ?? 0;
        const med = peerConsumption(st, b, from, to);
        for (let i = from; i < to; i++) if (b.active[i] === 1) scoreNode(st, b, out, { i, med });
      }
    },
  };
}

/** Per-node energy used since the last cycle, and its median over the group's active peers. */
function peerConsumption(st: RobustState, b: EvidenceBatch, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    if (b.active[i] !== 1) continue;
    const prev = st.prevRemaining[i] ?? Number.NaN;
    const c = Number.isNaN(prev) ? Number.NaN : prev - (b.remaining[i] ?? 0);
    st.consumption[i] = c;
    if (!Number.isNaN(c)) st.scratch[m++] = c;
  }
  return medianInPlace(st.scratch, m);
}

function bump(st: RobustState, at: number, x: number): number {
  const v = Math.max(0, st.p.lambda * (st.cusum[at] ?? 0) + x);
  st.cusum[at] = v;
  return v;
}

/** Updates the per-component statistics of node i and flags it on the first alarm. */
function scoreNode(
  st: RobustState,
  b: EvidenceBatch,
  out: CycleScores,
  at: { i: number; med: number },
): void {
  const { i, med } = at;
  const p = st.p;
  const base = i * NC;
  const req = b.requests[i] ?? 0;
  const valid = b.valid[i] ?? 0;
  const caught = b.tamperedCaught[i] ?? 0;
  const k = Math.max(1, p.allowance * req);
  const enrol = b.cycle === 0;
  const x = [
    Math.max(0, req - valid - caught) - k,
    caught - p.kCaught,
    (b.late[i] ?? 0) - k,
    (b.duplicates[i] ?? 0) - Math.max(2, p.dupAllowance * req),
    delayExcess(st, b, i),
    energyExcess(st, i, med),
  ];
  const level = [p.hCount, p.hCaught, p.hCount, p.hCount, p.hDelay, p.hEnergy];
  let worst = 0;
  let alarm = -1;
  for (let c = 0; c < NC; c++) {
    const v = enrol ? 0 : bump(st, base + c, x[c] ?? 0);
    const r = v / (level[c] ?? 1);
    if (r > worst) worst = r;
    if (r >= 1 && alarm < 0) alarm = c;
  }
  st.prevRemaining[i] = b.remaining[i] ?? 0;
  const att = attestation(st, b, i);
  const ops = opsAnomaly(st, b, i);
  const etm = energyTrust(b.remaining[i] ?? 0, b.initial[i] ?? 0, 0.5);
  out.etm[i] = etm;
  out.stm[i] = att === 'core' ? 0 : 1;
  out.dtm[i] = Math.max(0, 1 - Math.min(1, worst));
  out.trust[i] = (out.stm[i] ?? 1) * (out.dtm[i] ?? 1) * (ops ? 0.5 : 1);
  if (enrol) return;
  decide(out, { i, alarm, att, ops, etm });
}

/** Chooses the flag and its reason: masking signature, hard attestation, energy, behaviour, state. */
function decide(
  out: CycleScores,
  v: { i: number; alarm: number; att: 'ok' | 'core' | 'noncore'; ops: boolean; etm: number },
): void {
  const { i, alarm, att, ops } = v;
  const behaviour = alarm >= 0 && alarm !== C_ENERGY;
  if ((att === 'core' || ops) && behaviour)
    return flag(out, i, REASON_MASKING, `attestation/state + ${NAMES[alarm] ?? ''}`);
  if (att === 'core') return flag(out, i, REASON_COMPROMISED, 'core attestation mismatch');
  if (alarm === C_ENERGY || v.etm === 0) return flag(out, i, REASON_ENERGY, 'energy use vs peers');
  if (behaviour) return flag(out, i, REASON_COMPROMISED, `CUSUM ${NAMES[alarm] ?? ''}`);
  if (att === 'noncore') return flag(out, i, REASON_COMPROMISED, 'persistent non-core mismatch');
  if (ops) return flag(out, i, REASON_COMPROMISED, 'operating-state jump');
}

function flag(out: CycleScores, i: number, reason: number, detail: string): void {
  out.flag[i] = reason;
  out.detail[i] = detail;
}

/** (mean delay − own baseline)/Th − k; the baseline is learnt while the node looks clean. */
function delayExcess(st: RobustState, b: EvidenceBatch, i: number): number {
  const d = b.meanDelay[i] ?? Number.NaN;
  // a measurement coarser than the allowance cannot show the shift this test looks for
  if (Number.isNaN(d) || (b.delayResolution[i] ?? 0) > st.p.kDelay * st.p.timeThresholdMs) return 0;
  const ref = st.delayRef[i] ?? Number.NaN;
  if (Number.isNaN(ref)) {
    st.delayRef[i] = d;
    return 0;
  }
  const ex = (d - ref) / st.p.timeThresholdMs - st.p.kDelay;
  if (ex < 0) st.delayRef[i] = 0.9 * ref + 0.1 * d;
  return ex;
}

function energyExcess(st: RobustState, i: number, med: number): number {
  const c = st.consumption[i] ?? Number.NaN;
  if (Number.isNaN(c) || !(med > 0)) return 0;
  return c / med - st.p.kEnergy;
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

/** Any operating-state feature jumping by more than opsJump from the node's EWMA baseline. */
function opsAnomaly(st: RobustState, b: EvidenceBatch, i: number): boolean {
  if (b.statusReport[i] !== 1) return false;
  let jump = false;
  for (let k = 0; k < OPS_FEATURES; k++) {
    const at = i * OPS_FEATURES + k;
    const v = b.ops[at] ?? 0;
    const ref = st.opsRef[at] ?? Number.NaN;
    if (Number.isNaN(ref)) st.opsRef[at] = v;
    else if (Math.abs(v - ref) > st.p.opsJump) jump = true;
    else st.opsRef[at] = 0.8 * ref + 0.2 * v;
  }
  return jump;
}
