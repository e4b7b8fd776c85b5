// One simulated run of one scheme on one seeded world: flags, DR/FPR/RER per cycle [trust-§6.3, §10].
import { createScheme, type SchemeParams } from './schemes.ts';
import {
  createCycleScores,
  resetCycleScores,
  REASON_ENERGY,
  type EvidenceBatch,
  type SchemeName,
  type SchemeOverhead,
} from './types.ts';

/** What the trial runner needs from a world (the sim area's EvidenceWorld satisfies it). */
export interface TrialWorld {
  readonly size: number;
  readonly truth: { malicious: Uint8Array; attack: readonly (string | undefined)[]; onset: Int32Array };
  step(ctl: { excluded: Uint8Array; overhead: SchemeOverhead }): EvidenceBatch;
  remaining(): Float64Array;
}

export interface TrialOptions {
  scheme: SchemeName;
  params?: SchemeParams;
  world: TrialWorld;
  cycles: number;
  /** @default true — exclude flagged nodes (false = measurement-only, for Fig. 5) */
  exclude?: boolean;
}

/** Per-run outcome; plain arrays so it crosses worker boundaries. */
export interface TrialResult {
  scheme: SchemeName;
  /** First flag cycle per node (-1 never) and its reason code. */
  firstFlag: number[];
  reason: number[];
  malicious: number[];
  attack: (string | null)[];
  onset: number[];
  /** Per cycle 1..T. */
  dr: number[];
  fpr: number[];
  fprNoEnergy: number[];
  rer: number[];
  /** Mean Stm, Dtm, Etm, trust over active nodes per cycle 1..T (Fig. 5). */
  meanStm: number[];
  meanDtm: number[];
  meanEtm: number[];
  meanTrust: number[];
  /** Honest trust at t = 1 and honest |Δtrust| per cycle (calibration). */
  honestFirst: number[];
  honestDev: number[];
}

/** Runs one scheme over `cycles` cycles (plus enrolment) of one world. */
export function runTrial(o: TrialOptions): TrialResult {
  const w = o.world;
  const n = w.size;
  const scheme = createScheme(o.scheme, n, o.params);
  const out = createCycleScores(n);
  const excluded = new Uint8Array(n);
  const res = emptyResult(o.scheme, w);
  const prev = new Float64Array(n).fill(Number.NaN);
  for (let t = 0; t <= o.cycles; t++) {
    const batch = w.step({ excluded, overhead: scheme.overhead });
    resetCycleScores(out);
    scheme.score(batch, out);
    for (let i = 0; i < n; i++) {
      if (batch.active[i] !== 1) continue;
      recordHonest(res, { i, t, trust: out.trust[i] ?? Number.NaN, prev });
      const f = out.flag[i] ?? 0;
      if (t > 0 && f !== 0 && (res.firstFlag[i] ?? -1) < 0) {
        res.firstFlag[i] = t;
        res.reason[i] = f;
        if (o.exclude !== false) excluded[i] = 1;
      }
    }
    if (t > 0) recordCycle(res, { batch, out, t, remaining: w.remaining() });
  }
  return res;
}

function emptyResult(scheme: SchemeName, w: TrialWorld): TrialResult {
  const n = w.size;
  return {
    scheme,
    firstFlag: new Array<number>(n).fill(-1),
    reason: new Array<number>(n).fill(0),
    malicious: Array.from(w.truth.malicious),
    attack: w.truth.attack.map((a) => a ?? null),
    onset: Array.from(w.truth.onset),
    dr: [],
    fpr: [],
    fprNoEnergy: [],
    rer: [],
    meanStm: [],
    meanDtm: [],
    meanEtm: [],
    meanTrust: [],
    honestFirst: [],
    honestDev: [],
  };
}

function recordHonest(
  res: TrialResult,
  v: { i: number; t: number; trust: number; prev: Float64Array },
): void {
  const { i, t, trust, prev } = v;
  if (res.malicious[i] === 1 || Number.isNaN(trust)) return;
  if (t === 1) res.honestFirst.push(trust);
  const p = prev[i] ?? Number.NaN;
  if (t > 0 && !Number.isNaN(p)) res.honestDev.push(Math.abs(trust - p));
  prev[i] = trust;
}

interface CycleRecord {
  batch: EvidenceBatch;
  out: ReturnType<typeof createCycleScores>;
  t: number;
  remaining: Float64Array;
}

/** DR(t), FPR(t), FPR_noEnergy(t), RER(t) and component means [trust-§10, §5]. */
function recordCycle(res: TrialResult, c: CycleRecord): void {
  let mal = 0;
  let det = 0;
  let hon = 0;
  let fp = 0;
  let fpNe = 0;
  let rer = 0;
  const e0 = c.batch.initial;
  for (let i = 0; i < res.malicious.length; i++) {
    const flagged = (res.firstFlag[i] ?? -1) >= 0;
    if (res.malicious[i] === 1) {
      mal++;
      if (flagged) det++;
    } else {
      hon++;
      if (flagged) fp++;
      if (flagged && res.reason[i] !== REASON_ENERGY) fpNe++;
      rer += (c.remaining[i] ?? 0) / (e0[i] || 1);
    }
  }
  res.dr.push(mal > 0 ? det / mal : Number.NaN);
  res.fpr.push(hon > 0 ? fp / hon : 0);
  res.fprNoEnergy.push(hon > 0 ? fpNe / hon : 0);
  res.rer.push(hon > 0 ? rer / hon : Number.NaN);
  res.meanStm.push(meanActive(c.batch, c.out.stm));
  res.meanDtm.push(meanActive(c.batch, c.out.dtm));
  res.meanEtm.push(meanActive(c.batch, c.out.etm));
  res.meanTrust.push(meanActive(c.batch, c.out.trust));
}

function meanActive(b: EvidenceBatch, v: Float64Array): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < b.size; i++) {
    const x = v[i] ?? Number.NaN;
    if (b.active[i] === 1 && !Number.isNaN(x)) {
      s += x;
      n++;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}
