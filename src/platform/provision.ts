// Provisioning for the demo and tests: terminals with RFC 5649-wrapped K_root, and the matching unwrapper.
import type { TenantId, TerminalId, UnixMillis } from '../core/index.ts';
import { ROOT_KEY_PURPOSE, unwrapKeyWithPadding, wrapKeyWithPadding, type KeyRecord } from '../keys/index.ts';
import { PURPOSE } from '../protocol/index.ts';
import type { Store } from '../storage/index.ts';
import type { RootKeyProvider } from './terminal-cache.ts';

/** One terminal to add: identity, its 32-byte K_root and a device type. */
export interface TerminalToProvision {
  id: TerminalId;
  rootKey: Uint8Array;
  type: string;
}

/** Options of {@link provisionTerminals}. */
export interface ProvisionOptions {
  store: Store;
  /** Master key-encryption key (32 bytes); K_root is stored only wrapped under it. */
  kek: Uint8Array;
  tenant: number;
  at: UnixMillis;
  actor: string;
}

function keyRecord(id: TerminalId, purpose: number, wrapped: Uint8Array | null, at: UnixMillis): KeyRecord {
  return {
    terminal: id,
    purpose,
    version: 1,
    state: 'active',
    wrapped,
    createdAt: at,
    updatedAt: at,
    graceUntil: null,
  };
}

/**
 * Adds terminals in one transaction: K_root (purpose 0, wrapped RFC 5649) and version 1 of the
 * telemetry and command keys (derived on demand, so no material is stored), all active, audited.
 */
export async function provisionTerminals(
  o: ProvisionOptions,
  list: readonly TerminalToProvision[],
): Promise<void> {
  const terminals = list.map((t) => ({
    id: t.id,
    type: t.type,
    fusionTerminal: null,
    tenant: o.tenant as TenantId,
    createdAt: o.at,
    status: 'active' as const,
  }));
  const keys = list.flatMap((t) => [
    keyRecord(t.id, ROOT_KEY_PURPOSE, wrapKeyWithPadding(o.kek, t.rootKey), o.at),
    keyRecord(t.id, PURPOSE.TELEMETRY, null, o.at),
    keyRecord(t.id, PURPOSE.COMMAND, null, o.at),
  ]);
  const audit = list.map((t) => ({
    at: o.at,
    actor: o.actor,
    action: 'terminal.add',
    subject: t.id,
    details: { type: t.type, keyVersion: 1 },
  }));
  await o.store.addTerminals({ terminals, keys, audit });
}

/** Unwraps K_root (purpose 0, version 1) of a terminal from the store under the KEK. */
export function rootKeysFromStore(store: Store, kek: Uint8Array): RootKeyProvider {
  return async (id) => {
    const rec = await store.getKey({ terminal: id, purpose: ROOT_KEY_PURPOSE, version: 1 });
    return rec?.wrapped == null ? undefined : unwrapKeyWithPadding(kek, rec.wrapped);
  };
}
