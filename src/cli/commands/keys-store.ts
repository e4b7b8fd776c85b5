// The stores the key commands open: the data dir's database and, for archiving, <data-dir>/archive.db.
import { join } from 'node:path';
import {
  openDataDir,
  openSqliteStore,
  resolveDataDir,
  type DataDir,
  type SqliteStore,
} from '../../storage/index.ts';
import type { CliIo } from '../io.ts';

/** The archive store's file in the data dir: post-operational keys kept for archived ciphertext. */
export const ARCHIVE_FILE = 'archive.db';

/** Opens the data dir's store (no key store: state changes never unwrap), runs `fn`, closes it. */
export async function withStore<T>(
  io: CliIo,
  dataDirFlag: string | undefined,
  fn: (dataDir: DataDir) => Promise<T>,
): Promise<T> {
  const dataDir = await openDataDir({
    dir: resolveDataDir(dataDirFlag, io.env),
    env: io.env,
    store: { readWorker: false },
  });
  try {
    return await fn(dataDir);
  } finally {
    await dataDir.store.close();
  }
}

/** Opens the archive store beside the database, runs `fn`, closes it. */
export async function withArchive<T>(dataDir: DataDir, fn: (archive: SqliteStore) => Promise<T>): Promise<T> {
  const archive = await openSqliteStore({ path: join(dataDir.dir, ARCHIVE_FILE), readWorker: false });
  try {
    return await fn(archive);
  } finally {
    await archive.close();
  }
}
