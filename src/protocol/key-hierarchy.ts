// SGT1 key hierarchy [SGT1-2.2]: K_root → K_ver → K_use by HKDF-SHA-256, plus a bounded derived-key cache.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { ProtocolError } from './errors.ts';
import type { Purpose, Suite } from './header.ts';
import { hkdfExpand, hkdfExtract } from './hkdf.ts';

/** Label bytes (TS 33.220-style FC values, private) [SGT1-2.2]. */
const FC_VERSION_KEY = 0x50;
const FC_USAGE_KEY = 0x5a;
const SALT_PREFIX = Buffer.from('SGT1', 'ascii');
/** `K_root` is 256 bits [SGT1-2.2 level 0]. */
export const ROOT_KEY_LENGTH = 32;

/** Direction used in key derivation: 0 up, 1 down, 2 both (DLMS keys, purposes 0x5–0x7). */
export type KeyDirection = 0 | 1 | 2;

function bad(message: string, hint: string): ProtocolError {
  return new ProtocolError('GT_ERR_PROTOCOL_BAD_ARGUMENT', message, { hint });
}

function checkUint(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw bad(`${name} must be an integer in 0..${max}`, `check ${name}`);
}

/** Inputs of {@link deriveVersionKey}. */
export interface VersionKeyInput {
  /** 32-byte per-device root key. */
  readonly rootKey: Uint8Array;
  /** 8-byte system title. */
  readonly systemTitle: Uint8Array;
  /** Tenant number, uint32. */
  readonly tenant: number;
  /** Key version 1..4095. */
  readonly version: number;
}

/** `info(ver) = 0x50 ‖ tenant(4) ‖ 0x0004 ‖ v(2) ‖ 0x0002` [SGT1-2.2 level 1]. */
export function versionKeyInfo(tenant: number, version: number): Buffer {
  checkUint('tenant', tenant, 0xffffffff);
  checkUint('key version', version, 0x0fff);
  const info = Buffer.alloc(11);
  info[0] = FC_VERSION_KEY;
  info.writeUInt32BE(tenant, 1);
  info.writeUInt16BE(4, 5);
  info.writeUInt16BE(version, 7);
  info.writeUInt16BE(2, 9);
  return info;
}

/** `info(use) = 0x5A ‖ purpose ‖ 0x0001 ‖ dir ‖ 0x0001 ‖ suite ‖ 0x0001` [SGT1-2.2 level 2]. */
export function usageKeyInfo(purpose: Purpose, dir: KeyDirection, suite: Suite): Buffer {
  return Buffer.from([FC_USAGE_KEY, purpose, 0, 1, dir, 0, 1, suite, 0, 1]);
}

/**
 * `PRK = HKDF-Extract(salt = "SGT1" ‖ systemTitle, IKM = K_root)`;
 * `K_ver = HKDF-Expand(PRK, info(ver), 32)` [SGT1-2.2 level 1] [RFC5869-2.2, 2.3].
 * @example
 * const kVer = deriveVersionKey({ rootKey, systemTitle, tenant: 1, version: 1 });
 */
export function deriveVersionKey(input: VersionKeyInput): Buffer {
  if (input.rootKey.length !== ROOT_KEY_LENGTH) {
    throw bad(
      `root key must be ${ROOT_KEY_LENGTH} bytes, got ${input.rootKey.length}`,
      'give a 256-bit root key',
    );
  }
  if (input.systemTitle.length !== 8) throw bad('system title must be 8 bytes', 'give 16 hex digits');
  if (input.version < 1) throw bad('key version must be 1..4095', 'versions start at 1');
  const info = versionKeyInfo(input.tenant, input.version);
  const prk = hkdfExtract(Buffer.concat([SALT_PREFIX, input.systemTitle]), input.rootKey);
  return hkdfExpand(prk, info, 32);
}

/**
 * `K_use = HKDF-Expand(K_ver, info(use), 16)` [SGT1-2.2 level 2]: one key per purpose, direction
 * and suite, so uplink and downlink never share a nonce space.
 */
export function deriveUsageKey(
  versionKey: Uint8Array,
  purpose: Purpose,
  dir: KeyDirection,
  suite: Suite,
): Buffer {
  return hkdfExpand(versionKey, usageKeyInfo(purpose, dir, suite), 16);
}

/** Everything that names one `K_use`. */
export interface UsageKeyInput extends VersionKeyInput {
  readonly purpose: Purpose;
  readonly dir: KeyDirection;
  readonly suite: Suite;
}

/** `K_root → K_ver → K_use` in one call. */
export function deriveFrameKey(input: UsageKeyInput): Buffer {
  return deriveUsageKey(deriveVersionKey(input), input.purpose, input.dir, input.suite);
}

/** Key id = purpose (bits 15-12) + version (bits 11-0), the `kid` header field [SGT1-1.2]. */
export function keyId(purpose: Purpose, version: number): number {
  checkUint('key version', version, 0x0fff);
  return (purpose << 12) | version;
}

/** A cached `K_use` as raw bytes and as a node:crypto KeyObject (saves a key import per frame). */
export interface CachedKey {
  readonly key: Buffer;
  readonly keyObject: KeyObject;
}

/** Bounded cache of derived keys, keyed by (terminal, purpose, direction, version, suite). */
export interface KeyCache {
  /** Returns the cached key for `input` or derives, caches and returns it. */
  get(terminalId: string, input: UsageKeyInput): CachedKey;
  /** Forgets every key of a terminal (call on re-commissioning, compromise or root-key change). */
  evictTerminal(terminalId: string): void;
  clear(): void;
  readonly size: number;
}

/** Options of {@link createKeyCache}. */
export interface KeyCacheOptions {
  /** Most keys kept; the least recently used is dropped. @default 10000 */
  readonly maxEntries?: number;
}

interface Entry extends CachedKey {
  /** A private copy of the root key the entry was derived from. */
  readonly rootKey: Buffer;
  readonly tenant: number;
}

/** Packs (purpose, dir, version, suite) into one integer: the per-terminal cache key. */
function slot(input: UsageKeyInput): number {
  return ((input.purpose * 4 + input.dir) * 4096 + input.version) * 256 + input.suite;
}

/**
 * Byte equality in JS: for a 32-byte key cheaper than `Buffer#equals` (a native call) on every
 * frame; four bytes per step while at least four are left.
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3])
      return false;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Creates a derived-key cache: per terminal, a map from (purpose, dir, version, suite) to the key.
 * A hit is re-validated against the root key and tenant, so a changed `K_root` never serves a stale key.
 * Eviction drops the least recently inserted terminal once `maxEntries` keys are held.
 * @example
 * const cache = createKeyCache({ maxEntries: 50_000 });
 * const { keyObject } = cache.get(terminalId, { rootKey, systemTitle, tenant, version, purpose, dir, suite });
 */
export function createKeyCache(options: KeyCacheOptions = {}): KeyCache {
  const max = options.maxEntries ?? 10_000;
  if (!Number.isInteger(max) || max < 1) throw bad('maxEntries must be a positive integer', 'e.g. 10000');
  const store = new SlotStore(max);
  return {
    get(terminalId, input) {
      const s = slot(input);
      const hit = store.find(terminalId, s);
      // Compare bytes, not object identity: a caller may reuse one buffer for many terminals.
      if (hit !== undefined && hit.tenant === input.tenant && sameBytes(hit.rootKey, input.rootKey))
        return hit;
      const key = deriveFrameKey(input);
      const entry = {
        key,
        keyObject: createSecretKey(key),
        rootKey: Buffer.from(input.rootKey),
        tenant: input.tenant,
      };
      store.put(terminalId, s, entry);
      return entry;
    },
    evictTerminal: (terminalId) => store.drop(terminalId),
    clear: () => store.clear(),
    get size() {
      return store.size;
    },
  };
}

/** One terminal's keys: the first slot inline (a terminal mostly uses one key), any others in a map. */
interface Slots {
  readonly slot: number;
  readonly entry: Entry;
  more: Map<number, Entry> | undefined;
}

/** Terminal → (slot → entry), bounded by total entries; evicts the earliest-inserted terminal first. */
class SlotStore {
  private readonly byTerminal = new Map<string, Slots>();
  size = 0;
  constructor(private readonly max: number) {}

  find(terminalId: string, s: number): Entry | undefined {
    const t = this.byTerminal.get(terminalId);
    if (t === undefined) return undefined;
    return t.slot === s ? t.entry : t.more?.get(s);
  }

  put(terminalId: string, s: number, entry: Entry): void {
    while (this.size >= this.max && this.byTerminal.size > 0) {
      const first = this.byTerminal.keys().next().value as string;
      this.drop(first);
    }
    const t = this.byTerminal.get(terminalId);
    if (t === undefined) {
      this.byTerminal.set(terminalId, { slot: s, entry, more: undefined });
      this.size++;
    } else if (t.slot === s) {
      this.byTerminal.set(terminalId, { slot: s, entry, more: t.more });
    } else {
      t.more ??= new Map();
      if (!t.more.has(s)) this.size++;
      t.more.set(s, entry);
    }
  }

  drop(terminalId: string): void {
    const t = this.byTerminal.get(terminalId);
    if (t === undefined) return;
    this.size -= 1 + (t.more?.size ?? 0);
    this.byTerminal.delete(terminalId);
  }

  clear(): void {
    this.byTerminal.clear();
    this.size = 0;
  }
}
