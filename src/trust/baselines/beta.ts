// Direct FT evidence with forgetting, shared by BRS, SL and TDTC [trust-§7.1, §7.2].
import { HW_ATTRS, HW_CORE, SW_ATTRS, SW_CORE, type EvidenceBatch } from '../types.ts';

/** Baseline parameters [trust-§9]. */
export interface BaselineParams {
  /** @default 0.9 — forgetting factor λ */
  lambda: number;
  /** @default 0.75 — decision threshold θ */
  theta: number;
  /** @default 10 — minimum evidence r + s before a decision */
  minEvidence: number;
  /** @default 10 — BRS+attest: negative events per failed core attestation */
  wAtt: number;
  /** @default 5 — TDTC: K collaborative nodes */
  k: number;
  /** @default 2 — SL non-informative prior weight W */
  w: number;
}

export const DEFAULT_BASELINE_PARAMS: Readonly<BaselineParams> = Object.freeze({
  lambda: 0.9,
  theta: 0.75,
  minEvidence: 10,
  wAtt: 10,
  k: 5,
  w: 2,
});

/** pos = valid on-time unique replies; neg = missing + caught-tampered + late + duplicates [trust-§7.1]. */
export function directEvents(b: EvidenceBatch, i: number): { pos: number; neg: number } {
  const requests = b.requests[i] ?? 0;
  const valid = b.valid[i] ?? 0;
  const late = b.late[i] ?? 0;
  const pos = valid - late;
  const neg = Math.max(0, requests - valid) + late + (b.duplicates[i] ?? 0);
  return { pos, neg };
}

/** True when the report carried attestation and a core attribute differs from the baseline. */
export function coreAttestationFailed(b: EvidenceBatch, i: number): boolean {
  if (b.attested[i] !== 1) return false;
  for (let j = 0; j < HW_CORE; j++) if ((b.hwMatch[i * HW_ATTRS + j] ?? 1) < 1) return true;
  for (let j = 0; j < SW_CORE; j++) if ((b.swMatch[i * SW_ATTRS + j] ?? 1) < 1) return true;
  return false;
}

/** Beta evidence (r, s) per node with exponential forgetting [trust-§7.2]. */
export interface BetaState {
  r: Float64Array;
  s: Float64Array;
}

export function createBetaState(size: number): BetaState {
  return { r: new Float64Array(size), s: new Float64Array(size) };
}

/** r ← λr + pos, s ← λs + neg. */
export function updateBeta(st: BetaState, i: number, ev: { pos: number; neg: number }, lambda: number): void {
  st.r[i] = lambda * (st.r[i] ?? 0) + ev.pos;
  st.s[i] = lambda * (st.s[i] ?? 0) + ev.neg;
}

/** BRS expectation E = (r+1)/(r+s+2) [trust-§7.2]. */
export function expectation(r: number, s: number): number {
  return (r + 1) / (r + s + 2);
}
