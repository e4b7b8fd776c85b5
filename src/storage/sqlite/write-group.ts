// Writes a packed group (inside the worker's transaction): a statement per reading (into the inbox), but
// one per replay window and reject counter of the whole group (aggregated first); evidence: evidence-buffer.ts.
import { mergeReplayStates } from '../replay-merge.ts';
import type { ReplayState } from '../types.ts';
import { unknownTerminal } from '../validate.ts';
import { EVIDENCE_COLS, READING_COLS, REPLAY_COLS, rowRange, type PackedGroup } from './write-codec.ts';
import type { ReadingInbox } from './reading-inbox.ts';
import { windowId, type ReplayWindows, type WindowKey } from './replay-windows.ts';
import { appendAuditSync, type WriteOps } from './write-ops.ts';

/** What one batch of the group wrote. */
export interface BatchOutcome {
  stored: number;
  duplicates: number[];
}

const orNull = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/**
 * What the write worker remembers between groups. `known`: terminals seen to exist (terminals are
 * never deleted, so a positive answer stays true). `windows` and `inbox`: the committed replay
 * windows and inbox keys (this connection is their only writer); {@link forgetUncommitted} drops
 * both whenever a transaction rolls back, so they never hold a state that is not in the database.
 */
export interface WriterMemory {
  readonly known: Set<string>;
  readonly windows: ReplayWindows;
  /** The readings inbox and its in-memory duplicate index. */
  readonly inbox: ReadingInbox;
}

/** Call after a rollback: the windows and the inbox index may hold rows of the rolled-back transaction. */
export function forgetUncommitted(m: WriterMemory): void {
  m.windows.forget();
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

function insertReadings(g: PackedGroup, inbox: ReadingInbox, [b0, b1]: [number, number]): BatchOutcome[] {
  const out: BatchOutcome[] = [];
  const a = g.readings;
  for (let b = b0; b < b1; b++) {
    const [r0, r1] = rowRange(g.readingEnd, b, b + 1);
    const res: BatchOutcome = { stored: 0, duplicates: [] };
    for (let i = r0; i < r1; i++) {
      const o = i * READING_COLS;
      const raw = g.raw?.[i] ?? null;
      const inserted = inbox.insertNew([
        g.terminals[g.readingTerm[i] ?? 0] ?? '',
        a[o] ?? 0,
        a[o + 1] ?? 0,
        a[o + 2] ?? 0,
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
      if (inserted) res.stored += 1;
      else res.duplicates.push(i - r0);
    }
    out.push(res);
  }
  return out;
}

/**
 * [SGT1-1.2] one merged window per (terminal, purpose, dir, version); windows never move backwards.
 * Only explicit updates are here: a reading's own counter rides on its inbox row (replay-windows.ts).
 */
function mergeReplays(g: PackedGroup, windows: ReplayWindows, range: [number, number]): void {
  // The newest update per window of this range (merged with any earlier ones).
  const updates = new Map<string, { key: WindowKey; state: ReplayState }>();
  const [u0, u1] = rowRange(g.replayEnd, range[0], range[1]);
  const r = g.replay;
  for (let i = u0; i < u1; i++) {
    const o = i * REPLAY_COLS;
    const key = [g.terminals[r[o + 4] ?? 0] ?? '', r[o] ?? 0, r[o + 1] ?? 0, r[o + 2] ?? 0] as const;
    const id = windowId(...key);
    const state = { highest: r[o + 3] ?? -1, bitmap: g.bitmaps[i] ?? 0n };
    const prev = updates.get(id);
    updates.set(id, { key, state: prev === undefined ? state : mergeReplayStates(prev.state, state) });
  }
  for (const u of updates.values()) windows.update(u.key, u.state);
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
 * Terminal checks and replay windows go through `mem` (one lookup per new terminal or window).
 */
export function applyBatches(
  ops: WriteOps,
  g: PackedGroup,
  mem: WriterMemory,
  range: [number, number],
): BatchOutcome[] {
  const [b0, b1] = range;
  checkTerminals(ops, g, mem.known, b0, b1);
  const out = insertReadings(g, mem.inbox, range);
  mergeReplays(g, mem.windows, range);
  // Evidence rows are summed by the worker's EvidenceBuffer once this transaction has committed.
  addRejects(ops, g, b0, b1);
  for (const entries of g.audit.slice(b0, b1)) if (entries !== null) appendAuditSync(ops, entries);
  return out;
}
