// The online trust engine: takes one cycle's evidence records for any set of terminals and returns decisions.
import type { EvidenceRecord } from './evidence.ts';
import { TrustError } from './errors.ts';
import { createScheme, type SchemeParams } from './schemes.ts';
import {
  createCycleScores,
  createEvidenceBatch,
  FACTOR_NAMES,
  HW_ATTRS,
  OPS_FEATURES,
  resetCycleScores,
  SW_ATTRS,
  toFlagReason,
  type CycleScores,
  type EvidenceBatch,
  type FlagReason,
  type SchemeName,
  type TrustScheme,
} from './types.ts';

/** Engine options: one scheme instance per fusion terminal (the sharding key of DESIGN.md). */
export interface TrustEngineOptions {
  scheme: SchemeName;
  params?: SchemeParams;
  /** @default 1024 — terminals per fusion terminal */
  capacity?: number;
}

/** The engine's verdict on one terminal in one cycle. */
export interface TrustDecision {
  terminal: string;
  fusionTerminal: string;
  cycle: number;
  /** Combined trust (NaN when the terminal is quarantined and no longer scored). */
  trust: number;
  components: { stm: number | null; dtm: number | null; etm: number | null };
  /** True once flagged; stays true until reinstate(). */
  quarantined: boolean;
  /** Set in the cycle the terminal is flagged. */
  flag: { reason: FlagReason; detail: string } | null;
  /**
   * Why: the deciding factor (the flag's, else the one closest to its threshold), its observed value,
   * the baseline it was compared with, the test statistic and the threshold (null when not scored).
   */
  explanation: Explanation | null;
}

/** See TrustDecision.explanation; factor names are those of FACTOR_NAMES. */
export interface Explanation {
  factor: string;
  observed: number | null;
  baseline: number | null;
  statistic: number | null;
  threshold: number | null;
}

/** See createTrustEngine. */
export interface TrustEngine {
  scoreCycle(records: readonly EvidenceRecord[]): TrustDecision[];
  /** Operator action: lift the quarantine; `reenrol` resets the attestation baseline (authorised upgrade). */
  reinstate(terminal: string, opts?: { reenrol?: boolean }): boolean;
  quarantined(): { terminal: string; fusionTerminal: string; reason: FlagReason; cycle: number }[];
}

interface Group {
  scheme: TrustScheme;
  batch: EvidenceBatch;
  out: CycleScores;
  slots: Map<string, number>;
  ids: string[];
}

interface TerminalState {
  baseHw?: string[];
  baseSw?: string[];
  quarantine?: { reason: FlagReason; cycle: number };
}

/**
 * Creates an engine. The same code scores LVESUs at a fusion terminal and fusion terminals at the platform:
 * a record's `fusionTerminal` names the group whose peers it is compared with.
 * @example
 * const engine = createTrustEngine({ scheme: 'robust' });
 * const decisions = engine.scoreCycle(records); // one cycle
 */
export function createTrustEngine(opts: TrustEngineOptions): TrustEngine {
  const capacity = opts.capacity ?? 1024;
  const groups = new Map<string, Group>();
  const terminals = new Map<string, TerminalState & { fusionTerminal: string }>();
  const group = (ft: string): Group => {
    let g = groups.get(ft);
    if (g === undefined) {
      const scheme = createScheme(opts.scheme, capacity, opts.params);
      g = {
        scheme,
        batch: createEvidenceBatch(capacity, capacity * 64),
        out: createCycleScores(capacity),
        slots: new Map(),
        ids: [],
      };
      groups.set(ft, g);
    }
    return g;
  };
  return {
    scoreCycle(records) {
      const byFt = new Map<string, EvidenceRecord[]>();
      for (const r of records) byFt.set(r.fusionTerminal, [...(byFt.get(r.fusionTerminal) ?? []), r]);
      return [...byFt].flatMap(([ft, rs]) => scoreGroup(group(ft), rs, { terminals, capacity }));
    },
    reinstate(terminal, o = {}) {
      const t = terminals.get(terminal);
      if (t?.quarantine === undefined) return false;
      t.quarantine = undefined;
      if (o.reenrol === true) {
        t.baseHw = undefined;
        t.baseSw = undefined;
      }
      return true;
    },
    quarantined: () =>
      [...terminals]
        .filter(([, t]) => t.quarantine !== undefined)
        .map(([id, t]) => ({
          terminal: id,
          fusionTerminal: t.fusionTerminal,
          reason: t.quarantine?.reason ?? 'LOW_TRUST',
          cycle: t.quarantine?.cycle ?? 0,
        })),
  };
}

type Ctx = { terminals: Map<string, TerminalState & { fusionTerminal: string }>; capacity: number };

function slotOf(g: Group, id: string, capacity: number): number {
  let s = g.slots.get(id);
  if (s === undefined) {
    if (g.ids.length >= capacity) {
      throw new TrustError(
        'GT_ERR_TRUST_BATCH_SIZE',
        `more than ${capacity} terminals under one fusion terminal`,
        {
          hint: 'raise the engine capacity option (createTrustEngine({ capacity }))',
        },
      );
    }
    s = g.ids.length;
    g.slots.set(id, s);
    g.ids.push(id);
  }
  return s;
}

function scoreGroup(g: Group, rs: readonly EvidenceRecord[], ctx: Ctx): TrustDecision[] {
  const b = g.batch;
  b.active.fill(0);
  b.statusReport.fill(0);
  b.attested.fill(0);
  b.repCount = 0;
  b.cycle = Math.max(...rs.map((r) => r.cycle));
  const used: number[] = [];
  for (const r of rs) {
    const i = slotOf(g, r.terminal, ctx.capacity);
    const t = ctx.terminals.get(r.terminal) ?? { fusionTerminal: r.fusionTerminal };
    ctx.terminals.set(r.terminal, t);
    used.push(i);
    if (t.quarantine !== undefined) continue;
    fillSlot(b, i, r, t);
  }
  for (const r of rs) fillRecommendations(g, b, r);
  resetCycleScores(g.out);
  g.scheme.score(b, g.out);
  return rs.map((r, k) => decide(g, r, used[k] ?? 0, ctx));
}

function fillSlot(b: EvidenceBatch, i: number, r: EvidenceRecord, t: TerminalState): void {
  b.active[i] = 1;
  b.requests[i] = r.requests;
  b.valid[i] = r.validReplies;
  b.late[i] = r.lateReplies;
  b.tamperedCaught[i] = r.tamperedCaught;
  b.duplicates[i] = r.duplicates;
  b.meanDelay[i] = r.meanDelayMs ?? Number.NaN;
  b.delayResolution[i] = r.delayResolutionMs ?? 0;
  b.remaining[i] = r.remainingEnergyJ;
  b.initial[i] = r.initialEnergyJ;
  if (r.operatingState !== undefined) {
    b.statusReport[i] = 1;
    r.operatingState.forEach((v, k) => (b.ops[i * OPS_FEATURES + k] = v));
  }
  if (r.attestation !== undefined) {
    t.baseHw ??= r.attestation.hw;
    t.baseSw ??= r.attestation.sw;
    b.attested[i] = 1;
    b.statusReport[i] = 1;
    r.attestation.hw.forEach((h, j) => (b.hwMatch[i * HW_ATTRS + j] = h === t.baseHw?.[j] ? 1 : 0));
    r.attestation.sw.forEach((h, j) => (b.swMatch[i * SW_ATTRS + j] = h === t.baseSw?.[j] ? 1 : 0));
  } else if (r.attestationMatch !== undefined) {
    b.attested[i] = 1;
    b.statusReport[i] = 1;
    r.attestationMatch.hw.forEach((v, j) => (b.hwMatch[i * HW_ATTRS + j] = v));
    r.attestationMatch.sw.forEach((v, j) => (b.swMatch[i * SW_ATTRS + j] = v));
  }
}

function fillRecommendations(g: Group, b: EvidenceBatch, r: EvidenceRecord): void {
  const from = g.slots.get(r.terminal);
  if (from === undefined || r.recommendations === undefined) return;
  for (const rec of r.recommendations) {
    const about = g.slots.get(rec.about);
    if (about === undefined || b.repCount >= b.repFrom.length) continue;
    const m = b.repCount++;
    b.repFrom[m] = from;
    b.repAbout[m] = about;
    b.repPos[m] = rec.positive;
    b.repNeg[m] = rec.negative;
  }
}

const orNull = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x);

function decide(g: Group, r: EvidenceRecord, i: number, ctx: Ctx): TrustDecision {
  const t = ctx.terminals.get(r.terminal) ?? { fusionTerminal: r.fusionTerminal };
  const was = t.quarantine !== undefined;
  const reason = was ? undefined : toFlagReason(g.out.flag[i] ?? 0);
  if (reason !== undefined) t.quarantine = { reason, cycle: r.cycle };
  return {
    terminal: r.terminal,
    fusionTerminal: r.fusionTerminal,
    cycle: r.cycle,
    trust: was ? Number.NaN : (g.out.trust[i] ?? Number.NaN),
    components: was
      ? { stm: null, dtm: null, etm: null }
      : { stm: orNull(g.out.stm[i]), dtm: orNull(g.out.dtm[i]), etm: orNull(g.out.etm[i]) },
    quarantined: t.quarantine !== undefined,
    flag: reason === undefined ? null : { reason, detail: g.out.detail[i] ?? '' },
    explanation: was ? null : explanationOf(g.out, i),
  };
}

function explanationOf(out: CycleScores, i: number): Explanation | null {
  const f = out.factor[i] ?? 0;
  if (f === 0) return null;
  return {
    factor: FACTOR_NAMES[f] ?? 'trust',
    observed: orNull(out.observed[i]),
    baseline: orNull(out.baseline[i]),
    statistic: orNull(out.statistic[i]),
    threshold: orNull(out.threshold[i]),
  };
}
