// In-memory mirror of terminals, root keys and key states so per-frame lookups are synchronous.
import type { TerminalId, UnixMillis } from '../core/index.ts';
import type { KeyRecord, TerminalRecord } from '../keys/index.ts';
import type { KeyQuery, KeyStatus, TerminalKeys } from '../protocol/index.ts';
import type { Store } from '../storage/index.ts';
import { DIRECT_PARTITION } from '../bus/index.ts';

/** Unwraps a terminal's K_root (the key registry under the master KEK). Never logs the key. */
export type RootKeyProvider = (terminal: TerminalId) => Promise<Uint8Array | undefined>;

/**
 * One terminal as the per-frame lookups need it: plain data (structured-cloneable), so the same entry
 * can fill a table in another thread (the ingest thread, ADR 0010).
 */
export interface TerminalEntry {
  readonly id: TerminalId;
  readonly keys: TerminalKeys;
  /** Quarantined or retired: its frames are refused. */
  readonly refused: boolean;
  /** Key state by {@link statusKey} of (purpose, version). */
  readonly status: ReadonlyMap<number, KeyStatus>;
}

/**
 * (purpose 0..15, version 0..4095) as one number, so the per-frame lookup builds no string; -1 (never
 * a key) for anything outside those ranges, which no stored key record can have.
 */
function statusKey(purpose: number, version: number): number {
  const inRange = Number.isInteger(purpose) && Number.isInteger(version);
  return inRange && purpose >= 0 && purpose < 16 && version >= 0 && version < 4096
    ? purpose * 4096 + version
    : -1;
}

function statusIn(
  m: ReadonlyMap<number, KeyStatus>,
  purpose: number,
  version: number,
): KeyStatus | undefined {
  const key = statusKey(purpose, version);
  return key < 0 ? undefined : m.get(key);
}

/** Grace after deactivation during which frames still open [SGT1-2.3]: 48 h. */
export const DEACTIVATION_GRACE_MS = 48 * 3_600_000;

/** The synchronous lookups the pipeline's VerifyContext reads. */
export interface TerminalLookups {
  lookupTerminal(id: TerminalId): TerminalKeys | undefined;
  keyStatus(q: KeyQuery): KeyStatus | undefined;
  isRefused(id: TerminalId): boolean;
  readonly size: number;
  /** Changes whenever a terminal's entry is (re)placed. */
  readonly generation: number;
}

/** Lookups over entries put in by whoever loads them. */
export interface TerminalTable extends TerminalLookups {
  put(e: TerminalEntry): void;
  entries(): IterableIterator<TerminalEntry>;
}

/** The table loaded from the store. */
export interface TerminalCache extends TerminalLookups {
  /** (Re)loads one terminal, or all when no id is given; returns how many were loaded. */
  refresh(id?: TerminalId): Promise<number>;
  /** Every entry loaded so far. */
  entries(): IterableIterator<TerminalEntry>;
  /** The bus partition of a loaded terminal: its fusion terminal, or `platform` for a direct one. */
  partitionOf(id: TerminalId): string;
}

/** Creates an empty table. */
export function createTerminalTable(): TerminalTable {
  const map = new Map<string, TerminalEntry>();
  // The last lookup: one frame asks about its terminal three times (keys, refusal, key state).
  let lastId: string | undefined;
  let lastEntry: TerminalEntry | undefined;
  let generation = 0;
  const entryOf = (id: string): TerminalEntry | undefined => {
    if (id !== lastId) {
      lastEntry = map.get(id);
      lastId = id;
    }
    return lastEntry;
  };
  return {
    lookupTerminal: (id) => entryOf(id)?.keys,
    keyStatus(q) {
      const e = entryOf(q.terminalId);
      // A purpose without its own record uses the version state of the root record (purpose 0).
      if (e === undefined) return undefined;
      return statusIn(e.status, q.purpose, q.version) ?? statusIn(e.status, 0, q.version);
    },
    isRefused: (id) => entryOf(id)?.refused === true,
    put(e) {
      map.set(e.id, e);
      lastId = undefined;
      generation++;
    },
    entries: () => map.values(),
    get size() {
      return map.size;
    },
    get generation() {
      return generation;
    },
  };
}

function statusOf(k: KeyRecord): KeyStatus {
  if (k.state !== 'deactivated') return { state: k.state };
  const grace = k.graceUntil ?? ((k.updatedAt + DEACTIVATION_GRACE_MS) as UnixMillis);
  return { state: k.state, graceUntil: grace };
}

/**
 * Creates the cache over the store. Key records of purpose p ≥ 1 give the state of the frames' key
 * versions; a terminal without explicit records for a purpose follows its K_root record's version list.
 * `onLoaded` sees every entry (re)loaded, e.g. to mirror it in another thread.
 */
export function createTerminalCache(
  store: Store,
  rootKeyOf: RootKeyProvider,
  o: { onLoaded?: (e: TerminalEntry) => void } = {},
): TerminalCache {
  const table = createTerminalTable();
  const partitions = new Map<string, string>();
  const load = async (t: TerminalRecord): Promise<boolean> => {
    partitions.set(t.id, t.fusionTerminal ?? DIRECT_PARTITION);
    const rootKey = await rootKeyOf(t.id);
    if (rootKey === undefined) return false;
    const status = new Map<number, KeyStatus>();
    for (const k of await store.listKeys(t.id)) {
      const key = statusKey(k.purpose, k.version);
      if (key >= 0) status.set(key, statusOf(k));
    }
    const e: TerminalEntry = {
      id: t.id,
      keys: { rootKey, tenant: t.tenant },
      refused: t.status !== 'active',
      status,
    };
    table.put(e);
    o.onLoaded?.(e);
    return true;
  };
  return {
    lookupTerminal: (id) => table.lookupTerminal(id),
    keyStatus: (q) => table.keyStatus(q),
    isRefused: (id) => table.isRefused(id),
    entries: () => table.entries(),
    partitionOf: (id) => partitions.get(id) ?? DIRECT_PARTITION,
    async refresh(id) {
      const list = id === undefined ? await store.listTerminals() : [await store.getTerminal(id)];
      let n = 0;
      for (const t of list) if (t !== undefined && (await load(t))) n++;
      return n;
    },
    get size() {
      return table.size;
    },
    get generation() {
      return table.generation;
    },
  };
}
