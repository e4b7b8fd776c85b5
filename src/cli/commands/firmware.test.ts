// `gridtrust firmware sign|verify`: the contract's JSON fields, exit 1 with the reason on each refusal.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-fw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (n: string) => join(dir, n);
const V = 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe';
const C = '1492af14-2569-5e48-bf42-9b2d51f2ab45';

async function run(args: string[]) {
  let out = '';
  const io: CliIo = { out: (t) => void (out += t), err: () => undefined, interactive: false, env: {} };
  const code = await main(args, io);
  return { code, out };
}

describe('gridtrust firmware', () => {
  it('signs and verifies; refuses rollback, a wrong image, a foreign key and bad input', async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(f('key.pem'), k.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(f('pub.pem'), k.publicKey.export({ type: 'spki', format: 'pem' }));
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    writeFileSync(f('other.pem'), other.export({ type: 'spki', format: 'pem' }));
    writeFileSync(f('fw.bin'), Buffer.alloc(3000, 7));
    writeFileSync(f('bad.bin'), Buffer.alloc(3000, 8));
    const s = await run([
      'firmware',
      'sign',
      '--image',
      f('fw.bin'),
      '--key',
      f('key.pem'),
      '--sequence',
      '4',
      '--vendor-id',
      V,
      '--class-id',
      C,
      '--out',
      f('fw.suit'),
      '--json',
    ]);
    expect(s.code).toBe(0);
    const signed = JSON.parse(s.out) as Record<string, unknown>;
    expect(Object.keys(signed)).toEqual(['sequence', 'digestHex', 'size', 'manifestBytes']);
    expect(signed).toMatchObject({ sequence: 4, size: 3000 });
    const verify = (...extra: string[]) =>
      run([
        'firmware',
        'verify',
        '--manifest',
        f('fw.suit'),
        '--public-key',
        f('pub.pem'),
        '--json',
        ...extra,
      ]);
    const ok = await verify(
      '--image',
      f('fw.bin'),
      '--installed-sequence',
      '3',
      '--vendor-id',
      V,
      '--class-id',
      C,
    );
    expect([ok.code, JSON.parse(ok.out)]).toEqual([
      0,
      { ok: true, sequence: 4, digestHex: signed.digestHex, size: 3000, vendorId: V, classId: C },
    ]);
    const reason = async (...extra: string[]) => {
      const r = await verify(...extra);
      return [r.code, (JSON.parse(r.out) as { reason: string }).reason];
    };
    expect(await reason('--installed-sequence', '4')).toEqual([1, 'ROLLBACK']);
    expect(await reason('--image', f('bad.bin'))).toEqual([1, 'DIGEST_MISMATCH']);
    expect(await reason('--class-id', V)).toEqual([1, 'WRONG_CLASS']);
    const foreign = await run([
      'firmware',
      'verify',
      '--manifest',
      f('fw.suit'),
      '--public-key',
      f('other.pem'),
      '--json',
    ]);
    expect(JSON.parse(foreign.out)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    const bad = await run([
      'firmware',
      'sign',
      '--image',
      f('fw.bin'),
      '--key',
      f('key.pem'),
      '--sequence',
      'x',
      '--vendor-id',
      V,
      '--class-id',
      C,
      '--out',
      f('y'),
    ]);
    expect(bad.code).toBe(2);
  });
});
