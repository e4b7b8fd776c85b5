// Writes a packed group (inside the worker's transaction): a statement per reading (into the inbox), but
// one per replay window and reject counter of the whole group (aggregated first); evidence: evidence-buffer.ts.
import type { ReplayState } from '../types.ts';
import { bitmapFromHex, bitmapToHex, mergeReplayStates } from '../replay-merge.ts';
import { unknownTerminal } from '../validate.ts';
import { EVIDENCE_COLS, READING_COLS, REPLAY_COLS, rowRange, type PackedGroup } from './write-codec.ts';
import type { ReadingInbox } from './reading-inbox.ts';
import { appendAuditSync, type WriteOps } from './write-ops.ts';

/** What one batch of the group wrote. */
export interface BatchOutcome {
  stored: number;
  duplicates: number[];
}

const orNull = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/**
 * What the write worker remembers between groups. `known`: terminals seen to exist (terminals are
 * never deleted, so a positive answer stays true). `replay`: the committed replay windows this
 * connection read or wrote (it is their only writer); cleared by {@link forgetUncommitted} whenever a
 * transaction rolls back, so it never holds a state that is not in the database.
 */
export interface WriterMemory {
  readonly known: Set<string>;
  readonly replay: Map<string, ReplayState>;
  /** The readings inbox and its in-memory duplicate index. */
  readonly inbox: ReadingInbox;
}

/** Call after a rollback: the replay cache and the inbox index may hold rows of the rolled-back transaction. */
export function forgetUncommitted(m: WriterMemory): void {
  m.replay.clear();
  m.inbox.forget();
}

/** Throws (rolling the transaction back) when a batch in [b0, b1) names an unknown terminal. */
function checkTerminals(ops: WriteOps, g: PackedGroup, known: Set<string>, b0: number, b1: number): void {
  const used = new Set<number>();
  const [r0, r1] = rowRange(g.readingEnd, b0, b1);
  for (let i = r0; i < r1; i++) used.add(g.readingTerm[i] ?? 0);
  const [u0, u1] = rowRange(g.replayEnd, b0, b1);
  for (let i = u0; i < u1; i++) used.add(g.replay[i * REPLAY_COLS + 4] ?? 0);
  const [e0, e1] = rowRange(g.evidenceEnd, b0, b1);
  for (let i = e0; i < e1; i++) used.add(g.evidence[i * EVIDENCE_COLS] ?? 0);
  for (const ti of used) {
    const id = g.terminals[ti] ?? '';
    if (known.has(id)) continue; // terminals are never deleted, so a positive answer stays true
    if (ops.terminalExists.get(id) === undefined) unknownTerminal(id);
    known.add(id);
  }
}

function insertReadings(g: PackedGroup, inbox: ReadingInbox, b0: number, b1: number): BatchOutcome[] {
  const out: BatchOutcome[] = [];
  const a = g.readings;
  for (let b = b0; b < b1; b++) {
    const [r0, r1] = rowRange(g.readingEnd, b, b + 1);
    const res: BatchOutcome = { stored: 0, duplicates: [] };
    for (let i = r0; i < r1; i++) {
      const o = i * READING_COLS;
      const terminal = g.terminals[g.readingTerm[i] ?? 0] ?? '';
      const [purpose, version, fc] = [a[o] ?? 0, a[o + 1] ?? 0, a[o + 2] ?? 0];
      if (inbox.isStored(terminal, purpose, version, fc)) {
        res.duplicates.push(i - r0);
        continue;
      }
      const raw = g.raw?.[i] ?? null;
      inbox.insert([
        terminal,
        purpose,
        version,
        fc,
        a[o + 3] ?? 0,
        a[o + 4] ?? 0,
        orNull(a[o + 5]),
        orNull(a[o + 6]),
        orNull(a[o + 7]),
        orNull(a[o + 8]),
        orNull(a[o + 9]),
        orNull(a[o + 10]),
        orNull(a[o + 11]),
        orNull(a[o + 12]),
        raw === null ? null : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
      ]);
      res.stored += 1;
    }
    out.push(res);
  }
  return out;
}

/** [SGT1-1.2] one merged window per (terminal, purpose, dir, version); windows never move backwards. */
function mergeReplays(
  ops: WriteOps,
  g: PackedGroup,
  cache: WriterMemory['replay'],
  range: [number, number],
): void {
  // Row index of the newest update per window of this range (merged with any earlier ones).
  const windows = new Map<string, { row: number; state: ReplayState }>();
  const [u0, u1] = rowRange(g.replayEnd, range[0], range[1]);
  const r = g.replay;
  for (let i = u0; i < u1; i++) {
    const o = i * REPLAY_COLS;
    const k = `${g.terminals[r[o + 4] ?? 0] ?? ''}|${r[o]}|${r[o + 1]}|${r[o + 2]}`;
    const state = { highest: r[o + 3] ?? -1, bitmap: g.bitmaps[i] ?? 0n };
    const prev = windows.get(k);
    windows.set(k, { row: o, state: prev === undefined ? state : mergeReplayStates(prev.state, state) });
  }
  for (const [k, { row: o, state }] of windows) {
    const key = [g.terminals[r[o + 4] ?? 0] ?? '', r[o] ?? 0, r[o + 1] ?? 0, r[o + 2] ?? 0] as const;
    let prev = cache.get(k);
    if (prev === undefined) {
      const row = ops.getReplay.get(...key);
      if (row !== undefined) prev = { highest: row.highest, bitmap: bitmapFromHex(row.bitmap) };
    }
    const next = prev === undefined ? state : mergeReplayStates(prev, state);
    ops.putReplay.run(...key, next.highest, bitmapToHex(next.bitmap));
    cache.set(k, next);
  }
}

function addRejects(ops: WriteOps, g: PackedGroup, b0: number, b1: number): void {
  const sums = new Map<string, { reason: string; terminal: string; count: number }>();
  for (const list of g.rejects.slice(b0, b1)) {
    for (const c of list ?? []) {
      const k = `${c.reason}|${c.terminal ?? ''}`;
      const s = sums.get(k);
      if (s === undefined) sums.set(k, { reason: c.reason, terminal: c.terminal ?? '', count: c.count });
      else s.count += c.count;
    }
  }
  for (const s of sums.values()) ops.addReject.run(s.reason, s.terminal, s.count);
}

/**
 * Writes batches [b0, b1) of `g` (inside the caller's transaction) and returns each batch's outcome.
 * Terminal checks and replay reads go through `mem` (one lookup per new terminal or window).
 */
export function applyBatches(
  ops: WriteOps,
  g: PackedGroup,
  mem: WriterMemory,
  range: [number, number],
): BatchOutcome[] {
  const [b0, b1] = range;
  checkTerminals(ops, g, mem.known, b0, b1);
  const out = insertReadings(g, mem.inbox, b0, b1);
  mergeReplays(ops, g, mem.replay, range);
  // Evidence rows are summed by the worker's EvidenceBuffer once this transaction has committed.
  addRejects(ops, g, b0, b1);
  for (const entries of g.audit.slice(b0, b1)) if (entries !== null) appendAuditSync(ops, entries);
  return out;
}
