// A private SoftHSM2 for one test run: its own SOFTHSM2_CONF and token directory, tokens made with softhsm2-util.
import type * as Pkcs11js from 'pkcs11js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's softhsm2 module. */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TEST_PIN = '246813';
const SO_PIN = '97531864';

export interface PrivateSoftHsm {
  readonly dir: string;
  readonly conf: string;
  /** Initialises a new token with this label (user PIN {@link TEST_PIN}). */
  initToken(label: string): void;
  /**
   * Imports raw AES key bytes into a token as a KEK object with this label (for published vectors),
   * through its own Cryptoki session: call it while no key store of this process is open.
   */
  importAesKey(o: { token: string; label: string; key: Uint8Array }): Promise<void>;
  /** A PIN file (mode 0600) for the config's pkcs11PinFile. */
  pinFile(): string;
  remove(): void;
}

/**
 * Creates the private SoftHSM2 and points this process's SOFTHSM2_CONF at it (before the module is
 * first initialised: SoftHSM reads the variable in C_Initialize). Children get `env()`.
 */
export function createPrivateSoftHsm(): PrivateSoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'gt-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const util = (args: string[]) =>
    execFileSync('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'pipe' });
  return {
    dir,
    conf,
    initToken(label) {
      util(['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', TEST_PIN]);
    },
    importAesKey: (o) => importAesKey(o),
    pinFile() {
      const file = join(dir, 'pin');
      writeFileSync(file, `${TEST_PIN}\n`, { mode: 0o600 });
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function importAesKey(o: { token: string; label: string; key: Uint8Array }): Promise<void> {
  // softhsm2-util --import --aes stops at a newline byte, so the key goes in through C_CreateObject.
  const { default: p11 } = (await import('pkcs11js')) as unknown as { default: typeof Pkcs11js };
  const p = new p11.PKCS11();
  p.load(SOFTHSM_MODULE);
  p.C_Initialize();
  try {
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === o.token);
    if (slot === undefined) throw new Error(`no token ${o.token}`);
    const session = p.C_OpenSession(slot, p11.CKF_SERIAL_SESSION | p11.CKF_RW_SESSION);
    p.C_Login(session, p11.CKU_USER, TEST_PIN);
    p.C_CreateObject(session, [
      { type: p11.CKA_CLASS, value: p11.CKO_SECRET_KEY },
      { type: p11.CKA_KEY_TYPE, value: p11.CKK_AES },
      { type: p11.CKA_TOKEN, value: true },
      { type: p11.CKA_PRIVATE, value: true },
      { type: p11.CKA_SENSITIVE, value: true },
      { type: p11.CKA_EXTRACTABLE, value: false },
      { type: p11.CKA_WRAP, value: true },
      { type: p11.CKA_UNWRAP, value: true },
      { type: p11.CKA_LABEL, value: o.label },
      { type: p11.CKA_VALUE, value: Buffer.from(o.key) },
    ]);
  } finally {
    p.C_Finalize();
    p.close();
  }
}
