// Master KEK loading: env GRIDTRUST_MASTER_KEY (hex) or <data-dir>/master.key, created on first run with mode 0600.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './errors.ts';

/** Environment variable that, when set, holds the master KEK as hex (overrides the key file). */
export const MASTER_KEY_ENV = 'GRIDTRUST_MASTER_KEY';
/** The key file's name inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';
const KEK_BYTES = 32;

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
    throw new StorageError('GT_ERR_STORAGE_MASTER_KEY', `${where} is not a 32-byte key in hex`, {
      hint: `give 64 hex digits (e.g. from: openssl rand -hex 32)`,
    });
  }
  return Buffer.from(clean, 'hex');
}

function readKeyFile(path: string): Buffer {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new StorageError(
      'GT_ERR_STORAGE_MASTER_KEY_PERMISSIONS',
      `${path} has mode ${mode.toString(8)}, group/others may access it`,
      {
        hint: `chmod 600 ${path} (and consider the key exposed if others could read it)`,
      },
    );
  }
  try {
    return parseKey(readFileSync(path, 'utf8'), path);
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError('GT_ERR_STORAGE_MASTER_KEY', `cannot read ${path}`, {
      hint: 'check its permissions',
      cause,
    });
  }
}

function createKeyFile(dataDir: string, path: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEK_BYTES);
  try {
    // 'wx': fail if it appeared meanwhile (another process won the race) instead of overwriting it.
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // the umask may have narrowed, never widened, but be explicit
    return key;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path);
    throw new StorageError('GT_ERR_STORAGE_MASTER_KEY', `cannot create ${path}`, {
      hint: 'check that the data directory is writable',
      cause,
    });
  }
}

/**
 * Loads the master KEK: `GRIDTRUST_MASTER_KEY` when set, else `<dataDir>/master.key`, created with
 * 32 random bytes and mode 0600 on first run. A key file that group or others may access is refused.
 */
export function loadMasterKey(o: {
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
}): MasterKey {
  const fromEnv = o.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '')
    return { key: parseKey(fromEnv, MASTER_KEY_ENV), source: 'env' };
  const path = join(o.dataDir, MASTER_KEY_FILE);
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  return exists
    ? { key: readKeyFile(path), source: 'file', path }
    : { key: createKeyFile(o.dataDir, path), source: 'created', path };
}
