// Behaviour evidence held by the write worker between flushes: summed in memory per (cycle, terminal)
// from committed groups and written as one upsert per row at most every `evidenceFlushMs` (ADR 0008).
import { EVIDENCE_COLS, rowRange, type PackedGroup } from './write-codec.ts';
import type { WriteOps } from './write-ops.ts';

/** requests, replies, duplicates, late, integrityFailures, delaySumMs, delayCount. */
const COUNTS = EVIDENCE_COLS - 2;

/** Additive counters not yet in the evidence table. Only committed batches are added. */
export class EvidenceBuffer {
  private pending = new Map<number, Map<string, Float64Array>>();
  /** Distinct (cycle, terminal) rows pending. */
  rows = 0;

  /** Adds the evidence rows of batches [b0, b1) of a group that has committed. */
  add(g: PackedGroup, b0: number, b1: number): void {
    const ev = g.evidence;
    const [e0, e1] = rowRange(g.evidenceEnd, b0, b1);
    for (let i = e0; i < e1; i++) {
      const o = i * EVIDENCE_COLS;
      const cycle = ev[o + 1] ?? 0;
      const terminal = g.terminals[ev[o] ?? 0] ?? '';
      let byTerminal = this.pending.get(cycle);
      if (byTerminal === undefined) this.pending.set(cycle, (byTerminal = new Map<string, Float64Array>()));
      let sums = byTerminal.get(terminal);
      if (sums === undefined) {
        byTerminal.set(terminal, (sums = new Float64Array(COUNTS)));
        this.rows++;
      }
      for (let j = 0; j < COUNTS; j++) sums[j] = (sums[j] ?? 0) + (ev[o + 2 + j] ?? 0);
    }
  }

  /** Writes every pending row (inside the caller's transaction); call {@link clear} once it committed. */
  write(ops: WriteOps): void {
    for (const [cycle, byTerminal] of this.pending) {
      for (const [terminal, c] of byTerminal) {
        ops.addEvidence.run(terminal, cycle, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
      }
    }
  }

  clear(): void {
    this.pending = new Map();
    this.rows = 0;
  }
}
