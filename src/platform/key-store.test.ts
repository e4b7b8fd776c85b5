// Key store configuration: keyStore/pkcs11* fields and their env variables validated at start; PIN file checks.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv, resolvePlatformConfig } from './config.ts';
import { openConfiguredKeyStore } from './key-store.ts';

const root = mkdtempSync(join(tmpdir(), 'gt-ksc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('key store configuration', () => {
  it('defaults to software and reads GRIDTRUST_KEY_STORE / GRIDTRUST_PKCS11_* from the environment', () => {
    expect(resolvePlatformConfig({}).keyStore).toBe('software');
    const env = configFromEnv({
      GRIDTRUST_KEY_STORE: 'pkcs11',
      GRIDTRUST_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      GRIDTRUST_PKCS11_TOKEN: 'gridtrust',
      GRIDTRUST_PKCS11_PIN_FILE: '/etc/gridtrust/pin',
    });
    expect(resolvePlatformConfig({ env })).toMatchObject({
      keyStore: 'pkcs11',
      pkcs11Module: '/usr/lib/softhsm/libsofthsm2.so',
      pkcs11Token: 'gridtrust',
      pkcs11PinFile: '/etc/gridtrust/pin',
    });
  });

  it('reports a bad keyStore and the missing pkcs11 fields at once', () => {
    expect(() => resolvePlatformConfig({ file: { keyStore: 'vault' } })).toThrow(/keyStore/);
    let msg = '';
    try {
      resolvePlatformConfig({ file: { keyStore: 'pkcs11' }, flags: { mqttPort: -1 } });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/pkcs11Module: required/);
    expect(msg).toMatch(/pkcs11Token: required/);
    expect(msg).toMatch(/mqttPort/);
  });

  it('opens the software store of a data dir and tells once that it created the key', async () => {
    const dataDir = join(root, 'sw');
    const config = { dataDir, keyStore: 'software' as const };
    const first = await openConfiguredKeyStore({ config, env: {} });
    expect(first.notice).toMatch(/created master key .*master\.key \(mode 0600\): back it up/);
    await first.keyStore.close();
    const again = await openConfiguredKeyStore({ config, env: {} });
    expect(again.notice).toBeUndefined();
    await again.keyStore.close();
  });

  it('refuses a PIN file others may read, and a missing PIN, before touching the token', async () => {
    const pin = join(root, 'pin');
    writeFileSync(pin, '123456\n');
    chmodSync(pin, 0o644);
    const config = {
      dataDir: root,
      keyStore: 'pkcs11' as const,
      pkcs11Module: '/nonexistent.so',
      pkcs11Token: 't',
      pkcs11PinFile: pin,
    };
    const e1 = await openConfiguredKeyStore({ config, env: {} }).catch((e: unknown) => e);
    expect(e1).toMatchObject({ code: 'GT_ERR_PLATFORM_CONFIG' });
    expect(String(e1)).not.toContain('123456');
    const { pkcs11PinFile: _, ...noPin } = config;
    const e2 = await openConfiguredKeyStore({ config: noPin, env: {} }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'GT_ERR_PLATFORM_CONFIG' });
  });
});
