// The online trust engine of a running platform or fusion terminal: it takes per-partition evidence
// messages (the bus's evidence.<partition>), closes each cycle once the injected clock has passed its
// end, and returns the decisions to publish (decisions.<partition>) — no I/O, no timers of its own.
import type { Clock } from '../../core/index.ts';
import { evidenceFromCounters, type EvidenceCounters } from '../counters.ts';
import { createTrustEngine, type TrustDecision, type TrustEngine } from '../engine.ts';
import type { EvidenceRecord } from '../evidence.ts';
import type { SchemeParams } from '../schemes.ts';
import type { FlagReason, SchemeName } from '../types.ts';

/** One message of evidence deltas of terminals in one partition (fusion terminal), as ingest publishes them. */
export interface EvidenceMessage {
  readonly partition: string;
  readonly evidence: readonly EvidenceCounters[];
}

/** A terminal flagged in a closed cycle, with the audit text its quarantine is recorded with. */
export interface FlaggedTerminal {
  readonly terminal: string;
  readonly reason: FlagReason;
  readonly detail: string;
  /** `<reason> cycle <n>: <detail>; {trust, components, evidence}` — the decision and what it rests on. */
  readonly audit: string;
}

/** The decisions of one closed cycle in one partition (what goes on decisions.<partition>). */
export interface CycleDecisions {
  readonly partition: string;
  readonly cycle: number;
  readonly decisions: readonly TrustDecision[];
  readonly flagged: readonly FlaggedTerminal[];
}

/** Options of {@link createOnlineTrust}. */
export interface OnlineTrustOptions {
  /** @default 'robust' */
  scheme?: SchemeName;
  params?: SchemeParams;
  /** Length of an evidence cycle, ms (the ingest pipeline's cycle). */
  cycleMs: number;
  clock: Clock;
}

/** Counters of what the engine took in. */
export interface OnlineTrustStats {
  /** Evidence messages added. */
  messages: number;
  /** Messages seen before (a redelivery) and ignored. */
  duplicates: number;
  /** Deltas of a cycle that had already been closed when they arrived (not scored). */
  late: number;
}

/** See {@link createOnlineTrust}. */
export interface OnlineTrust {
  readonly engine: TrustEngine;
  /**
   * Adds one message's deltas. With `seq` (the bus's per-subject sequence), a message whose seq was
   * already added for its partition is ignored: redeliveries never count twice. False when ignored.
   */
  addEvidence(m: EvidenceMessage, seq?: number): boolean;
  /** Scores every cycle that ended on the clock and was not closed yet, oldest first. */
  closeEnded(): CycleDecisions[];
  /** The last cycle closed (the cycle before the start when none). */
  readonly lastClosed: number;
  /** Operator action: the engine forgets the terminal's flag. */
  reinstate(terminal: string): boolean;
  stats(): OnlineTrustStats;
}

type Sum = { -readonly [K in keyof EvidenceCounters]: EvidenceCounters[K] };

function addInto(to: Sum, d: EvidenceCounters): void {
  to.requests += d.requests;
  to.replies += d.replies;
  to.duplicates += d.duplicates;
  to.late += d.late;
  to.integrityFailures += d.integrityFailures;
  to.delaySumMs += d.delaySumMs;
  to.delayCount += d.delayCount;
}

/** The audit text of a flag: the decision and the evidence it rests on (append-only audit log). */
export function flagAudit(d: TrustDecision, record: EvidenceRecord | undefined): string {
  const detail = JSON.stringify({ trust: d.trust, components: d.components, evidence: record });
  return `${d.flag?.reason ?? 'LOW_TRUST'} cycle ${d.cycle}: ${d.flag?.detail ?? ''}; ${detail}`;
}

/**
 * Scores one cycle's records of one partition, in terminal order (the order the store returns them,
 * so the bus-fed engine and a replay from the store make the same decisions).
 */
export function scorePartitionCycle(
  engine: TrustEngine,
  x: { partition: string; cycle: number; counters: Iterable<EvidenceCounters> },
): CycleDecisions {
  const records = [...x.counters]
    .sort((a, b) => a.terminal.localeCompare(b.terminal))
    .map((c) => evidenceFromCounters(c, { fusionTerminal: x.partition }));
  const byId = new Map(records.map((r) => [r.terminal, r]));
  const decisions = engine.scoreCycle(records);
  const flagged = decisions
    .filter((d) => d.flag !== null)
    .map((d) => ({
      terminal: d.terminal,
      reason: d.flag?.reason ?? 'LOW_TRUST',
      detail: d.flag?.detail ?? '',
      audit: flagAudit(d, byId.get(d.terminal)),
    }));
  return { partition: x.partition, cycle: x.cycle, decisions, flagged };
}

/**
 * Creates the engine. A cycle `c` holds the evidence of frames received in [c·cycleMs, (c+1)·cycleMs);
 * it is closed by the first `closeEnded()` after the clock passed its end [trust-§6 "per cycle"] —
 * the caller makes sure every commit of that cycle has been delivered first (flush, then the bus settles).
 * @example
 * const trust = createOnlineTrust({ cycleMs: 60_000, clock });
 * bus.subscribe('evidence.>', (m) => void trust.addEvidence(m.body, m.seq));
 * for (const d of trust.closeEnded()) await bus.publish(`decisions.${d.partition}`, d);
 */
export function createOnlineTrust(o: OnlineTrustOptions): OnlineTrust {
  const engine = createTrustEngine({ scheme: o.scheme ?? 'robust', params: o.params });
  const cycleOf = (): number => Math.floor(o.clock.now() / o.cycleMs);
  let lastClosed = cycleOf() - 1; // the cycle before the start has no evidence
  /** cycle → partition → terminal → summed counters */
  const open = new Map<number, Map<string, Map<string, Sum>>>();
  const lastSeq = new Map<string, number>();
  const stats: OnlineTrustStats = { messages: 0, duplicates: 0, late: 0 };
  const add = (partition: string, d: EvidenceCounters): void => {
    if (d.cycle <= lastClosed) {
      stats.late++;
      return;
    }
    let byPartition = open.get(d.cycle);
    if (byPartition === undefined) open.set(d.cycle, (byPartition = new Map<string, Map<string, Sum>>()));
    let terminals = byPartition.get(partition);
    if (terminals === undefined) byPartition.set(partition, (terminals = new Map<string, Sum>()));
    const sum = terminals.get(d.terminal);
    if (sum === undefined) terminals.set(d.terminal, { ...d });
    else addInto(sum, d);
  };
  const close = (cycle: number): CycleDecisions[] => {
    const byPartition = open.get(cycle) ?? new Map<string, Map<string, Sum>>();
    open.delete(cycle);
    return [...byPartition]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([partition, t]) => scorePartitionCycle(engine, { partition, cycle, counters: t.values() }));
  };
  return {
    engine,
    addEvidence(m, seq) {
      if (seq !== undefined) {
        if (seq <= (lastSeq.get(m.partition) ?? 0)) {
          stats.duplicates++;
          return false;
        }
        lastSeq.set(m.partition, seq);
      }
      stats.messages++;
      for (const d of m.evidence) add(m.partition, d);
      return true;
    },
    closeEnded() {
      const out: CycleDecisions[] = [];
      for (const current = cycleOf(); lastClosed < current - 1;) out.push(...close(++lastClosed));
      return out;
    },
    get lastClosed() {
      return lastClosed;
    },
    reinstate: (terminal) => engine.reinstate(terminal),
    stats: () => ({ ...stats }),
  };
}
