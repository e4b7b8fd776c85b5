// Provisioning through the key registry (K_root wrapped RFC 5649 under the master KEK) and the unwrapper.
import { randomBytes } from 'node:crypto';
import type { Clock, TerminalId } from '../core/index.ts';
import { createKeyRegistry, type KeyRegistry, type KeyStore } from '../keys/index.ts';
import type { Store } from '../storage/index.ts';
import { PlatformError } from './errors.ts';
import type { RootKeyProvider } from './terminal-cache.ts';

/** One terminal to add: identity, its 32-byte K_root and a device type. */
export interface TerminalToProvision {
  id: TerminalId;
  rootKey: Uint8Array;
  type: string;
  /** The fusion terminal it reports under (its trust peers), or null for a direct terminal. */
  fusionTerminal?: string | null;
}

/** Builds the key registry over a store and a key store (or KEK bytes in memory), node:crypto randomness. */
export function createPlatformRegistry(o: {
  store: Store;
  keyStore?: KeyStore;
  masterKey?: Uint8Array;
  clock: Clock;
  actor: string;
}): KeyRegistry {
  return createKeyRegistry({ ...o, randomBytes: (n) => randomBytes(n) });
}

/** Adds terminals with known root keys in one transaction; throws when any is refused. */
export async function provisionTerminals(
  registry: KeyRegistry,
  list: readonly TerminalToProvision[],
): Promise<void> {
  const res = await registry.addTerminals(
    list.map((t) => ({
      systemTitle: t.id,
      rootKey: t.rootKey,
      type: t.type,
      tenant: 1,
      ...(t.fusionTerminal ? { fusionTerminal: t.fusionTerminal } : {}),
    })),
  );
  for (const p of res.provisioned) p.rootKey.wipe();
  const first = res.problems[0];
  if (first !== undefined) {
    throw new PlatformError(
      'GT_ERR_PLATFORM_START',
      `cannot provision terminal #${first.index}: ${first.reason}`,
      {
        hint: first.detail,
      },
    );
  }
}

/** The K_root of a terminal from the registry (undefined when unknown or not usable). */
export function rootKeysFromRegistry(registry: KeyRegistry): RootKeyProvider {
  return async (id) => {
    const r = await registry.rootKey(id);
    if (!r.ok) return undefined;
    const bytes = r.rootKey.reveal();
    r.rootKey.wipe();
    return bytes;
  };
}
