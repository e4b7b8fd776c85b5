// The write worker's replay windows [SGT1-1.2]. An uplink window's durable state is its replay_state
// row united with the counters of its stream's rows in readings_inbox (ADR 0009): a reading needs no
// row write of its own; rows leave the inbox only after the windows covering them were written.
import type { ReplayState } from '../types.ts';
import {
  addCounters,
  bitmapFromHex,
  bitmapToHex,
  coversReplayState,
  mergeReplayStates,
} from '../replay-merge.ts';
import type { ReadingInbox } from './reading-inbox.ts';
import type { WriteOps } from './write-ops.ts';

/** (terminal, purpose, dir, version) of a window. */
export type WindowKey = readonly [terminal: string, purpose: number, dir: number, version: number];

/** The map key of a window. */
export const windowId = (terminal: string, purpose: number, dir: number, version: number): string =>
  `${terminal}|${purpose}|${dir}|${version}`;

/**
 * Explicit window updates (counters that came without a reading: a payload that did not decode, a
 * tunnel frame, a downlink counter) and the covering of inbox rows before a merge. `downlink` caches
 * the committed downlink windows (dir 1; this connection is their only writer); `coveredId`: inbox
 * rows up to this id are in their windows' rows (undefined: not known, after a rollback or at start).
 */
export class ReplayWindows {
  private downlink = new Map<string, ReplayState>();
  private coveredId: number | undefined;

  constructor(
    private readonly ops: WriteOps,
    private readonly inbox: ReadingInbox,
  ) {}

  /** Merges one explicit update of the current group into its committed window (after the group's readings). */
  update(key: WindowKey, state: ReplayState): void {
    const id = windowId(...key);
    const known = this.committed(key, id);
    if (known !== undefined && coversReplayState(known, state)) return;
    const next = known === undefined ? state : mergeReplayStates(known, state);
    this.put(key, next);
    if (key[2] !== 0) this.downlink.set(id, next);
  }

  /**
   * Makes inbox rows up to `lastId` safe to merge away: unless they are known to be covered, writes
   * the window of every lagging stream (every stream with rows, after a rollback or at start), which
   * covers the whole inbox as of now. Inside the merge's transaction.
   */
  coverUpTo(lastId: number): void {
    if (this.coveredId !== undefined && lastId <= this.coveredId) return;
    for (const s of this.inbox.takeLagging()) {
      const [t, p, v] = s.key;
      this.put([t, p, 0, v], addCounters(this.row(t, p, 0, v), s.counters));
    }
    this.coveredId = this.inbox.lastId();
  }

  /** Call after any rollback: memory may hold windows of the rolled-back transaction. */
  forget(): void {
    this.downlink = new Map();
    this.coveredId = undefined;
  }

  /** The committed window: an uplink one is its row united with its inbox counters. */
  private committed(key: WindowKey, id: string): ReplayState | undefined {
    const [t, p, dir, v] = key;
    if (dir !== 0) {
      const cached = this.downlink.get(id);
      if (cached !== undefined) return cached;
      const s = this.row(t, p, dir, v);
      if (s !== undefined) this.downlink.set(id, s);
      return s;
    }
    const s = this.row(t, p, dir, v);
    const fcs = this.inbox.countersOf(t, p, v);
    return fcs === undefined || fcs.size === 0 ? s : addCounters(s, fcs);
  }

  private row(t: string, p: number, dir: number, v: number): ReplayState | undefined {
    const row = this.ops.getReplay.get(t, p, dir, v);
    return row === undefined ? undefined : { highest: row.highest, bitmap: bitmapFromHex(row.bitmap) };
  }

  private put(key: WindowKey, s: ReplayState): void {
    this.ops.putReplay.run(...key, s.highest, bitmapToHex(s.bitmap));
  }
}
