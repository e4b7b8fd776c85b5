// Parameters of the behaviour-evidence world of trust spec §6 and the attacks of §8 (defaults of §9).

/** Attack types of trust spec §8. */
export type AttackType = 'A1' | 'A2' | 'A3' | 'A4' | 'A5' | 'A6' | 'A7' | 'A8';
export const ATTACK_TYPES: readonly AttackType[] = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'];

/** Honest-noise multipliers of the stress grid (1 = the §9 world) [ADR-0012]. */
export interface NoiseMult {
  /** channel loss p0 */
  loss: number;
  /** ARQ duplicate probability p_dup */
  duplicates: number;
  /** per-node base delay D_base */
  delayBase: number;
  /** delay jitter mean */
  jitter: number;
  /** retry delay */
  retry: number;
  /** attestation glitch probability p_nc */
  glitch: number;
  /** status-report noise σ_op */
  ops: number;
}

export const NOISE_COMPONENTS: readonly (keyof NoiseMult)[] = [
  'loss',
  'duplicates',
  'delayBase',
  'jitter',
  'retry',
  'glitch',
  'ops',
];

/** Every component multiplied by `m`. */
export function uniformNoise(m: number): NoiseMult {
  return { loss: m, duplicates: m, delayBase: m, jitter: m, retry: m, glitch: m, ops: m };
}

/**
 * Attacker intensity: `default` = the §8 table; `subtle` = drop / tamper 5–10 %, +10–30 ms on every
 * reply, 0.05–0.15 replay copies per reply, 1.5–3× energy drain (duty-cycle footprint +0.1), A8 drop 10–20 %.
 */
export type AttackIntensity = 'default' | 'subtle';

/** World configuration; every field has the §9 default. */
export interface WorldOptions {
  seed: number;
  /** @default 100 LVESUs under one fusion terminal */
  n: number;
  /** @default 0 — malicious ratio ρ */
  maliciousRatio: number;
  /** @default all of A1–A8, assigned round-robin */
  attacks: readonly AttackType[];
  /** @default 0 — benign transient non-core attestation mismatch per attribute per cycle (p_nc) */
  noise: number;
  /** @default 0.02 — operating-state noise σ_op */
  sigmaOp: number;
  /** @default 'S1' — 'S2' adds the malware footprint to behavioural attackers [trust-§8] */
  scenario: 'S1' | 'S2';
  /** @default 'ft-0' — id of the fusion terminal in exported evidence */
  fusionTerminal: string;
  /** @default all 1 — honest-noise multipliers (stress grid) */
  noiseMult: NoiseMult;
  /** @default 'default' */
  intensity: AttackIntensity;
}

export const DEFAULT_WORLD_OPTIONS: Readonly<WorldOptions> = Object.freeze({
  seed: 1,
  n: 100,
  maliciousRatio: 0,
  attacks: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'] as const,
  noise: 0,
  sigmaOp: 0.02,
  scenario: 'S1',
  fusionTerminal: 'ft-0',
  noiseMult: uniformNoise(1),
  intensity: 'default',
} satisfies WorldOptions);

/** Physical constants of the world [trust-§6.1, §9]. */
export const WORLD = Object.freeze({
  area: 100,
  rNeighbour: 25,
  requests: 20,
  reqBits: 200,
  dataBits: 2000,
  headerBits: 256,
  p0: 0.02,
  pMax: 0.3,
  rMax: 2,
  pDup: 0.01,
  jitterMs: 10,
  retryMs: 20,
  timeThresholdMs: 100,
  qTd: 0.8,
  e0: 2,
  eElec: 50e-9,
  epsFs: 10e-12,
  eSense: 20e-6,
  eRun: 2e-3,
  deadFraction: 0.05,
  pWatch: 0.2,
  recComputePerNeighbour: 10e-6,
  onsetMax: 10,
});
