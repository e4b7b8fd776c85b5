// The data directory of the embedded platform: where the database and personalisation files live (the KEK: keys area).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StorageError } from './errors.ts';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';

/** Environment variable naming the data directory. */
export const DATA_DIR_ENV = 'GRIDTRUST_DATA_DIR';
/** Default data directory (git-ignored), relative to the working directory. */
export const DEFAULT_DATA_DIR = '.gridtrust';
export const DATABASE_FILE = 'gridtrust.db';
export const PERSONALISATION_DIR = 'personalisation';

/** The `--data-dir` flag, else `$GRIDTRUST_DATA_DIR`, else `./.gridtrust`, as an absolute path. */
export function resolveDataDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const fromEnv = env[DATA_DIR_ENV];
  return resolve(flag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DATA_DIR));
}

export interface DataDir {
  readonly dir: string;
  readonly store: SqliteStore;
  /** Directory for terminal personalisation files (mode 0700). */
  readonly personalisationDir: string;
}

/**
 * Opens (creating on first run) a data directory: `gridtrust.db` (SQLite, WAL) and the personalisation
 * directory. The master KEK is the key store's (src/keys: software or PKCS#11), opened by the caller.
 */
export async function openDataDir(o: {
  dir: string;
  env: Readonly<Record<string, string | undefined>>;
  store?: Omit<SqliteStoreOptions, 'path'>;
}): Promise<DataDir> {
  try {
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new StorageError('GT_ERR_STORAGE_OPEN', `cannot create data directory ${o.dir}`, {
      hint: 'choose a writable --data-dir',
      cause,
    });
  }
  const store = await openSqliteStore({ ...o.store, path: join(o.dir, DATABASE_FILE) });
  return { dir: o.dir, store, personalisationDir: join(o.dir, PERSONALISATION_DIR) };
}
