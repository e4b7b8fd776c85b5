// Operator lifecycle operations of spec §3.2 as pure functions over the store port: each key change is
// checked against the §3.1 table and audited (actor, reason, time) in the store's transaction.
import type { Clock, TerminalId } from '../core/index.ts';
import type { KeyState, TransitionRefusal } from './lifecycle.ts';
import { allowedKeyTransitions, checkKeyTransition, keyPhase } from './lifecycle.ts';
import { ROOT_KEY_PURPOSE, type AuditInput, type KeyRecord, type RegistryStore } from './registry-types.ts';

/** The state-changing operations an operator asks for by name. */
export type LifecycleOp = 'suspend' | 'reinstate' | 'deactivate' | 'compromise' | 'destroy';

/** The state each operation moves a key to. */
export const OP_TARGET: Readonly<Record<LifecycleOp, KeyState>> = {
  suspend: 'suspended',
  reinstate: 'active',
  deactivate: 'deactivated',
  compromise: 'compromised',
  destroy: 'destroyed',
};

/** Which keys of a terminal an operation is about; without purpose, every purpose but K_root's (0). */
export interface KeySelector {
  readonly terminal: TerminalId;
  readonly purpose?: number;
  readonly version?: number;
}

export interface LifecycleContext {
  readonly store: RegistryStore;
  readonly clock: Clock;
  /** Who acts, for the audit log (`operator:alice`, `trust`, ...). */
  readonly actor: string;
}

export interface KeyChange {
  readonly purpose: number;
  readonly version: number;
  readonly from: KeyState;
  readonly to: KeyState;
}

/** Why one selected key was left as it was. */
export interface KeyRefusal {
  readonly purpose: number;
  readonly version: number;
  readonly state: KeyState;
  readonly reason: TransitionRefusal | 'UNKNOWN_KEY' | 'NOT_POST_OPERATIONAL';
  /** The states this key may move to (empty when none). */
  readonly allowed?: readonly KeyState[];
}

export type LifecycleResult =
  | { ok: true; changed: readonly KeyChange[]; refused: readonly KeyRefusal[] }
  | {
      ok: false;
      reason: 'UNKNOWN_TERMINAL' | 'NO_SUCH_KEY' | 'NOTHING_CHANGED';
      refused: readonly KeyRefusal[];
    };

/** The keys a selector names (K_root only when asked for by purpose 0). */
export async function selectKeys(store: RegistryStore, s: KeySelector): Promise<KeyRecord[]> {
  const all = await store.listKeys(s.terminal);
  return all.filter(
    (k) =>
      (s.purpose === undefined ? k.purpose !== ROOT_KEY_PURPOSE : k.purpose === s.purpose) &&
      (s.version === undefined || k.version === s.version),
  );
}

/**
 * Applies one operation to every selected key whose state allows it; the others are reported with the
 * table's reason. With an explicit version, a refusal is the answer; without one, keys already in the
 * target state or unable to reach it are skipped (a terminal-wide suspend leaves deactivated keys alone).
 * @example
 * await applyLifecycleOp(ctx, 'suspend', { terminal }, 'meter seal broken'); // every active key suspended
 */
export async function applyLifecycleOp(
  ctx: LifecycleContext,
  op: LifecycleOp,
  sel: KeySelector,
  reason: string,
): Promise<LifecycleResult> {
  if ((await ctx.store.getTerminal(sel.terminal)) === undefined)
    return { ok: false, reason: 'UNKNOWN_TERMINAL', refused: [] };
  const keys = await selectKeys(ctx.store, sel);
  if (keys.length === 0) return { ok: false, reason: 'NO_SUCH_KEY', refused: [] };
  const to = OP_TARGET[op];
  const changed: KeyChange[] = [];
  const refused: KeyRefusal[] = [];
  for (const k of keys) {
    const check = checkKeyTransition(k.state, to);
    if (!check.ok) {
      refused.push(refusal(k, check.reason));
      continue;
    }
    const r = await ctx.store.transitionKey({
      key: k,
      to,
      reason,
      at: ctx.clock.now(),
      actor: ctx.actor,
    });
    if (r.ok) changed.push({ purpose: k.purpose, version: k.version, from: r.from, to: r.to });
    else refused.push(refusal(k, r.reason)); // changed meanwhile by another process
  }
  return changed.length > 0
    ? { ok: true, changed, refused }
    : { ok: false, reason: 'NOTHING_CHANGED', refused };
}

function refusal(k: KeyRecord, reason: KeyRefusal['reason']): KeyRefusal {
  return {
    purpose: k.purpose,
    version: k.version,
    state: k.state,
    reason,
    allowed: allowedKeyTransitions(k.state),
  };
}

/** The store an archive operation writes its audit record to (the operational store). */
export interface AuditedRegistryStore extends RegistryStore {
  appendAudit(entries: readonly AuditInput[]): Promise<unknown>;
}

export type ArchiveResult =
  | { ok: true; archived: readonly KeyRef2[]; already: readonly KeyRef2[]; refused: readonly KeyRefusal[] }
  | {
      ok: false;
      reason: 'UNKNOWN_TERMINAL' | 'NO_SUCH_KEY' | 'NOTHING_CHANGED';
      refused: readonly KeyRefusal[];
    };

type KeyRef2 = { readonly purpose: number; readonly version: number };

/**
 * Archiving (spec §3.2): post-operational keys (deactivated, compromised) are copied with their wrapped
 * material and metadata into the archive store, where they stay readable for archived ciphertext; the
 * operational log records `key.archive`. Operational (or destroyed) keys are refused. Idempotent: a key
 * already in the archive is reported in `already`.
 */
export async function archiveKeys(
  ctx: LifecycleContext & { readonly store: AuditedRegistryStore },
  archive: RegistryStore,
  sel: KeySelector,
  reason: string,
): Promise<ArchiveResult> {
  const terminal = await ctx.store.getTerminal(sel.terminal);
  if (terminal === undefined) return { ok: false, reason: 'UNKNOWN_TERMINAL', refused: [] };
  const keys = await selectKeys(ctx.store, sel);
  if (keys.length === 0) return { ok: false, reason: 'NO_SUCH_KEY', refused: [] };
  const refused = keys
    .filter((k) => keyPhase(k.state) !== 'post-operational')
    .map((k): KeyRefusal => refusal(k, 'NOT_POST_OPERATIONAL'));
  const eligible = keys.filter((k) => keyPhase(k.state) === 'post-operational');
  const present = new Set((await archive.listKeys(sel.terminal)).map((k) => `${k.purpose}/${k.version}`));
  const fresh = eligible.filter((k) => !present.has(`${k.purpose}/${k.version}`));
  const already = eligible.filter((k) => present.has(`${k.purpose}/${k.version}`)).map(ref);
  if (fresh.length === 0)
    return already.length > 0
      ? { ok: true, archived: [], already, refused }
      : { ok: false, reason: 'NOTHING_CHANGED', refused };
  const at = ctx.clock.now();
  const entry: AuditInput = {
    at,
    actor: ctx.actor,
    action: 'key.archive',
    subject: sel.terminal,
    details: { keys: fresh.map((k) => `${k.purpose}/${k.version}`).join(','), reason },
  };
  if ((await archive.getTerminal(sel.terminal)) === undefined)
    await archive.addTerminals({ terminals: [terminal], keys: fresh, audit: [entry] });
  else await archive.addKeys({ keys: fresh, audit: [entry] });
  await ctx.store.appendAudit([entry]);
  return { ok: true, archived: fresh.map(ref), already, refused };
}

const ref = (k: KeyRecord): KeyRef2 => ({ purpose: k.purpose, version: k.version });
