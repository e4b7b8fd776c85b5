// Behaviour evidence per terminal per cycle, and reject counters: accumulated in memory, drained per batch.
import type { TerminalId } from '../core/index.ts';
import { EVIDENCE_COUNTER_FIELDS } from '../model/index.ts';
import type { EvidenceIncrement, RejectIncrement } from './store-port.ts';

type Counter = 'requests' | 'replies' | 'duplicates' | 'late' | 'integrityFailures';

interface Mutable {
  terminal: TerminalId;
  cycle: number;
  requests: number;
  replies: number;
  duplicates: number;
  late: number;
  integrityFailures: number;
  delaySumMs: number;
  delayCount: number;
}

/** Accumulates evidence and reject counts between two commits. */
export interface EvidenceAccumulator {
  count(terminal: TerminalId, cycle: number, what: Counter): void;
  /** Adds one reading's delay; `late` also counts it as late. */
  delay(terminal: TerminalId, cycle: number, ms: number, late?: boolean): void;
  reject(reason: string, terminal: TerminalId | null): void;
  /**
   * Returns everything counted since the last drain and starts afresh; with `rejectsOnly`, only the
   * reject counts (the evidence keeps summing for a later drain).
   */
  drain(rejectsOnly?: boolean): { evidenceDeltas: EvidenceIncrement[]; rejectCounts: RejectIncrement[] };
  /** True while evidence (not only reject counts) waits for a drain. */
  readonly evidencePending: boolean;
  /** Puts drained counts back (their batch failed to commit), so nothing is lost. */
  restore(d: {
    evidenceDeltas: readonly EvidenceIncrement[];
    rejectCounts: readonly RejectIncrement[];
  }): void;
  readonly pending: boolean;
}

/** The additive counters of a slot (what restore adds back). */
const COUNTS = EVIDENCE_COUNTER_FIELDS;

/** Zeroed counters, written out (not spread) so every slot gets one shape cheaply. */
function fresh(terminal: TerminalId, cycle: number): Mutable {
  return {
    terminal,
    cycle,
    requests: 0,
    replies: 0,
    duplicates: 0,
    late: 0,
    integrityFailures: 0,
    delaySumMs: 0,
    delayCount: 0,
  };
}

/** A live slot: its counters since the last drain, and whether it is in the dirty list. */
interface Live extends Mutable {
  dirty: boolean;
}

/** The drained copy of a live slot (fields named: this runs per terminal per batch). */
function snapshot(m: Live): Mutable {
  return {
    terminal: m.terminal,
    cycle: m.cycle,
    requests: m.requests,
    replies: m.replies,
    duplicates: m.duplicates,
    late: m.late,
    integrityFailures: m.integrityFailures,
    delaySumMs: m.delaySumMs,
    delayCount: m.delayCount,
  };
}

function zero(m: Live): void {
  m.requests = m.replies = m.duplicates = m.late = m.integrityFailures = 0;
  m.delaySumMs = m.delayCount = 0;
  m.dirty = false;
}

/**
 * Creates an empty accumulator. Slots outlive a drain (zeroed, not dropped) while their cycle is
 * active, so a terminal that reports every batch finds its slot instead of inserting a new one.
 */
export function createEvidenceAccumulator(): EvidenceAccumulator {
  const ev = new Map<number, Map<string, Live>>();
  let dirty: Live[] = [];
  let rej = new Map<string, RejectIncrement & { count: number }>();
  // The last slot used: one frame's several counts (and a batch's frames of one cycle) hit it.
  let last: Live | undefined;
  let lastCycle: Map<string, Live> | undefined;
  const slot = (terminal: TerminalId, cycle: number): Live => {
    if (last !== undefined && last.terminal === terminal && last.cycle === cycle) return last;
    let byTerminal = lastCycle !== undefined && last?.cycle === cycle ? lastCycle : ev.get(cycle);
    if (byTerminal === undefined) ev.set(cycle, (byTerminal = new Map<string, Live>()));
    let m = byTerminal.get(terminal);
    if (m === undefined)
      byTerminal.set(terminal, (m = Object.assign(fresh(terminal, cycle), { dirty: false })));
    if (!m.dirty) {
      m.dirty = true;
      dirty.push(m);
    }
    lastCycle = byTerminal;
    return (last = m);
  };
  /** Drops the cycles nothing was counted in since the last drain (their slots are all zero). */
  const prune = (drained: readonly Live[]): void => {
    const active = new Set<number>();
    for (const m of drained) active.add(m.cycle);
    for (const c of ev.keys()) if (!active.has(c)) ev.delete(c);
  };
  const addReject = (reason: string, terminal: TerminalId | null, n: number): void => {
    const id = `${reason}|${terminal ?? ''}`;
    const r = rej.get(id);
    if (r === undefined) rej.set(id, { reason, terminal, count: n });
    else r.count += n;
  };
  return {
    count: (t, c, what) => void slot(t, c)[what]++,
    delay(t, c, ms, late) {
      const m = slot(t, c);
      m.delaySumMs += ms;
      m.delayCount++;
      if (late === true) m.late++;
    },
    reject: (reason, terminal) => addReject(reason, terminal, 1),
    drain(rejectsOnly) {
      if (rejectsOnly === true) {
        const rejectCounts = [...rej.values()];
        rej = new Map();
        return { evidenceDeltas: [], rejectCounts };
      }
      const drained = dirty;
      const evidenceDeltas = drained.map(snapshot);
      for (const m of drained) zero(m);
      const out = { evidenceDeltas, rejectCounts: [...rej.values()] };
      dirty = [];
      rej = new Map();
      prune(drained);
      last = lastCycle = undefined;
      return out;
    },
    restore(d) {
      for (const e of d.evidenceDeltas) {
        const m = slot(e.terminal, e.cycle);
        for (const k of COUNTS) m[k] += e[k];
      }
      for (const r of d.rejectCounts) addReject(r.reason, r.terminal ?? null, r.count);
    },
    get evidencePending() {
      return dirty.length > 0;
    },
    get pending() {
      return dirty.length > 0 || rej.size > 0;
    },
  };
}
