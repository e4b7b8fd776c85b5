// The software key store's KEK from GRIDTRUST_MASTER_KEY or <data-dir>/master.key (0600), and its rotation files.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeysError } from '../errors.ts';
import type { KeyStore } from '../key-store.ts';
import { createSoftwareKeyStore, type SoftwareKek, type SoftwareKekBacking } from './software-key-store.ts';

/** Environment variable that, when set, holds the master KEK as hex (overrides the key file). */
export const MASTER_KEY_ENV = 'GRIDTRUST_MASTER_KEY';
/** With {@link MASTER_KEY_ENV}: the KEK being rotated away from (set both during `keys kek rotate`). */
export const MASTER_KEY_PREVIOUS_ENV = 'GRIDTRUST_MASTER_KEY_PREVIOUS';
/** The key file's name inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';
/** The next KEK while a rotation is in progress; promoted to master.key when it ends. */
export const MASTER_KEY_NEXT_FILE = 'master.key.next';
const OLD_FILE = 'master.key.old';
const KEK_BYTES = 32;

type Env = Readonly<Record<string, string | undefined>>;

export interface MasterKey {
  /** 32-byte AES-256 KEK. Never log it. */
  readonly key: Buffer;
  readonly source: 'env' | 'file' | 'created';
  /** The key file, when the key came from one. */
  readonly path?: string;
}

function parseKey(text: string, where: string): Buffer {
  const clean = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
    // Never echo the value: a wrong key may still be a real secret.
    throw new KeysError('GT_ERR_KEYS_MASTER_KEY', `${where} is not a 32-byte key in hex`, {
      hint: `give 64 hex digits (e.g. from: openssl rand -hex 32)`,
    });
  }
  return Buffer.from(clean, 'hex');
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function readKeyFile(path: string): Buffer {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeysError(
      'GT_ERR_KEYS_MASTER_KEY_PERMISSIONS',
      `${path} has mode ${mode.toString(8)}, group/others may access it`,
      { hint: `chmod 600 ${path} (and consider the key exposed if others could read it)` },
    );
  }
  try {
    return parseKey(readFileSync(path, 'utf8'), path);
  } catch (cause) {
    if (cause instanceof KeysError) throw cause;
    throw new KeysError('GT_ERR_KEYS_MASTER_KEY', `cannot read ${path}`, {
      hint: 'check its permissions',
      cause,
    });
  }
}

/** Creates a key file with 32 random bytes, mode 0600, never overwriting one (exclusive create). */
function createKeyFile(dir: string, path: string): Buffer {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEK_BYTES);
  try {
    // 'wx': fail if it appeared meanwhile (another process won the race) instead of overwriting it.
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // the umask may have narrowed, never widened, but be explicit
    return key;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path);
    throw new KeysError('GT_ERR_KEYS_MASTER_KEY', `cannot create ${path}`, {
      hint: 'check that the data directory is writable',
      cause,
    });
  }
}

/** Overwrites a key file with zeros, then removes it (best effort against a plain undelete). */
function eraseKeyFile(path: string): void {
  if (!exists(path)) return;
  writeFileSync(path, '0'.repeat(64) + '\n');
  rmSync(path, { force: true });
}

/**
 * Loads the master KEK: `GRIDTRUST_MASTER_KEY` when set, else `<dataDir>/master.key`, created with
 * 32 random bytes and mode 0600 on first run. A key file that group or others may access is refused.
 */
export function loadMasterKey(o: { dataDir: string; env: Env }): MasterKey {
  const fromEnv = o.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '')
    return { key: parseKey(fromEnv, MASTER_KEY_ENV), source: 'env' };
  const path = join(o.dataDir, MASTER_KEY_FILE);
  return exists(path)
    ? { key: readKeyFile(path), source: 'file', path }
    : { key: createKeyFile(o.dataDir, path), source: 'created', path };
}

function fileBacking(dataDir: string): SoftwareKekBacking {
  const main = join(dataDir, MASTER_KEY_FILE);
  const next = join(dataDir, MASTER_KEY_NEXT_FILE);
  const old = join(dataDir, OLD_FILE);
  return {
    createNext: () =>
      Promise.resolve({ where: `file:${MASTER_KEY_NEXT_FILE}`, key: createKeyFile(dataDir, next) }),
    promoteNext() {
      // Two renames, each atomic: a crash between them leaves master.key.old + master.key, which
      // openSoftwareKeyStore finishes by erasing the old file.
      renameSync(main, old);
      renameSync(next, main);
      eraseKeyFile(old);
      return Promise.resolve();
    },
  };
}

const envBacking: SoftwareKekBacking = {
  createNext: () =>
    Promise.reject(
      new KeysError('GT_ERR_KEYS_KEK_ROTATION', 'the master KEK comes from GRIDTRUST_MASTER_KEY', {
        hint: `put the new key in ${MASTER_KEY_ENV} and the old one in ${MASTER_KEY_PREVIOUS_ENV}, then run gridtrust keys kek rotate`,
      }),
    ),
  promoteNext: () => Promise.resolve(),
};

/** Completes a promotion a crash interrupted (master.key.old left behind), before anything is loaded. */
function finishPromotion(dataDir: string): void {
  const main = join(dataDir, MASTER_KEY_FILE);
  const next = join(dataDir, MASTER_KEY_NEXT_FILE);
  const old = join(dataDir, OLD_FILE);
  if (!exists(old)) return;
  if (!exists(main) && exists(next)) renameSync(next, main);
  if (exists(main)) eraseKeyFile(old);
}

/** What {@link openSoftwareKeyStore} opened, for a one-time notice ("created ... back it up"). */
export interface OpenedSoftwareKeyStore {
  readonly keyStore: KeyStore;
  readonly source: MasterKey['source'];
  readonly path?: string;
}

/**
 * Opens the software key store of a data dir. From the environment: `GRIDTRUST_MASTER_KEY` (and
 * `GRIDTRUST_MASTER_KEY_PREVIOUS` during a rotation). From files: `master.key`, plus `master.key.next`
 * while a rotation is in progress (it is then current, master.key previous).
 */
export function openSoftwareKeyStore(o: { dataDir: string; env: Env }): OpenedSoftwareKeyStore {
  if (o.env[MASTER_KEY_ENV] === undefined || o.env[MASTER_KEY_ENV] === '') finishPromotion(o.dataDir);
  const m = loadMasterKey(o);
  if (m.source === 'env') {
    const prev = o.env[MASTER_KEY_PREVIOUS_ENV];
    const previous: SoftwareKek | undefined =
      prev === undefined || prev === ''
        ? undefined
        : { where: 'env:previous', key: parseKey(prev, MASTER_KEY_PREVIOUS_ENV) };
    const keyStore = createSoftwareKeyStore({
      current: { where: 'env', key: m.key },
      ...(previous ? { previous } : {}),
      backing: envBacking,
    });
    return { keyStore, source: 'env' };
  }
  const nextPath = join(o.dataDir, MASTER_KEY_NEXT_FILE);
  const main: SoftwareKek = { where: `file:${MASTER_KEY_FILE}`, key: m.key };
  const keyStore = exists(nextPath)
    ? createSoftwareKeyStore({
        current: { where: `file:${MASTER_KEY_NEXT_FILE}`, key: readKeyFile(nextPath) },
        previous: main,
        backing: fileBacking(o.dataDir),
      })
    : createSoftwareKeyStore({ current: main, backing: fileBacking(o.dataDir) });
  return { keyStore, source: m.source, ...(m.path === undefined ? {} : { path: m.path }) };
}
