// PKCS#11 key store (pkcs11js): the master KEK generated inside the token, sensitive and never extractable;
// root keys wrapped and unwrapped in the token with CKM_AES_KEY_WRAP_PAD [RFC5649].
import type * as P from 'pkcs11js';
import { KeysError } from '../errors.ts';
import type { KekInfo, KeyStore } from '../key-store.ts';
import { SecretKey } from '../registry-secret.ts';
import { kekList, unwrapFailed } from '../software/software-key-store.ts';
import { findKeks, generateKek, KEK_LABEL_PREFIX, type TokenKek } from './pkcs11-keks.ts';

type Lib = typeof P;

/** How to reach the token. The PIN comes from a file or the environment, never from a flag. */
export interface Pkcs11KeyStoreOptions {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  /** The token's label (the slot id changes when a token is initialised, the label does not). */
  readonly token: string;
  /** The user PIN. Never logged, never in an error. */
  readonly pin: string;
  /**
   * Generate the first KEK in the token when it holds none (`gridtrust keys kek init`).
   * @default false: a token without a KEK is refused (GT_ERR_KEYS_PKCS11_NO_KEK)
   */
  readonly createKek?: boolean;
}

function p11Error(what: string, hint: string, cause?: unknown): KeysError {
  // pkcs11js messages carry the CKR_ name and the function, never the PIN.
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new KeysError('GT_ERR_KEYS_PKCS11', `${what}${detail}`, { hint });
}

async function loadLib(): Promise<Lib> {
  // Default import: a namespace import leaves the CK* constants undefined (DEPENDENCIES.md).
  const mod = (await import('pkcs11js')) as unknown as { default: Lib };
  return mod.default;
}

function findSlot(p: P.PKCS11, token: string): P.Handle {
  for (const slot of p.C_GetSlotList(true)) {
    if (p.C_GetTokenInfo(slot).label.trim() === token) return slot;
  }
  throw p11Error(`no token labelled "${token}"`, 'check pkcs11Token (the label given to --init-token)');
}

interface Session {
  readonly lib: Lib;
  readonly p: P.PKCS11;
  readonly session: P.Handle;
  /** Closes the session; finalises the module when it was the last one of the process. */
  readonly release: () => void;
}

/**
 * Cryptoki is initialised once per process and module (a second C_Initialize fails, and C_Finalize
 * ends every session of the process), so the open modules are counted: the one process-wide table.
 */
const MODULES = new Map<string, { p: P.PKCS11; refs: number }>();

function loadModule(lib: Lib, path: string): P.PKCS11 {
  const open = MODULES.get(path);
  if (open !== undefined) {
    open.refs += 1;
    return open.p;
  }
  const p = new lib.PKCS11();
  try {
    p.load(path);
    p.C_Initialize();
  } catch (cause) {
    throw p11Error(`cannot load PKCS#11 module ${path}`, 'check pkcs11Module', cause);
  }
  MODULES.set(path, { p, refs: 1 });
  return p;
}

function unloadModule(path: string): void {
  const open = MODULES.get(path);
  if (open === undefined) return;
  open.refs -= 1;
  if (open.refs > 0) return;
  MODULES.delete(path);
  open.p.C_Finalize();
  open.p.close();
}

function openSession(lib: Lib, o: Pkcs11KeyStoreOptions): Session {
  const p = loadModule(lib, o.module);
  let session: P.Handle | undefined;
  try {
    const slot = findSlot(p, o.token);
    session = p.C_OpenSession(slot, lib.CKF_SERIAL_SESSION | lib.CKF_RW_SESSION);
    login(lib, p, session, o.pin);
    const s = session;
    return { lib, p, session: s, release: () => closeSession(p, s, o.module) };
  } catch (e) {
    closeSession(p, session, o.module);
    if (e instanceof KeysError) throw e;
    throw p11Error(`cannot open a session on token "${o.token}"`, 'check the token and its PIN file', e);
  }
}

function closeSession(p: P.PKCS11, session: P.Handle | undefined, module: string): void {
  try {
    if (session !== undefined) p.C_CloseSession(session);
  } finally {
    unloadModule(module);
  }
}

function login(lib: Lib, p: P.PKCS11, session: P.Handle, pin: string): void {
  try {
    p.C_Login(session, lib.CKU_USER, pin);
  } catch (e) {
    if ((e as { code?: number }).code === lib.CKR_USER_ALREADY_LOGGED_IN) return;
    throw p11Error(
      'login to the token failed',
      'check the PIN file (pkcs11PinFile / GRIDTRUST_PKCS11_PIN)',
      e,
    );
  }
}

/** Opens the PKCS#11 key store; see {@link Pkcs11KeyStoreOptions}. */
export async function openPkcs11KeyStore(o: Pkcs11KeyStoreOptions): Promise<KeyStore> {
  const s = openSession(await loadLib(), o);
  let keks: TokenKek[];
  try {
    keks = findKeks(s);
    if (keks.length === 0 && o.createKek === true) keks = [generateKek(s, 1)];
  } catch (e) {
    s.release();
    if (e instanceof KeysError) throw e;
    throw p11Error(`cannot find or create the KEK in token "${o.token}"`, 'check the token', e);
  }
  if (keks.length === 0) {
    s.release();
    throw new KeysError('GT_ERR_KEYS_PKCS11_NO_KEK', `token "${o.token}" holds no ${KEK_LABEL_PREFIX}* KEK`, {
      hint: 'create one inside the token: gridtrust keys kek init --key-store pkcs11',
    });
  }
  return createPkcs11KeyStore(s, keks);
}

function createPkcs11KeyStore(s: Session, found: readonly TokenKek[]): KeyStore {
  // The newest generation wraps; an older one present means a KEK rotation is in progress.
  let current = found[0]!;
  let previous = found[1];
  const { lib, p, session } = s;
  const tryUnwrap = (kek: TokenKek, wrapped: Uint8Array): Buffer | undefined => {
    let obj: P.Handle | undefined;
    try {
      obj = p.C_UnwrapKey(
        session,
        { mechanism: lib.CKM_AES_KEY_WRAP_PAD },
        kek.handle,
        Buffer.from(wrapped),
        [
          { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
          { type: lib.CKA_KEY_TYPE, value: lib.CKK_GENERIC_SECRET },
          { type: lib.CKA_TOKEN, value: false },
          { type: lib.CKA_SENSITIVE, value: false },
          { type: lib.CKA_EXTRACTABLE, value: true },
        ],
      );
    } catch {
      return undefined; // CKR_WRAPPED_KEY_INVALID / CKR_ENCRYPTED_DATA_INVALID: not under this KEK
    }
    try {
      // Held in the host only as long as key derivation needs it (HKDF of the key hierarchy).
      return Buffer.from(p.C_GetAttributeValue(session, obj, [{ type: lib.CKA_VALUE }])[0]!.value);
    } finally {
      p.C_DestroyObject(session, obj);
    }
  };
  return {
    kind: 'pkcs11',
    wrap: (key) => new Promise((done) => done(wrapIn(s, current, key))),
    unwrap(wrapped) {
      const bytes = tryUnwrap(current, wrapped) ?? (previous && tryUnwrap(previous, wrapped));
      if (bytes === undefined) return Promise.reject(unwrapFailed());
      const secret = new SecretKey(bytes);
      bytes.fill(0);
      return Promise.resolve(secret);
    },
    isCurrent(wrapped) {
      const bytes = tryUnwrap(current, wrapped);
      bytes?.fill(0);
      return Promise.resolve(bytes !== undefined);
    },
    keks: (): readonly KekInfo[] => kekList(current.id, previous?.id),
    beginKekRotation() {
      if (previous === undefined) {
        previous = current;
        current = generateKek(s, current.generation + 1);
      }
      return Promise.resolve({ id: current.id, role: 'current' as const });
    },
    finishKekRotation() {
      if (previous !== undefined) p.C_DestroyObject(session, previous.handle);
      previous = undefined;
      return Promise.resolve();
    },
    close() {
      s.release();
      return Promise.resolve();
    },
  };
}

/** Wraps key bytes in the token: a session object holding them, wrapped with CKM_AES_KEY_WRAP_PAD, destroyed. */
function wrapIn(s: Session, kek: TokenKek, key: Uint8Array): Buffer {
  const { lib, p, session } = s;
  if (key.length < 16) {
    // SoftHSM 2.6.1's one-block KWP case differs from RFC 5649 §4.1 (conformance suite): refuse it.
    throw new KeysError(
      'GT_ERR_KEYS_BAD_KEY_LENGTH',
      `the token wraps keys of 16 bytes or more, got ${key.length}`,
      {
        hint: 'root keys are 32 bytes; wrap short secrets with the software key store',
      },
    );
  }
  const obj = p.C_CreateObject(session, [
    { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
    { type: lib.CKA_KEY_TYPE, value: lib.CKK_GENERIC_SECRET },
    { type: lib.CKA_TOKEN, value: false },
    { type: lib.CKA_SENSITIVE, value: false },
    { type: lib.CKA_EXTRACTABLE, value: true },
    { type: lib.CKA_VALUE, value: Buffer.from(key) },
  ]);
  try {
    const out = Buffer.alloc(key.length + 16);
    return Buffer.from(p.C_WrapKey(session, { mechanism: lib.CKM_AES_KEY_WRAP_PAD }, kek.handle, obj, out));
  } catch (cause) {
    throw p11Error('wrap in the token failed', 'check that the token supports CKM_AES_KEY_WRAP_PAD', cause);
  } finally {
    p.C_DestroyObject(session, obj);
  }
}
