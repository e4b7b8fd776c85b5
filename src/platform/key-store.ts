// Opens the configured key store (software: master.key / GRIDTRUST_MASTER_KEY; pkcs11: a token, PIN from a file or env).
import { readFileSync, statSync } from 'node:fs';
import { openPkcs11KeyStore, openSoftwareKeyStore, type KeyStore } from '../keys/index.ts';
import type { PlatformConfig } from './config.ts';
import { PlatformError } from './errors.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Environment variable holding the token's user PIN when no pkcs11PinFile is configured. */
export const PKCS11_PIN_ENV = 'GRIDTRUST_PKCS11_PIN';

/** The config fields the key store needs. */
export type KeyStoreConfig = Pick<
  PlatformConfig,
  'dataDir' | 'keyStore' | 'pkcs11Module' | 'pkcs11Token' | 'pkcs11PinFile'
>;

export interface OpenedKeyStore {
  readonly keyStore: KeyStore;
  /** A one-time notice for stderr (a master key file just created: back it up), never a secret. */
  readonly notice?: string;
}

function readPin(config: KeyStoreConfig, env: Env): string {
  const file = config.pkcs11PinFile;
  if (file === undefined) {
    const pin = env[PKCS11_PIN_ENV];
    if (pin !== undefined && pin !== '') return pin;
    throw new PlatformError('GT_ERR_PLATFORM_CONFIG', 'keyStore pkcs11 needs the token PIN', {
      hint: `set pkcs11PinFile (GRIDTRUST_PKCS11_PIN_FILE) to a file of mode 0600, or ${PKCS11_PIN_ENV}`,
    });
  }
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new PlatformError('GT_ERR_PLATFORM_CONFIG', `PIN file ${file} is readable by group or others`, {
        hint: `chmod 600 ${file}`,
      });
    }
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (cause) {
    if (cause instanceof PlatformError) throw cause;
    throw new PlatformError('GT_ERR_PLATFORM_CONFIG', `cannot read PIN file ${file}`, {
      hint: 'check pkcs11PinFile and its permissions',
      cause,
    });
  }
}

/**
 * Opens the key store the configuration names. `createKek`: generate the first KEK in a token that
 * has none (`gridtrust keys kek init`); otherwise such a token is refused.
 */
export async function openConfiguredKeyStore(o: {
  config: KeyStoreConfig;
  env: Env;
  createKek?: boolean;
}): Promise<OpenedKeyStore> {
  const c = o.config;
  if (c.keyStore === 'software') {
    const s = openSoftwareKeyStore({ dataDir: c.dataDir, env: o.env });
    return s.source === 'created'
      ? { keyStore: s.keyStore, notice: `created master key ${s.path ?? ''} (mode 0600): back it up` }
      : { keyStore: s.keyStore };
  }
  const keyStore = await openPkcs11KeyStore({
    module: c.pkcs11Module ?? '',
    token: c.pkcs11Token ?? '',
    pin: readPin(c, o.env),
    ...(o.createKek === undefined ? {} : { createKek: o.createKek }),
  });
  return { keyStore };
}
