// Software key store: the master KEK's bytes in process memory; RFC 5649 with node:crypto.
import { createHash, randomBytes } from 'node:crypto';
import { KeysError } from '../errors.ts';
import { unwrapKeyWithPadding, wrapKeyWithPadding } from '../key-wrap.ts';
import type { KekInfo, KeyStore } from '../key-store.ts';
import { SecretKey } from '../registry-secret.ts';

/** A KEK held in memory; `where` says where it came from (`file:master.key`, `env`, ...). */
export interface SoftwareKek {
  readonly where: string;
  readonly key: Buffer;
}

/**
 * The KEK's stable name: `software:` + 8 hex digits of SHA-256 over a label and the key (a one-way
 * fingerprint, like a key check value; the same wherever the key is kept).
 */
export function softwareKekId(key: Uint8Array): string {
  const h = createHash('sha256').update('gridtrust kek id\0').update(key).digest('hex');
  return `software:${h.slice(0, 8)}`;
}

/** Where the software KEKs are kept between runs (files, environment, or nowhere). */
export interface SoftwareKekBacking {
  /** Creates and persists the next KEK (a rotation starts); must not replace an existing one. */
  createNext(): Promise<SoftwareKek>;
  /** Makes the next KEK the only one and erases the previous (a rotation ends). */
  promoteNext(): Promise<void>;
}

export interface SoftwareKeyStoreOptions {
  readonly current: SoftwareKek;
  /** The KEK being rotated away from, when a rotation is in progress. */
  readonly previous?: SoftwareKek;
  /** @default in memory only: a rotation lasts as long as the process */
  readonly backing?: SoftwareKekBacking;
}

function tryUnwrap(kek: Buffer, wrapped: Uint8Array): Buffer | undefined {
  try {
    return unwrapKeyWithPadding(kek, wrapped);
  } catch (e) {
    if (e instanceof KeysError && e.code === 'GT_ERR_KEYS_UNWRAP_FAILED') return undefined;
    throw e;
  }
}

function memoryBacking(): SoftwareKekBacking {
  return {
    createNext: () => Promise.resolve({ where: 'memory', key: randomBytes(32) }),
    promoteNext: () => Promise.resolve(),
  };
}

/**
 * A key store over KEK bytes in memory (the software adapter's core; files and environment are read by
 * {@link openSoftwareKeyStore}).
 * @example
 * const ks = createSoftwareKeyStore({ current: { where: 'memory', key: randomBytes(32) } });
 * const blob = await ks.wrap(rootKey); // 40 bytes for a 32-byte key
 */
export function createSoftwareKeyStore(o: SoftwareKeyStoreOptions): KeyStore {
  const held = (k: SoftwareKek) => ({ id: softwareKekId(k.key), key: Buffer.from(k.key) });
  let current = held(o.current);
  let previous = o.previous && held(o.previous);
  const backing = o.backing ?? memoryBacking();
  if (![16, 24, 32].includes(current.key.length)) {
    throw new KeysError(
      'GT_ERR_KEYS_BAD_KEK',
      `a KEK must be 16, 24 or 32 bytes, got ${current.key.length}`,
      {
        hint: 'give an AES-256 key: 64 hex digits (e.g. from: openssl rand -hex 32)',
      },
    );
  }
  return {
    kind: 'software',
    wrap: (key) => new Promise((done) => done(wrapKeyWithPadding(current.key, key))),
    unwrap(wrapped) {
      const bytes = tryUnwrap(current.key, wrapped) ?? (previous && tryUnwrap(previous.key, wrapped));
      if (bytes === undefined) {
        // Same error as a single-KEK unwrap: tampered, or under a KEK this store does not hold.
        return Promise.reject(unwrapFailed());
      }
      const secret = new SecretKey(bytes);
      bytes.fill(0);
      return Promise.resolve(secret);
    },
    isCurrent(wrapped) {
      const bytes = tryUnwrap(current.key, wrapped);
      bytes?.fill(0);
      return Promise.resolve(bytes !== undefined);
    },
    keks: () => kekList(current.id, previous?.id),
    async beginKekRotation() {
      if (previous === undefined) {
        const next = await backing.createNext();
        previous = current;
        current = held(next);
      }
      return { id: current.id, role: 'current' };
    },
    async finishKekRotation() {
      if (previous === undefined) return;
      await backing.promoteNext();
      previous.key.fill(0);
      previous = undefined;
    },
    close() {
      current.key.fill(0);
      previous?.key.fill(0);
      return Promise.resolve();
    },
  };
}

/** The KEK list of a store: current first, then the previous one while a rotation is in progress. */
export function kekList(current: string, previous: string | undefined): readonly KekInfo[] {
  const list: KekInfo[] = [{ id: current, role: 'current' }];
  if (previous !== undefined) list.push({ id: previous, role: 'previous' });
  return list;
}

/** The error every adapter throws when no KEK it holds verifies a blob. */
export function unwrapFailed(): KeysError {
  return new KeysError('GT_ERR_KEYS_UNWRAP_FAILED', 'unwrap failed: integrity check value does not match', {
    hint: 'the wrapped key was altered or was wrapped under a KEK this key store does not hold',
  });
}
