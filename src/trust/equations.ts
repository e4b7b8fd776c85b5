// DTMS Eq. 1–14 as scalar functions (normative readings of the trust spec, with the literal switches).
import type { DtmsParams } from './params.ts';

/** clamp01(x) = min(1, max(0, x)) [trust-§1]. */
export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Consistency of a continuous attribute with tolerance `tol` [trust-§1.1]. */
export function consistency(a: number, b: number, tol: number): number {
  return clamp01(1 - Math.abs(a - b) / tol);
}

/**
 * HStm / SStm [trust-Eq.1, Eq.2]: product over core consistencies times mean over non-core
 * (mean of an empty set = 1); 'additive' = 1 − [w·mean_core(1−c) + (1−w)·mean_non(1−c)].
 */
export function staticPart(
  match: ArrayLike<number>,
  offset: number,
  spec: { count: number; core: number; mode: DtmsParams['staticMode']; wCore: number },
): number {
  const { count, core } = spec;
  if (spec.mode === 'additive') {
    let missCore = 0;
    let missNon = 0;
    for (let j = 0; j < core; j++) missCore += 1 - (match[offset + j] ?? 1);
    for (let j = core; j < count; j++) missNon += 1 - (match[offset + j] ?? 1);
    const mc = core > 0 ? missCore / core : 0;
    const mn = count > core ? missNon / (count - core) : 0;
    return clamp01(1 - (spec.wCore * mc + (1 - spec.wCore) * mn));
  }
  let prod = 1;
  for (let j = 0; j < core; j++) prod *= match[offset + j] ?? 1;
  if (count === core) return prod;
  let sum = 0;
  for (let j = core; j < count; j++) sum += match[offset + j] ?? 1;
  return prod * (sum / (count - core));
}

/** Stm = α1·HStm + α2·SStm [trust-Eq.3]. */
export function staticTrust(hStm: number, sStm: number, p: Pick<DtmsParams, 'alpha1' | 'alpha2'>): number {
  return p.alpha1 * hStm + p.alpha2 * sStm;
}

/** ForwardSta [trust-Eq.6]: normative (RF+1)/(TR+1), 'swap' RF/(TR+1), 'literal' TR/(RF+1). */
export function forwardSta(
  realForward: number,
  totalRequest: number,
  mode: DtmsParams['forwardMode'],
): number {
  switch (mode) {
    case 'normative':
      return (realForward + 1) / (totalRequest + 1);
    case 'swap':
      return realForward / (totalRequest + 1);
    case 'literal':
      return totalRequest / (realForward + 1);
  }
}

/** DelaySta [trust-Eq.7]: (δ^((Th−T)/Th) − 1)/(δ − 1) for T ≤ Th, else 0; 1 without requests. */
export function delaySta(
  meanDelay: number,
  ev: { requests: number; replies: number },
  p: Pick<DtmsParams, 'deltaD' | 'timeThresholdMs' | 'delayMode'>,
): number {
  if (ev.requests === 0) return 1;
  if (ev.replies === 0 || Number.isNaN(meanDelay)) return 0;
  const th = p.timeThresholdMs;
  if (p.delayMode === 'tolerant') return meanDelay <= th ? 1 : Math.pow(p.deltaD, (th - meanDelay) / th);
  if (meanDelay > th) return 0;
  return (Math.pow(p.deltaD, (th - meanDelay) / th) - 1) / (p.deltaD - 1);
}

/** RepeatSta [trust-Eq.8]: clamp01(2 − δ^ReRate) below ReTh, 0 at or above; ReRate = dup/(uniq+dup). */
export function repeatSta(
  unique: number,
  duplicates: number,
  p: Pick<DtmsParams, 'deltaR' | 'reTh' | 'repeatMode'>,
): number {
  const total = unique + duplicates;
  const rate = total > 0 ? duplicates / total : 0;
  if (p.repeatMode === 'normalised') return clamp01(2 - Math.pow(p.deltaR, rate / p.reTh));
  if (rate >= p.reTh) return 0;
  return clamp01(2 - Math.pow(p.deltaR, rate));
}

/** ActiveSta [trust-Eq.5]: min(1, comm/median) ('relative') or comm/Σcomm ('share'). */
export function activeSta(
  comm: number,
  ref: { median: number; total: number },
  mode: DtmsParams['activeMode'],
): number {
  if (mode === 'share') return ref.total > 0 ? comm / ref.total : 0;
  return ref.median > 0 ? Math.min(1, comm / ref.median) : 1;
}

/** BDtm = Σ κ·[Active, Forward, Delay, Repeat] [trust-Eq.9]. */
export function behaviourTrust(
  parts: readonly [number, number, number, number],
  kappa: DtmsParams['kappa'],
): number {
  return kappa[0] * parts[0] + kappa[1] * parts[1] + kappa[2] * parts[2] + kappa[3] * parts[3];
}

/** Etm = clamp01(2·Remain/E0 − 1) if Remain ≥ E_th, else 0 [trust-Eq.14]. */
export function energyTrust(remaining: number, initial: number, eThFraction: number): number {
  if (!(initial > 0)) return 0;
  if (remaining < eThFraction * initial) return 0;
  return clamp01((2 * remaining) / initial - 1);
}

/** Combined trust Ctm = ωs·Stm + ωd·Dtm + ωe·Etm [trust-§4 "Cumulative trust"]. */
export function combinedTrust(
  stm: number,
  dtm: number,
  etm: number,
  p: Pick<DtmsParams, 'omegaS' | 'omegaD' | 'omegaE'>,
): number {
  return p.omegaS * stm + p.omegaD * dtm + p.omegaE * etm;
}

/** Verdict codes of the paper detection flow [trust-Eq.15, Fig.3]. */
export type PaperVerdict = 'NORMAL' | 'MASKING' | 'ENERGY' | 'COMPROMISED';

/** The paper-mode detection flow [trust-§4 Eq.15]. */
export function paperVerdict(
  v: { ctm: number; prevCtm: number; etm: number },
  p: Pick<DtmsParams, 'thOn' | 'devTh'>,
): PaperVerdict {
  if (v.ctm >= p.thOn) return 'NORMAL';
  const delta = v.ctm - v.prevCtm;
  if (Math.abs(delta) <= p.devTh) return 'NORMAL';
  if (delta > 0) return 'MASKING';
  if (v.etm === 0) return 'ENERGY';
  return 'COMPROMISED';
}
