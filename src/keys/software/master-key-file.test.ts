// Master KEK: created once with mode 0600, reused, env override, bad values refused without echoing them.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMasterKey } from './master-key-file.ts';

const root = mkdtempSync(join(tmpdir(), 'gt-mk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `d${++n}`);

describe('loadMasterKey', () => {
  it('creates a 32-byte key file with mode 0600 on first run and reads the same key after', () => {
    const dataDir = fresh();
    const a = loadMasterKey({ dataDir, env: {} });
    expect(a.source).toBe('created');
    expect(a.key.length).toBe(32);
    expect(statSync(a.path!).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    const b = loadMasterKey({ dataDir, env: {} });
    expect(b).toMatchObject({ source: 'file' });
    expect(b.key).toEqual(a.key);
  });

  it('prefers GRIDTRUST_MASTER_KEY and creates no file then', () => {
    const dataDir = fresh();
    const hex = 'ab'.repeat(32);
    const k = loadMasterKey({ dataDir, env: { GRIDTRUST_MASTER_KEY: hex } });
    expect(k).toMatchObject({ source: 'env' });
    expect(k.key.toString('hex')).toBe(hex);
    expect(() => statSync(join(dataDir, 'master.key'))).toThrow();
  });

  it('refuses a malformed key without echoing it', () => {
    const secretish = 'cd'.repeat(31);
    let err: unknown;
    try {
      loadMasterKey({ dataDir: fresh(), env: { GRIDTRUST_MASTER_KEY: secretish } });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'GT_ERR_KEYS_MASTER_KEY' });
    expect(JSON.stringify(err) + String(err) + ((err as Error).stack ?? '')).not.toContain(secretish);
  });

  it('refuses a key file that group or others may read', () => {
    const dataDir = fresh();
    const { path } = loadMasterKey({ dataDir, env: {} });
    chmodSync(path!, 0o644);
    expect(() => loadMasterKey({ dataDir, env: {} })).toThrow(
      expect.objectContaining({ code: 'GT_ERR_KEYS_MASTER_KEY_PERMISSIONS' }),
    );
    chmodSync(path!, 0o600);
    writeFileSync(path!, 'not hex\n');
    expect(() => loadMasterKey({ dataDir, env: {} })).toThrow(
      expect.objectContaining({ code: 'GT_ERR_KEYS_MASTER_KEY' }),
    );
    expect(readFileSync(path!, 'utf8')).toBe('not hex\n');
  });
});
