// Step 2b for uplinks [SGT1-1.2 rule 2]: a terminal's key and window id, remembered while its lookups hold.
import type { TerminalId } from '../core/index.ts';
import {
  replayId,
  resolveKeyOf,
  type CachedKey,
  type Rejection,
  type Sgt1Header,
  type TerminalKeys,
  type VerifyContext,
} from '../protocol/index.ts';

/** Most terminals whose last key is remembered; beyond it the memo starts afresh. */
const MAX_KEY_MEMOS = 200_000;

/** A terminal's last resolved uplink key and its replay window id. */
export interface KeyMemo {
  /** The key lookups' generation it was resolved in; undefined: resolve it again next time. */
  readonly generation: number | undefined;
  readonly purpose: number;
  readonly version: number;
  readonly suite: number;
  readonly key: CachedKey;
  readonly id: string;
}

/** Resolves uplink keys (see {@link createUplinkKeys}). */
export interface UplinkKeys {
  of(header: Sgt1Header, terminal: TerminalKeys): KeyMemo | Rejection;
}

/**
 * The key of an uplink header (state checked, K_use from the cache) and its window id. An active key
 * is remembered per terminal while `generation()` stays the same — any change to a terminal, its keys
 * or their states changes it — so a terminal's frames resolve their key once, not once per frame; a
 * key in its grace window (whose usability depends on the clock) is resolved every time, and without
 * `generation` every key is.
 */
export function createUplinkKeys(verify: VerifyContext, generation?: () => number): UplinkKeys {
  const memo = new Map<TerminalId, KeyMemo>();
  return {
    of(header, terminal) {
      const gen = generation?.();
      const tid = header.terminalId;
      const m = memo.get(tid);
      const same = m !== undefined && m.purpose === header.purpose && m.version === header.keyVersion;
      if (same && gen !== undefined && m.generation === gen && m.suite === header.suite) return m;
      const key = resolveKeyOf(header, terminal, verify);
      if (!('keyObject' in key)) return key;
      const q = { terminalId: tid, purpose: header.purpose, version: header.keyVersion, dir: header.dir };
      const active = gen !== undefined && verify.keyStatus(q)?.state === 'active';
      if (memo.size >= MAX_KEY_MEMOS) memo.clear();
      const next: KeyMemo = {
        generation: active ? gen : undefined,
        purpose: header.purpose,
        version: header.keyVersion,
        suite: header.suite,
        key,
        id: same ? m.id : replayId(header),
      };
      memo.set(tid, next);
      return next;
    },
  };
}
