// Records and the store port the key registry works over (implemented by src/storage adapters).
import type { TenantId, TerminalId, UnixMillis } from '../core/index.ts';
import type { KeyState, TransitionRefusal } from './lifecycle.ts';

/** `quarantined`: isolated by an operator or the trust engine; its frames are refused. */
export type TerminalStatus = 'active' | 'quarantined' | 'retired';

/** A terminal (LVESU, fusion terminal or direct terminal) known to the platform. */
export interface TerminalRecord {
  /** Lower-case hex of the 8-byte DLMS system title [SGT1-1.2]. */
  readonly id: TerminalId;
  /** Free-form device type, e.g. `smart-meter`, `smart-socket`, `ittu`, `fusion`. */
  readonly type: string;
  /** The fusion terminal this terminal reports through, or null for a direct terminal. */
  readonly fusionTerminal: TerminalId | null;
  readonly tenant: TenantId;
  readonly createdAt: UnixMillis;
  readonly status: TerminalStatus;
}

/**
 * Key purpose codes of spec §2.2 (`kid` bits 15-12), plus 0 for the per-terminal `K_root` itself,
 * which never travels over the air.
 */
export const ROOT_KEY_PURPOSE = 0;

/** Identifies one key record: the terminal's key of `purpose` at `version`. */
export interface KeyRef {
  readonly terminal: TerminalId;
  /** 0 = K_root; 1..15 = the §2.2 purposes. */
  readonly purpose: number;
  /** 1..4095 [SGT1-1.2 kid]. */
  readonly version: number;
}

/** One key's metadata and, for stored keys, its material wrapped under the master KEK (RFC 5649). */
export interface KeyRecord extends KeyRef {
  readonly state: KeyState;
  /** RFC 5649 wrapped key, or null when the key is derived on demand (K_ver/K_use) or destroyed. */
  readonly wrapped: Uint8Array | null;
  readonly createdAt: UnixMillis;
  readonly updatedAt: UnixMillis;
  /**
   * For a `deactivated` key: frames under it are still processed until this instant (rotation
   * grace, spec §2.3); null otherwise.
   */
  readonly graceUntil: UnixMillis | null;
}

/** One audit entry before the store chains it (seq, hashes are added by the store). */
export interface AuditInput {
  readonly at: UnixMillis;
  /** Who did it: `cli:terminals`, `ingest`, `operator:alice`, ... */
  readonly actor: string;
  /** What happened, dotted: `terminal.add`, `key.transition`, `key.add`, ... */
  readonly action: string;
  /** What it happened to, e.g. a terminal id or `<terminal>/<purpose>/<version>`. */
  readonly subject: string;
  /** Extra JSON-safe facts. Never key material. */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

/** A request to move a key to another lifecycle state; audited with time, actor and reason. */
export interface KeyTransitionRequest {
  readonly key: KeyRef;
  readonly to: KeyState;
  readonly at: UnixMillis;
  readonly actor: string;
  readonly reason: string;
  /** With `to: 'deactivated'`: end of the grace window (spec §2.3); ignored otherwise. */
  readonly graceUntil?: UnixMillis;
}

export type KeyTransitionResult =
  | { ok: true; from: KeyState; to: KeyState }
  | { ok: false; reason: TransitionRefusal | 'UNKNOWN_KEY'; from?: KeyState };

/** New terminals with their first keys, written atomically. */
export interface NewTerminals {
  readonly terminals: readonly TerminalRecord[];
  readonly keys: readonly KeyRecord[];
  readonly audit: readonly AuditInput[];
}

/** The part of the store port the key registry needs (every adapter of src/storage implements it). */
export interface RegistryStore {
  /** Adds terminals and their keys in one transaction; throws if any id exists already. */
  addTerminals(input: NewTerminals): Promise<void>;
  getTerminal(id: TerminalId): Promise<TerminalRecord | undefined>;
  listTerminals(filter?: { tenant?: TenantId }): Promise<TerminalRecord[]>;
  /** Adds key records (new versions) in one transaction; throws if any exists already. */
  addKeys(input: { keys: readonly KeyRecord[]; audit: readonly AuditInput[] }): Promise<void>;
  getKey(ref: KeyRef): Promise<KeyRecord | undefined>;
  listKeys(terminal: TerminalId): Promise<KeyRecord[]>;
  /**
   * Applies one lifecycle transition if §3.1 allows it (checked with `checkKeyTransition` inside the
   * store's transaction) and appends its audit record in the same transaction. Moving to `destroyed`
   * erases the wrapped material and keeps a tombstone.
   */
  transitionKey(req: KeyTransitionRequest): Promise<KeyTransitionResult>;
}
