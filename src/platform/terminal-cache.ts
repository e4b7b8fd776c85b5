// In-memory mirror of terminals, root keys and key states so per-frame lookups are synchronous.
import type { TerminalId, UnixMillis } from '../core/index.ts';
import type { KeyRecord, TerminalRecord } from '../keys/index.ts';
import type { KeyQuery, KeyStatus, TerminalKeys } from '../protocol/index.ts';
import type { Store } from '../storage/index.ts';

/** Unwraps a terminal's K_root (the key registry under the master KEK). Never logs the key. */
export type RootKeyProvider = (terminal: TerminalId) => Promise<Uint8Array | undefined>;

interface Entry {
  record: TerminalRecord;
  keys: TerminalKeys;
  /** By {@link statusKey} of (purpose, version). */
  status: Map<number, KeyStatus>;
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

function statusIn(m: Map<number, KeyStatus>, purpose: number, version: number): KeyStatus | undefined {
  const key = statusKey(purpose, version);
  return key < 0 ? undefined : m.get(key);
}

/** Grace after deactivation during which frames still open [SGT1-2.3]: 48 h. */
export const DEACTIVATION_GRACE_MS = 48 * 3_600_000;

/** The cache the pipeline's VerifyContext reads. */
export interface TerminalCache {
  lookupTerminal(id: TerminalId): TerminalKeys | undefined;
  keyStatus(q: KeyQuery): KeyStatus | undefined;
  isRefused(id: TerminalId): boolean;
  /** (Re)loads one terminal, or all when no id is given; returns how many were loaded. */
  refresh(id?: TerminalId): Promise<number>;
  readonly size: number;
  /** Changes whenever a terminal's record, root key or key states are (re)loaded. */
  readonly generation: number;
}

function statusOf(k: KeyRecord): KeyStatus {
  if (k.state !== 'deactivated') return { state: k.state };
  const grace = k.graceUntil ?? ((k.updatedAt + DEACTIVATION_GRACE_MS) as UnixMillis);
  return { state: k.state, graceUntil: grace };
}

/**
 * Creates the cache over the store. Key records of purpose p ≥ 1 give the state of the frames' key
 * versions; a terminal without explicit records for a purpose follows its K_root record's version list.
 */
export function createTerminalCache(store: Store, rootKeyOf: RootKeyProvider): TerminalCache {
  const map = new Map<string, Entry>();
  // The last lookup: one frame asks about its terminal three times (keys, refusal, key state).
  let lastId: string | undefined;
  let lastEntry: Entry | undefined;
  let generation = 0;
  const entryOf = (id: string): Entry | undefined => {
    if (id !== lastId) {
      lastEntry = map.get(id);
      lastId = id;
    }
    return lastEntry;
  };
  const load = async (t: TerminalRecord): Promise<boolean> => {
    const rootKey = await rootKeyOf(t.id);
    if (rootKey === undefined) return false;
    const status = new Map<number, KeyStatus>();
    for (const k of await store.listKeys(t.id)) {
      const key = statusKey(k.purpose, k.version);
      if (key >= 0) status.set(key, statusOf(k));
    }
    map.set(t.id, { record: t, keys: { rootKey, tenant: t.tenant }, status });
    lastId = undefined;
    generation++;
    return true;
  };
  return {
    lookupTerminal: (id) => entryOf(id)?.keys,
    keyStatus(q) {
      const e = entryOf(q.terminalId);
      // A purpose without its own record uses the version state of the root record (purpose 0).
      if (e === undefined) return undefined;
      return statusIn(e.status, q.purpose, q.version) ?? statusIn(e.status, 0, q.version);
    },
    isRefused: (id) => {
      const s = entryOf(id)?.record.status;
      return s !== undefined && s !== 'active';
    },
    async refresh(id) {
      const list = id === undefined ? await store.listTerminals() : [await store.getTerminal(id)];
      let n = 0;
      for (const t of list) if (t !== undefined && (await load(t))) n++;
      return n;
    },
    get size() {
      return map.size;
    },
    get generation() {
      return generation;
    },
  };
}
