// DTMS parameters and literal-reading switches with the defaults of trust spec §9.
import { TrustError } from './errors.ts';

/** Switches between the spec's normative reading and the paper-literal forms [trust-§2–§4]. */
export interface DtmsSwitches {
  /** @default 'product' — Eq. 1–2 core product × non-core mean; 'additive' is the sensitivity form. */
  staticMode: 'product' | 'additive';
  /** @default 'relative' — Eq. 5 capped relative activity; 'share' is the literal 1/n share. */
  activeMode: 'relative' | 'share';
  /** @default 'normative' — Eq. 6 (RF+1)/(TR+1); 'swap' RF/(TR+1); 'literal' TR/(RF+1). */
  forwardMode: 'normative' | 'swap' | 'literal';
  /** @default 'normative' — Eq. 7; 'tolerant' = 1 below Th. */
  delayMode: 'normative' | 'tolerant';
  /** @default 'normative' — Eq. 8; 'normalised' = 2 − δ^(ReRate/ReTh). */
  repeatMode: 'normative' | 'normalised';
  /** @default 1 — evidence window in cycles; 0 = cumulative (paper-literal). */
  window: number;
}

/** Every numeric DTMS parameter [trust-§9]. */
export interface DtmsParams extends DtmsSwitches {
  alpha1: number;
  alpha2: number;
  wCore: number;
  beta: readonly number[];
  tau: number;
  kappa: readonly [number, number, number, number];
  deltaD: number;
  deltaR: number;
  reTh: number;
  timeThresholdMs: number;
  lambda1: number;
  lambda2: number;
  omegaS: number;
  omegaD: number;
  omegaE: number;
  /** Energy threshold as a fraction of E0 [trust-Eq.14]. */
  eThFraction: number;
  /** Calibrated on attack-free seeds (see calibrate.ts). */
  thOn: number;
  devTh: number;
  /** Spec robust mode: persistent-low cycles and margin [trust-§4]. */
  kLow: number;
  lowMargin: number;
}

export const DEFAULT_DTMS_PARAMS: Readonly<DtmsParams> = Object.freeze({
  staticMode: 'product',
  activeMode: 'relative',
  forwardMode: 'normative',
  delayMode: 'normative',
  repeatMode: 'normative',
  window: 1,
  alpha1: 0.5,
  alpha2: 0.5,
  wCore: 0.8,
  beta: [0.25, 0.25, 0.25, 0.25],
  tau: 0.2,
  kappa: [0.2, 0.3, 0.25, 0.25],
  deltaD: 2,
  deltaR: 2,
  reTh: 0.2,
  timeThresholdMs: 100,
  lambda1: 0.3,
  lambda2: 0.7,
  omegaS: 0.3,
  omegaD: 0.5,
  omegaE: 0.2,
  eThFraction: 0.5,
  thOn: 0.925,
  devTh: 0.03,
  kLow: 3,
  lowMargin: 0.1,
} satisfies DtmsParams);

const near1 = (x: number): boolean => Math.abs(x - 1) < 1e-9;

/** Validates weights and switches; throws GT_ERR_TRUST_BAD_PARAMS listing every problem at once. */
export function resolveDtmsParams(over: Partial<DtmsParams> = {}): Readonly<DtmsParams> {
  const p: DtmsParams = { ...DEFAULT_DTMS_PARAMS, ...over };
  const problems: string[] = [];
  if (!near1(p.alpha1 + p.alpha2)) problems.push('alpha1 + alpha2 must be 1 [Eq.3]');
  if (!near1(p.lambda1 + p.lambda2)) problems.push('lambda1 + lambda2 must be 1 [Eq.10]');
  if (!near1(p.kappa.reduce((a, b) => a + b, 0))) problems.push('kappa must sum to 1 [Eq.9]');
  if (!near1(p.beta.reduce((a, b) => a + b, 0))) problems.push('beta must sum to 1 [Eq.4]');
  if (!near1(p.omegaS + p.omegaD + p.omegaE)) problems.push('omegaS + omegaD + omegaE must be 1');
  if (!(p.deltaD > 1) || !(p.deltaR > 1)) problems.push('deltaD and deltaR must be > 1 [Eq.7, Eq.8]');
  if (!(p.tau > 0) || !(p.timeThresholdMs > 0)) problems.push('tau and timeThresholdMs must be > 0');
  if (!Number.isInteger(p.window) || p.window < 0) problems.push('window must be an integer >= 0');
  if (problems.length > 0) {
    throw new TrustError('GT_ERR_TRUST_BAD_PARAMS', `invalid DTMS parameters: ${problems.join('; ')}`, {
      hint: 'weights of each equation sum to 1; see docs/adr/0004-trust-formula.md',
    });
  }
  return Object.freeze(p);
}
