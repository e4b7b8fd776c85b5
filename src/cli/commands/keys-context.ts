// Opens what the key commands work on: the data dir's store and the configured key store (software or PKCS#11).
import { resolve } from 'node:path';
import type { KeyStore } from '../../keys/index.ts';
import {
  configFromEnv,
  openConfiguredKeyStore,
  readConfigFile,
  resolvePlatformConfig,
} from '../../platform/index.ts';
import { openDataDir, resolveDataDir, type DataDir } from '../../storage/index.ts';
import type { CliIo } from '../io.ts';

/** The data dir and key store of one command, both closed when it ends. */
export interface KeysContext {
  readonly dataDir: DataDir;
  readonly keyStore: KeyStore;
}

/**
 * The key store configuration of a command: `--config FILE`, then GRIDTRUST_* (GRIDTRUST_KEY_STORE,
 * GRIDTRUST_PKCS11_MODULE, GRIDTRUST_PKCS11_TOKEN, GRIDTRUST_PKCS11_PIN_FILE), then `--data-dir`;
 * validated like `serve`'s.
 */
export function keyStoreConfigOf(
  io: CliIo,
  f: { dataDir?: string | undefined; config?: string | undefined },
) {
  const file = f.config === undefined ? {} : readConfigFile(f.config);
  const dataDir = resolveDataDir(f.dataDir, io.env);
  return {
    ...resolvePlatformConfig({ file, env: configFromEnv(io.env), flags: { dataDir } }),
    dataDir: resolve(dataDir),
  };
}

/** Opens the data dir and the key store, runs `fn`, always closes both. */
export async function withKeysContext<T>(
  io: CliIo,
  f: { dataDir?: string | undefined; config?: string | undefined; createKek?: boolean },
  fn: (ctx: KeysContext) => Promise<T>,
): Promise<T> {
  const config = keyStoreConfigOf(io, f);
  const dataDir = await openDataDir({ dir: config.dataDir, env: io.env, store: { readWorker: false } });
  try {
    const opened = await openConfiguredKeyStore({
      config,
      env: io.env,
      ...(f.createKek === undefined ? {} : { createKek: f.createKek }),
    });
    if (opened.notice !== undefined) io.err(`${opened.notice}\n`);
    try {
      return await fn({ dataDir, keyStore: opened.keyStore });
    } finally {
      await opened.keyStore.close();
    }
  } finally {
    await dataDir.store.close();
  }
}
