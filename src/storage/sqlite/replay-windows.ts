// The write worker's replay windows [SGT1-1.2]. A window's durable state is its replay_state row
// united with the counters of its stream's rows in readings_inbox (ADR 0009), so a group whose window
// updates its own readings imply writes no replay_state row; inbox rows are merged away only after
// the windows covering them were written.
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

/** The map key of a window; a reading's window is `windowId(terminal, purpose, 0, keyVersion)`. */
export const windowId = (terminal: string, purpose: number, dir: number, version: number): string =>
  `${terminal}|${purpose}|${dir}|${version}`;

/**
 * The committed windows as the write worker (their only writer) sees them: `cache` holds the union
 * (row ∪ inbox counters) of every window read or written; `lagging` the windows whose row is behind
 * that union; inbox rows with an id up to `coveredId` are known to be in their rows. After a rollback
 * {@link forget} drops all three, and the next {@link cover} rewrites every window the inbox touches.
 */
export class ReplayWindows {
  private cache = new Map<string, ReplayState>();
  private lagging = new Map<string, WindowKey>();
  private coveredId: number | undefined;

  constructor(
    private readonly ops: WriteOps,
    private readonly inbox: ReadingInbox,
  ) {}

  /**
   * Merges one window's part of the current group (after its readings went into the inbox): its
   * update `state` and/or `implied`, the counters of the group's readings of this window. When the
   * update adds nothing to them and to the committed window, no row is written (the inbox rows carry it).
   */
  update(
    key: WindowKey,
    id: string,
    state: ReplayState | undefined,
    implied: readonly number[] | undefined,
  ): void {
    const known = this.get(key, id);
    const withReadings = implied === undefined ? known : addCounters(known, implied);
    if (withReadings === undefined && state === undefined) return;
    if (withReadings !== undefined && (state === undefined || coversReplayState(withReadings, state))) {
      // Nothing beyond the committed window and this group's inbox rows: no row to write.
      this.cache.set(id, withReadings);
      if (implied !== undefined) this.lagging.set(id, key); // its row is behind its inbox rows
      return;
    }
    const next = withReadings === undefined ? state! : mergeReplayStates(withReadings, state!);
    this.cache.set(id, next);
    this.put(key, next);
    this.lagging.delete(id);
  }

  /**
   * Makes inbox rows up to `lastId` safe to merge away: when they are not yet known to be covered,
   * writes every lagging window (or, after a rollback or at start, every window the inbox touches)
   * and then covers the whole inbox as of now. Inside the merge's transaction.
   */
  coverUpTo(lastId: number): void {
    if (this.coveredId !== undefined && lastId <= this.coveredId) return;
    if (this.coveredId === undefined) {
      for (const [t, p, v] of this.inbox.streamKeys()) this.lagging.set(windowId(t, p, 0, v), [t, p, 0, v]);
    }
    for (const [id, key] of this.lagging) {
      const s = this.get(key, id);
      if (s !== undefined) this.put(key, s);
    }
    this.lagging.clear();
    this.coveredId = this.inbox.lastId();
  }

  /** Call after any rollback: memory may hold windows of the rolled-back transaction. */
  forget(): void {
    this.cache = new Map();
    this.lagging = new Map();
    this.coveredId = undefined;
  }

  /** The committed window: cached, or its row united with its inbox counters. */
  private get(key: WindowKey, id: string): ReplayState | undefined {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const [t, p, dir, v] = key;
    const row = this.ops.getReplay.get(t, p, dir, v);
    let s = row === undefined ? undefined : { highest: row.highest, bitmap: bitmapFromHex(row.bitmap) };
    const fcs = dir === 0 ? this.inbox.countersOf(t, p, v) : undefined;
    if (fcs !== undefined && fcs.size > 0) s = addCounters(s, fcs);
    if (s !== undefined) this.cache.set(id, s);
    return s;
  }

  private put(key: WindowKey, s: ReplayState): void {
    this.ops.putReplay.run(...key, s.highest, bitmapToHex(s.bitmap));
  }
}
