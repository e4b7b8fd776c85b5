// Behaviour evidence per terminal per cycle, and reject counters: accumulated in memory, drained per batch.
import type { TerminalId } from '../core/index.ts';
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
  /** Returns everything counted since the last drain and starts afresh. */
  drain(): { evidenceDeltas: EvidenceIncrement[]; rejectCounts: RejectIncrement[] };
  /** Puts drained counts back (their batch failed to commit), so nothing is lost. */
  restore(d: {
    evidenceDeltas: readonly EvidenceIncrement[];
    rejectCounts: readonly RejectIncrement[];
  }): void;
  readonly pending: boolean;
}

const EMPTY = {
  requests: 0,
  replies: 0,
  duplicates: 0,
  late: 0,
  integrityFailures: 0,
  delaySumMs: 0,
  delayCount: 0,
};

/** Zeroed counters, written out (not spread from EMPTY) so every slot gets one shape cheaply. */
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

/** Creates an empty accumulator. */
export function createEvidenceAccumulator(): EvidenceAccumulator {
  // cycle → terminal → counters: no string keys on the per-frame path.
  let ev = new Map<number, Map<string, Mutable>>();
  let rej = new Map<string, RejectIncrement & { count: number }>();
  // The last slot used: one frame's several counts (and a batch's frames of one cycle) hit it.
  let last: Mutable | undefined;
  let lastCycle: Map<string, Mutable> | undefined;
  const slot = (terminal: TerminalId, cycle: number): Mutable => {
    if (last !== undefined && last.terminal === terminal && last.cycle === cycle) return last;
    let byTerminal = lastCycle !== undefined && last?.cycle === cycle ? lastCycle : ev.get(cycle);
    if (byTerminal === undefined) ev.set(cycle, (byTerminal = new Map<string, Mutable>()));
    let m = byTerminal.get(terminal);
    if (m === undefined) byTerminal.set(terminal, (m = fresh(terminal, cycle)));
    lastCycle = byTerminal;
    return (last = m);
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
    drain() {
      const evidenceDeltas: Mutable[] = [];
      for (const byTerminal of ev.values()) for (const m of byTerminal.values()) evidenceDeltas.push(m);
      const out = { evidenceDeltas, rejectCounts: [...rej.values()] };
      ev = new Map();
      rej = new Map();
      last = lastCycle = undefined;
      return out;
    },
    restore(d) {
      for (const e of d.evidenceDeltas) {
        const m = slot(e.terminal, e.cycle);
        for (const k of Object.keys(EMPTY) as (keyof typeof EMPTY)[]) m[k] += e[k];
      }
      for (const r of d.rejectCounts) addReject(r.reason, r.terminal ?? null, r.count);
    },
    get pending() {
      return ev.size > 0 || rej.size > 0;
    },
  };
}
