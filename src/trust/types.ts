// Behaviour evidence of one cycle as struct-of-arrays (typed arrays), and the per-cycle scores a scheme fills.

/** Number of hardware / software attestation attributes and their core prefixes [trust-§6.2]. */
export const HW_ATTRS = 6;
export const HW_CORE = 3;
export const SW_ATTRS = 8;
export const SW_CORE = 4;
/** Operating-state features: link quality, duty cycle, online ratio, resource use [trust-Eq.4]. */
export const OPS_FEATURES = 4;

/**
 * One cycle of evidence for `size` terminals, struct-of-arrays. Index `i` is a terminal slot that keeps
 * its meaning across cycles. Terminals of one fusion terminal are contiguous: group `g` spans
 * `groupStart[g] .. groupStart[g+1]-1` (peer statistics such as medians are per group).
 */
export interface EvidenceBatch {
  size: number;
  cycle: number;
  groupStart: Int32Array;
  /** 1 when the terminal was polled this cycle (not excluded, not dead, present in the evidence). */
  active: Uint8Array;
  requests: Float64Array;
  /** Unique replies that passed the integrity/plausibility check (RealForward) [trust-Eq.6]. */
  valid: Float64Array;
  /** Of the valid replies, those delivered after TimeThreshold. */
  late: Float64Array;
  /** Unique replies caught as tampered by the integrity/plausibility check. */
  tamperedCaught: Float64Array;
  duplicates: Float64Array;
  /** Mean data transmission time of delivered unique replies, ms (NaN when none). */
  meanDelay: Float64Array;
  /** Resolution of meanDelay, ms (0 = exact); a delay test finer than this is not fed. */
  delayResolution: Float64Array;
  /** 1 when a status report (attestation + operating state) arrived this cycle. */
  statusReport: Uint8Array;
  /** 1 when that report carried attestation measurements (schemes may attest every k cycles). */
  attested: Uint8Array;
  /** Consistency with the enrolled baseline per attribute, size*HW_ATTRS / size*SW_ATTRS [trust-§1.1]. */
  hwMatch: Float64Array;
  swMatch: Float64Array;
  /** Operating-state features in [0,1], size*OPS_FEATURES. */
  ops: Float64Array;
  remaining: Float64Array;
  initial: Float64Array;
  /** Neighbour reports (for SL / TDTC): `repCount` entries `from` says about `about` (pos, neg events). */
  repCount: number;
  repFrom: Int32Array;
  repAbout: Int32Array;
  repPos: Float64Array;
  repNeg: Float64Array;
}

/** Allocates an empty batch for `size` terminals in one group. */
export function createEvidenceBatch(size: number, reportCapacity = 0): EvidenceBatch {
  return {
    size,
    cycle: 0,
    groupStart: Int32Array.from([0, size]),
    active: new Uint8Array(size),
    requests: new Float64Array(size),
    valid: new Float64Array(size),
    late: new Float64Array(size),
    tamperedCaught: new Float64Array(size),
    duplicates: new Float64Array(size),
    meanDelay: new Float64Array(size).fill(Number.NaN),
    delayResolution: new Float64Array(size),
    statusReport: new Uint8Array(size),
    attested: new Uint8Array(size),
    hwMatch: new Float64Array(size * HW_ATTRS).fill(1),
    swMatch: new Float64Array(size * SW_ATTRS).fill(1),
    ops: new Float64Array(size * OPS_FEATURES),
    remaining: new Float64Array(size),
    initial: new Float64Array(size),
    repCount: 0,
    repFrom: new Int32Array(reportCapacity),
    repAbout: new Int32Array(reportCapacity),
    repPos: new Float64Array(reportCapacity),
    repNeg: new Float64Array(reportCapacity),
  };
}

/** Why a terminal was flagged. `LOW_TRUST` is the reason of the threshold baselines (BRS, SL, TDTC). */
export type FlagReason = 'MASKING' | 'COMPROMISED' | 'ENERGY' | 'LOW_TRUST';
/** Numeric reason codes used in typed arrays; 0 = not flagged. */
export const REASONS: readonly FlagReason[] = ['MASKING', 'COMPROMISED', 'ENERGY', 'LOW_TRUST'];
export const REASON_NONE = 0;
export const REASON_MASKING = 1;
export const REASON_COMPROMISED = 2;
export const REASON_ENERGY = 3;
export const REASON_LOW_TRUST = 4;

/** Converts a numeric reason code (1..4) to its name. */
export function toFlagReason(code: number): FlagReason | undefined {
  return REASONS[code - 1];
}

/**
 * The factor an explanation names (0 = none). Count tests report rates, delay ms, energy the ratio of
 * use to the group's median, state a feature value; `trust` is a threshold scheme's score.
 */
export const FACTOR_NAMES: readonly string[] = [
  '',
  'missing',
  'tampered',
  'late',
  'duplicates',
  'delay',
  'energy',
  'attestation',
  'operating-state',
  'trust',
  'deviation',
];
export const FACTOR_MISSING = 1;
export const FACTOR_ATTESTATION = 7;
export const FACTOR_OPS = 8;
export const FACTOR_TRUST = 9;
export const FACTOR_DEVIATION = 10;

/** What a scheme writes for one cycle; component arrays stay NaN for schemes that have no such part. */
export interface CycleScores {
  /** Explanation of every scored node: the deciding (or worst) factor, see FACTOR_NAMES. */
  factor: Uint8Array;
  /** The factor's observed value this cycle, the baseline it was compared with, the test statistic and its threshold. */
  observed: Float64Array;
  baseline: Float64Array;
  statistic: Float64Array;
  threshold: Float64Array;
  trust: Float64Array;
  stm: Float64Array;
  dtm: Float64Array;
  etm: Float64Array;
  /** Reason code (see REASON_*) of a flag raised this cycle, else 0. */
  flag: Uint8Array;
  /** Free-text detail per flagged node (component, statistic), else ''. */
  detail: string[];
}

/** Allocates scores for `size` terminals. */
export function createCycleScores(size: number): CycleScores {
  return {
    factor: new Uint8Array(size),
    observed: new Float64Array(size).fill(Number.NaN),
    baseline: new Float64Array(size).fill(Number.NaN),
    statistic: new Float64Array(size).fill(Number.NaN),
    threshold: new Float64Array(size).fill(Number.NaN),
    trust: new Float64Array(size).fill(Number.NaN),
    stm: new Float64Array(size).fill(Number.NaN),
    dtm: new Float64Array(size).fill(Number.NaN),
    etm: new Float64Array(size).fill(Number.NaN),
    flag: new Uint8Array(size),
    detail: new Array<string>(size).fill(''),
  };
}

/** Explains a threshold scheme's decision: its score, compared with the threshold θ (baseline 1 = full trust). */
export function explainThreshold(
  out: CycleScores,
  i: number,
  v: { value: number; threshold: number; factor?: number },
): void {
  out.factor[i] = v.factor ?? FACTOR_TRUST;
  out.observed[i] = v.value;
  out.baseline[i] = 1;
  out.statistic[i] = v.value;
  out.threshold[i] = v.threshold;
}

/** Clears the per-cycle outputs before a scheme scores a batch. */
export function resetCycleScores(s: CycleScores): void {
  s.trust.fill(Number.NaN);
  s.stm.fill(Number.NaN);
  s.dtm.fill(Number.NaN);
  s.etm.fill(Number.NaN);
  s.flag.fill(0);
  s.detail.fill('');
  s.factor.fill(0);
  s.observed.fill(Number.NaN);
  s.baseline.fill(Number.NaN);
  s.statistic.fill(Number.NaN);
  s.threshold.fill(Number.NaN);
}

/** LVESU-side cost a scheme imposes each cycle (paid in the world's energy model) [trust-§9]. */
export interface SchemeOverhead {
  /** Status report with attestation + operating state (DTMS family). */
  statusReportBits: number;
  /** Attestation hashing energy per attestation, J. */
  attestJoules: number;
  /** Attest every `attestEvery` cycles (1 = every cycle); the report carries OpS every cycle. */
  attestEvery: number;
  /** Neighbour overhearing + recommendation packets (SL / TDTC). */
  recommendations: boolean;
}

export const NO_OVERHEAD: SchemeOverhead = {
  statusReportBits: 0,
  attestJoules: 0,
  attestEvery: 1,
  recommendations: false,
};

/** The schemes the engine implements. */
export type SchemeName = 'paper' | 'paper-rm' | 'robust' | 'brs' | 'brs-attest' | 'sl' | 'tdtc' | 'peer-p99';
export const SCHEME_NAMES: readonly SchemeName[] = [
  'paper',
  'paper-rm',
  'robust',
  'brs',
  'brs-attest',
  'sl',
  'tdtc',
  'peer-p99',
];

/** A trust scheme: scores one cycle of evidence, keeping its own per-terminal state. */
export interface TrustScheme {
  readonly name: SchemeName;
  readonly overhead: SchemeOverhead;
  /** Scores `batch` into `out` (already reset). Nodes with `active[i] = 0` are skipped. */
  score(batch: EvidenceBatch, out: CycleScores): void;
}
