// The write worker's readings inbox: new readings land in arrival order (no index to maintain), exact
// duplicate detection in memory, and a sliced merge into the indexed `readings` table when there is time.
import type Database from 'better-sqlite3';
import { READING_FIELDS } from './migrations.ts';

/**
 * When the inbox is merged into `readings` (docs/storage.md "Write path").
 * @see ADR 0008
 */
export interface InboxOptions {
  /** Rows moved per merge transaction (one slice blocks group commits for its duration). @default 5000 */
  readonly mergeSlice?: number;
  /** Above this many inbox rows, one slice is merged after every group, even under load. @default 100000 */
  readonly hardLimit?: number;
  /** A slice is merged when no group arrived for this long (ms). @default 200 */
  readonly idleMs?: number;
}

type Key = readonly [terminal: string, purpose: number, version: number];

/** Counters of one stream (terminal, purpose, key version). */
interface Stream {
  readonly key: Key;
  /** Frame counters of this stream's rows in the inbox table. */
  readonly inbox: Set<number>;
  /** Highest fc of this stream in `readings` (undefined: not looked up yet). */
  mainMax: number | undefined;
  /** Inbox rows were added whose counters its replay_state row may not hold yet (ADR 0009). */
  lagging: boolean;
}

/** A stream whose replay window row is behind its inbox rows: its key and its inbox counters. */
export interface LaggingStream {
  readonly key: Key;
  readonly counters: ReadonlySet<number>;
}

/** One reading row in READING_FIELDS order: terminal, purpose, key version, fc, ts, receivedAt, values…, raw. */
export type ReadingRow = [string, number, number, number, number, number, ...(number | Buffer | null)[]];

function prepareInboxOps(db: Database.Database) {
  return {
    insert: db.prepare<[ReadingRow]>(
      `INSERT INTO readings_inbox (${READING_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    keys: db.prepare<[], [string, number, number, number]>(
      'SELECT terminal, purpose, key_version, fc FROM readings_inbox',
    ),
    mainMax: db.prepare<[string, number, number], { m: number | null }>(
      'SELECT max(fc) AS m FROM readings WHERE terminal = ? AND purpose = ? AND key_version = ?',
    ),
    inMain: db.prepare<[...Key, number], { one: number }>(
      'SELECT 1 AS one FROM readings WHERE terminal = ? AND purpose = ? AND key_version = ? AND fc = ?',
    ),
    lastId: db.prepare<[], { last: number | null }>('SELECT max(id) AS last FROM readings_inbox'),
    sliceEnd: db.prepare<[number], { last: number | null }>(
      'SELECT max(id) AS last FROM (SELECT id FROM readings_inbox ORDER BY id LIMIT ?)',
    ),
    // Sorted by the readings indexes' key, so each index leaf is visited once per slice.
    merge: db.prepare<[number]>(
      `INSERT INTO readings (${READING_FIELDS}) SELECT ${READING_FIELDS} FROM readings_inbox
       WHERE id <= ? ORDER BY terminal, purpose, key_version, fc ON CONFLICT DO NOTHING`,
    ),
    remove: db.prepare<[number], [string, number, number, number]>(
      'DELETE FROM readings_inbox WHERE id <= ? RETURNING terminal, purpose, key_version, fc',
    ),
  };
}

/**
 * The inbox as the write worker (its only writer) sees it. A reading is stored once: `insertNew` is
 * exact over both tables (the inbox in memory, `readings` through its unique index, looked up only
 * for a counter not above the stream's highest merged one). After a rollback, {@link forget} drops
 * everything and the next use reloads the inbox keys from the database.
 */
export class ReadingInbox {
  private readonly ops: ReturnType<typeof prepareInboxOps>;
  private streams = new Map<string, Map<number, Stream>>();
  private lagging: Stream[] = [];
  private loaded = false;
  /** Rows in the inbox table (as of the last load plus what was added and merged since). */
  rows = 0;

  constructor(db: Database.Database) {
    this.ops = prepareInboxOps(db);
  }

  /**
   * Inserts one reading row (the 15 columns of READING_FIELDS) into the inbox unless its (terminal,
   * purpose, version, fc) is already stored, in the inbox or in readings; returns whether it did.
   */
  insertNew(row: ReadingRow): boolean {
    const [terminal, purpose, version, fc] = row;
    const s = this.stream(terminal, purpose, version);
    if (s.inbox.has(fc)) return false;
    s.mainMax ??= this.ops.mainMax.get(terminal, purpose, version)?.m ?? 0;
    if (fc <= s.mainMax && this.ops.inMain.get(terminal, purpose, version, fc) !== undefined) return false;
    this.ops.insert.run(row);
    s.inbox.add(fc);
    this.markLagging(s);
    this.rows++;
    return true;
  }

  /** Call after any rollback: memory may hold rows of the rolled-back transaction. */
  forget(): void {
    this.loaded = false;
    this.streams = new Map();
    this.lagging = [];
  }

  /** The streams marked lagging since the last call (all with rows, after a load); clears the marks. */
  takeLagging(): LaggingStream[] {
    this.load();
    const out = this.lagging.map((s) => ({ key: s.key, counters: s.inbox }));
    for (const s of this.lagging) s.lagging = false;
    this.lagging = [];
    return out;
  }

  /**
   * Moves the oldest `limit` inbox rows into readings (inside the caller's transaction); returns how
   * many. `beforeMove(lastId)` runs first (the replay windows of those rows are written then).
   */
  mergeOldest(limit: number, beforeMove: (lastId: number) => void): number {
    this.load();
    const last = this.ops.sliceEnd.get(limit)?.last ?? null;
    if (last === null) return (this.rows = 0);
    beforeMove(last);
    this.ops.merge.run(last);
    const moved = this.ops.remove.raw().all(last);
    for (const [t, p, v, fc] of moved) {
      const s = this.stream(t, p, v);
      s.inbox.delete(fc);
      if (s.mainMax !== undefined && fc > s.mainMax) s.mainMax = fc;
    }
    this.rows = Math.max(0, this.rows - moved.length);
    return moved.length;
  }

  /** The frame counters of a stream's rows in the inbox (undefined: none). */
  countersOf(terminal: string, purpose: number, version: number): ReadonlySet<number> | undefined {
    this.load();
    return this.streams.get(terminal)?.get(purpose * 4096 + version)?.inbox;
  }

  /** The id of the newest inbox row (0 when empty). */
  lastId(): number {
    return this.ops.lastId.get()?.last ?? 0;
  }

  private stream(terminal: string, purpose: number, version: number): Stream {
    this.load();
    let byKey = this.streams.get(terminal);
    if (byKey === undefined) this.streams.set(terminal, (byKey = new Map<number, Stream>()));
    const k = purpose * 4096 + version;
    let s = byKey.get(k);
    if (s === undefined) {
      s = { key: [terminal, purpose, version], inbox: new Set(), mainMax: undefined, lagging: false };
      byKey.set(k, s);
    }
    return s;
  }

  private markLagging(s: Stream): void {
    if (s.lagging) return;
    s.lagging = true;
    this.lagging.push(s);
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.rows = 0;
    // Which of these rows their windows' rows already hold is not known here: all count as lagging.
    for (const [t, p, v, fc] of this.ops.keys.raw().iterate()) {
      const s = this.stream(t, p, v);
      s.inbox.add(fc);
      this.markLagging(s);
      this.rows++;
    }
  }
}
