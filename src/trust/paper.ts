// DTMS as published (Eq. 1–15) over struct-of-arrays evidence, with the spec's robust-mode ablation.
import {
  activeSta,
  combinedTrust,
  consistency,
  delaySta,
  energyTrust,
  forwardSta,
  paperVerdict,
  repeatSta,
  staticPart,
  staticTrust,
} from './equations.ts';
import { resolveDtmsParams, type DtmsParams } from './params.ts';
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
  explainThreshold,
  FACTOR_DEVIATION,
} from './types.ts';
import { createEvidenceWindow, type EvidenceWindow } from './window.ts';

/** DTMS overhead per LVESU and cycle: 0.5 mJ attestation hashing + a 1024-bit status report [trust-§9]. */
export const DTMS_OVERHEAD: SchemeOverhead = Object.freeze({
  statusReportBits: 1024,
  attestJoules: 0.5e-3,
  attestEvery: 1,
  recommendations: false,
});

export interface PaperSchemeOptions {
  size: number;
  params?: Partial<DtmsParams>;
  /** Spec §4 "robust mode" (persistent-low, masking regardless of threshold, energy floor). */
  robustMode?: boolean;
}

interface PaperState {
  p: Readonly<DtmsParams>;
  prevCtm: Float64Array;
  prevStm: Float64Array;
  prevOps: Float64Array;
  lowRun: Int32Array;
  scratch: Float64Array;
  comm: Float64Array;
  window: EvidenceWindow;
  hwSpec: Parameters<typeof staticPart>[2];
  swSpec: Parameters<typeof staticPart>[2];
}

/** Creates the DTMS scheme ('paper', or 'paper-rm' with the spec's robust-mode rules). */
export function createPaperScheme(opts: PaperSchemeOptions): TrustScheme {
  const p = resolveDtmsParams(opts.params);
  const st: PaperState = {
    p,
    hwSpec: { count: HW_ATTRS, core: HW_CORE, mode: p.staticMode, wCore: p.wCore },
    swSpec: { count: SW_ATTRS, core: SW_CORE, mode: p.staticMode, wCore: p.wCore },
    prevCtm: new Float64Array(opts.size).fill(Number.NaN),
    prevStm: new Float64Array(opts.size).fill(1),
    prevOps: new Float64Array(opts.size * OPS_FEATURES).fill(Number.NaN),
    lowRun: new Int32Array(opts.size),
    scratch: new Float64Array(opts.size),
    comm: new Float64Array(opts.size),
    window: createEvidenceWindow(opts.size, p.window),
  };
  const rm = opts.robustMode === true;
  return {
    name: rm ? 'paper-rm' : 'paper',
    overhead: DTMS_OVERHEAD,
    score(batch, out) {
      const b = st.window.apply(batch);
      computeComponents(st, b, out);
      if (batch.cycle > 0) detect(st, b, out, rm);
      for (let i = 0; i < b.size; i++) if (b.active[i] === 1) st.prevCtm[i] = out.trust[i] ?? Number.NaN;
    },
  };
}

/** Eq. 1–14 and Ctm for every active node; fills out.stm/dtm/etm/trust. */
function computeComponents(st: PaperState, b: EvidenceBatch, out: CycleScores): void {
  const g = b.groupStart;
  for (let k = 0; k + 1 < g.length; k++) {
    const from = g[k] ?? 0;
    const to = g[k + 1] ?? 0;
    const ref = activityReference(st, b, from, to);
    for (let i = from; i < to; i++) {
      if (b.active[i] !== 1) continue;
      const stm = nodeStatic(st, b, i);
      const sdtm = nodeState(st, b, i);
      const bdtm = nodeBehaviour(st, b, i, ref);
      const dtm = st.p.lambda1 * sdtm + st.p.lambda2 * bdtm;
      const etm = energyTrust(b.remaining[i] ?? 0, b.initial[i] ?? 0, st.p.eThFraction);
      out.stm[i] = stm;
      out.dtm[i] = dtm;
      out.etm[i] = etm;
      out.trust[i] = combinedTrust(stm, dtm, etm, st.p);
    }
  }
}

/** Median and total of TotalComm over the active nodes of one group [trust-Eq.5]. */
function activityReference(st: PaperState, b: EvidenceBatch, from: number, to: number) {
  let n = 0;
  let total = 0;
  for (let i = from; i < to; i++) {
    if (b.active[i] !== 1) continue;
    const c =
      (b.requests[i] ?? 0) +
      (b.valid[i] ?? 0) +
      (b.tamperedCaught[i] ?? 0) +
      (b.duplicates[i] ?? 0) +
      (b.statusReport[i] ?? 0);
    st.comm[i] = c;
    st.scratch[n++] = c;
    total += c;
  }
  return { median: medianInPlace(st.scratch, n), total };
}

/** Stm from the attestation match vector; without a report the previous value stands [trust-Eq.1–3]. */
function nodeStatic(st: PaperState, b: EvidenceBatch, i: number): number {
  if (b.attested[i] !== 1) return st.prevStm[i] ?? 1;
  const h = staticPart(b.hwMatch, i * HW_ATTRS, st.hwSpec);
  const s = staticPart(b.swMatch, i * SW_ATTRS, st.swSpec);
  const stm = staticTrust(h, s, st.p);
  st.prevStm[i] = stm;
  return stm;
}

/** SDtm = Σ β_k c_k(OpS_k(t), OpS_k(t−1)) [trust-Eq.4]; 1 at enrolment or without a report. */
function nodeState(st: PaperState, b: EvidenceBatch, i: number): number {
  if (b.statusReport[i] !== 1) return 1;
  let s = 0;
  for (let k = 0; k < OPS_FEATURES; k++) {
    const at = i * OPS_FEATURES + k;
    const cur = b.ops[at] ?? 0;
    const prev = st.prevOps[at] ?? Number.NaN;
    s += (st.p.beta[k] ?? 0) * (Number.isNaN(prev) ? 1 : consistency(cur, prev, st.p.tau));
    st.prevOps[at] = cur;
  }
  return s;
}

/** BDtm from ActiveSta, ForwardSta, DelaySta, RepeatSta [trust-Eq.5–9]. */
function nodeBehaviour(
  st: PaperState,
  b: EvidenceBatch,
  i: number,
  ref: { median: number; total: number },
): number {
  const p = st.p;
  const requests = b.requests[i] ?? 0;
  const valid = b.valid[i] ?? 0;
  const unique = valid + (b.tamperedCaught[i] ?? 0);
  const parts = [
    activeSta(st.comm[i] ?? 0, ref, p.activeMode),
    forwardSta(valid, requests, p.forwardMode),
    delaySta(b.meanDelay[i] ?? Number.NaN, { requests, replies: unique }, p),
    repeatSta(unique, b.duplicates[i] ?? 0, p),
  ] as const;
  return p.kappa[0] * parts[0] + p.kappa[1] * parts[1] + p.kappa[2] * parts[2] + p.kappa[3] * parts[3];
}

/** Paper detection flow [trust-Eq.15] plus, in robust mode, the three extra rules of spec §4. */
function detect(st: PaperState, b: EvidenceBatch, out: CycleScores, rm: boolean): void {
  const p = st.p;
  for (let i = 0; i < b.size; i++) {
    if (b.active[i] !== 1) continue;
    const ctm = out.trust[i] ?? 0;
    const prevCtm = st.prevCtm[i] ?? ctm;
    const etm = out.etm[i] ?? 0;
    let code = codeOf(paperVerdict({ ctm, prevCtm: Number.isNaN(prevCtm) ? ctm : prevCtm, etm }, p));
    if (rm && code === 0) {
      st.lowRun[i] = ctm < p.thOn - p.lowMargin ? (st.lowRun[i] ?? 0) + 1 : 0;
      if ((st.lowRun[i] ?? 0) >= p.kLow) code = REASON_COMPROMISED;
      else if (ctm - prevCtm > p.devTh && prevCtm < p.thOn) code = REASON_MASKING;
      else if (etm === 0) code = REASON_ENERGY;
    }
    const deviated = Math.abs(ctm - prevCtm) > p.devTh;
    explainThreshold(
      out,
      i,
      deviated
        ? { value: Math.abs(ctm - prevCtm), threshold: p.devTh, factor: FACTOR_DEVIATION }
        : { value: ctm, threshold: p.thOn },
    );
    if (code !== 0) {
      out.flag[i] = code;
      out.detail[i] =
        `Ctm=${ctm.toFixed(3)} dev=${Math.abs(ctm - prevCtm).toFixed(3)} ThON=${p.thOn.toFixed(3)}`;
    }
  }
}

function codeOf(v: ReturnType<typeof paperVerdict>): number {
  switch (v) {
    case 'NORMAL':
      return 0;
    case 'MASKING':
      return REASON_MASKING;
    case 'ENERGY':
      return REASON_ENERGY;
    case 'COMPROMISED':
      return REASON_COMPROMISED;
  }
}
