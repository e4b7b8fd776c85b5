// Key registry: terminals and their keys over the store port; K_root kept only wrapped (RFC 5649) by the key store.
import type { Clock, TerminalId, UnixMillis } from '../core/index.ts';
import type { KeyStore } from './key-store.ts';
import type { KeyState } from './lifecycle.ts';
import { mayProcess } from './lifecycle.ts';
import {
  checkTerminalInput,
  ROOT_KEY_BYTES,
  type CheckedTerminal,
  type TerminalInput,
  type TerminalInputProblem,
} from './registry-input.ts';
import { SecretKey } from './registry-secret.ts';
import { createSoftwareKeyStore } from './software/software-key-store.ts';
import {
  ROOT_KEY_PURPOSE,
  type AuditInput,
  type KeyRecord,
  type KeyRef,
  type KeyTransitionResult,
  type RegistryStore,
  type TerminalRecord,
} from './registry-types.ts';

/** Purposes issued at personalisation: telemetry, command/result, event (spec §2.2 table). */
export const DEFAULT_PURPOSES: readonly number[] = [0x1, 0x2, 0x3];

export interface KeyRegistryOptions {
  readonly store: RegistryStore;
  /** Where K_root is wrapped and unwrapped (software or PKCS#11 adapter of src/keys). */
  readonly keyStore?: KeyStore;
  /**
   * A 32-byte master KEK in memory, used when no `keyStore` is given (tests, the demo); never logged.
   */
  readonly masterKey?: Uint8Array;
  readonly clock: Clock;
  /** Cryptographic randomness for new keys (node:crypto `randomBytes` in production). */
  readonly randomBytes: (n: number) => Uint8Array;
  /** Who acts, for the audit log (e.g. `cli:terminals`). */
  readonly actor: string;
}

/** A terminal just registered, with its plaintext root key for the personalisation file only. */
export interface Provisioned {
  readonly terminal: TerminalRecord;
  readonly rootKey: SecretKey;
  readonly rootKeyGenerated: boolean;
  readonly keyVersion: number;
  readonly purposes: readonly number[];
}

export interface AddTerminalsResult {
  readonly provisioned: readonly Provisioned[];
  readonly problems: readonly TerminalInputProblem[];
}

export type RootKeyResult =
  | { ok: true; rootKey: SecretKey; tenant: number }
  | { ok: false; reason: 'UNKNOWN_TERMINAL' | 'UNKNOWN_KEY' | 'KEY_NOT_USABLE'; state?: KeyState };

export interface KeyRegistry {
  /**
   * Registers terminals: checks every input, skips bad ones (reported with their index and reason)
   * and writes all good ones with their keys in one transaction.
   */
  addTerminals(inputs: readonly TerminalInput[]): Promise<AddTerminalsResult>;
  /** The terminal's K_root, unwrapped (its key record must be active, or deactivated within grace). */
  rootKey(terminal: TerminalId): Promise<RootKeyResult>;
  /** Creates key records of a new version in pre-activation (rotation step 1, spec §2.3). */
  createVersion(terminal: TerminalId, version: number, purposes?: readonly number[]): Promise<void>;
  /** Moves one key along the §3.1 table, audited with the registry's actor and `reason`. */
  transition(
    key: KeyRef,
    to: KeyState,
    reason: string,
    graceUntil?: UnixMillis,
  ): Promise<KeyTransitionResult>;
}

/**
 * Creates the registry.
 * @example
 * const reg = createKeyRegistry({ store, masterKey, clock, randomBytes, actor: 'cli:terminals' });
 * const { provisioned } = await reg.addTerminals([{ systemTitle: '4d4d4d0000bc614e' }]);
 */
export function createKeyRegistry(options: KeyRegistryOptions): KeyRegistry {
  const o = { ...options, keyStore: keyStoreOf(options) };
  return {
    addTerminals: (inputs) => addTerminals(o, inputs),
    rootKey: (terminal) => rootKey(o, terminal),
    async createVersion(terminal, version, purposes = DEFAULT_PURPOSES) {
      const at = o.clock.now();
      const keys = purposes.map((purpose) =>
        keyRecord({ terminal, purpose, version }, 'pre-activation', null, at),
      );
      const audit = [
        entry(o, at, 'key.generate', terminal, {
          version,
          purposes: purposes.join(','),
          state: 'pre-activation',
        }),
      ];
      await o.store.addKeys({ keys, audit });
    },
    transition: (key, to, reason, graceUntil) =>
      o.store.transitionKey({
        key,
        to,
        reason,
        at: o.clock.now(),
        actor: o.actor,
        ...(graceUntil === undefined ? {} : { graceUntil }),
      }),
  };
}

type Ctx = KeyRegistryOptions & { readonly keyStore: KeyStore };

function keyStoreOf(o: KeyRegistryOptions): KeyStore {
  if (o.keyStore !== undefined) return o.keyStore;
  if (o.masterKey === undefined) throw new TypeError('createKeyRegistry needs a keyStore');
  return createSoftwareKeyStore({ current: { where: 'memory', key: Buffer.from(o.masterKey) } });
}

function keyRecord(ref: KeyRef, state: KeyState, wrapped: Uint8Array | null, at: UnixMillis): KeyRecord {
  return { ...ref, state, wrapped, createdAt: at, updatedAt: at, graceUntil: null };
}

function entry(
  o: KeyRegistryOptions,
  at: UnixMillis,
  action: string,
  subject: string,
  details: AuditInput['details'],
): AuditInput {
  return { at, actor: o.actor, action, subject, details };
}

async function addTerminals(o: Ctx, inputs: readonly TerminalInput[]): Promise<AddTerminalsResult> {
  const problems: TerminalInputProblem[] = [];
  const good: CheckedTerminal[] = [];
  const seen = new Set<string>();
  for (const [index, input] of inputs.entries()) {
    const c = checkTerminalInput(input);
    if (!c.ok) problems.push({ index, reason: c.reason, detail: c.detail });
    else if (seen.has(c.value.id))
      problems.push({ index, reason: 'DUPLICATE_IN_INPUT', detail: `${c.value.id} appears earlier` });
    else if ((await o.store.getTerminal(c.value.id)) !== undefined) {
      problems.push({ index, reason: 'EXISTS', detail: `terminal ${c.value.id} is registered already` });
    } else {
      seen.add(c.value.id);
      good.push(c.value);
    }
  }
  const at = o.clock.now();
  const provisioned: Awaited<ReturnType<typeof provision>>[] = [];
  for (const t of good) provisioned.push(await provision(o, t, at));
  await o.store.addTerminals({
    terminals: provisioned.map((p) => p.terminal),
    keys: provisioned.flatMap((p) => p.keys),
    audit: provisioned.map((p) => p.audit),
  });
  return { provisioned: provisioned.map((p) => p.result), problems };
}

async function provision(o: Ctx, t: CheckedTerminal, at: UnixMillis) {
  const generated = t.rootKey === undefined;
  const root = new SecretKey(t.rootKey ?? o.randomBytes(ROOT_KEY_BYTES));
  const terminal: TerminalRecord = {
    id: t.id,
    type: t.type,
    fusionTerminal: t.fusionTerminal,
    tenant: t.tenant,
    createdAt: at,
    status: 'active',
  };
  const rootBytes = root.reveal();
  const wrapped = await o.keyStore.wrap(rootBytes).finally(() => rootBytes.fill(0));
  // Issued at personalisation: generated (pre-activation) and activated in the same step [spec §3.2].
  const keys = [
    keyRecord({ terminal: t.id, purpose: ROOT_KEY_PURPOSE, version: 1 }, 'active', wrapped, at),
    ...DEFAULT_PURPOSES.map((purpose) =>
      keyRecord({ terminal: t.id, purpose, version: 1 }, 'active', null, at),
    ),
  ];
  const audit = entry(o, at, 'terminal.add', t.id, {
    type: t.type,
    tenant: t.tenant,
    fusionTerminal: t.fusionTerminal,
    rootKeyGenerated: generated,
    keys: keys.map((k) => `${k.purpose}/${k.version}`).join(','),
    transition: 'pre-activation→active',
    reason: 'personalisation',
  });
  const result: Provisioned = {
    terminal,
    rootKey: root,
    rootKeyGenerated: generated,
    keyVersion: 1,
    purposes: DEFAULT_PURPOSES,
  };
  return { terminal, keys, audit, result };
}

async function rootKey(o: Ctx, terminal: TerminalId): Promise<RootKeyResult> {
  const t = await o.store.getTerminal(terminal);
  if (t === undefined) return { ok: false, reason: 'UNKNOWN_TERMINAL' };
  const k = await o.store.getKey({ terminal, purpose: ROOT_KEY_PURPOSE, version: 1 });
  if (k === undefined) return { ok: false, reason: 'UNKNOWN_KEY' };
  const inGrace = k.graceUntil !== null && o.clock.now() <= k.graceUntil;
  if (!mayProcess(k.state, inGrace) || k.wrapped === null)
    return { ok: false, reason: 'KEY_NOT_USABLE', state: k.state };
  return { ok: true, rootKey: await o.keyStore.unwrap(k.wrapped), tenant: t.tenant };
}
