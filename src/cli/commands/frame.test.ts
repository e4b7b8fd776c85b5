// `gridtrust frame`: encode/decode V7, decode-dlms V2, rejection → exit 1, bad input → exit 2, no secret echo.
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const ROOT = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const V7 = '10014d4d4d0000bc614e10010000000101aafd666a0760b1b985d61f7f19821b27f05085d4ee6f3d5b915bed99424dd6';

async function run(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false, env };
  const code = await main(args, io);
  return { code, out, err };
}

describe('gridtrust frame', () => {
  it('encode reproduces the spec example V7', async () => {
    const r = await run([
      'frame',
      'encode',
      '--root-key',
      ROOT,
      '--tenant',
      '1',
      '--system-title',
      '4d4d4d0000bc614e',
      '--fc',
      '1',
      '--telemetry',
      '{"1":1700000000,"2":2301,"3":512}',
    ]);
    expect([r.code, r.out.trim()]).toEqual([0, V7]);
  });

  it('decode --json prints header, plaintextHex and telemetry (root key from the environment)', async () => {
    const r = await run(['frame', 'decode', '--tenant', '1', '--hex', V7, '--json'], {
      GRIDTRUST_ROOT_KEY: ROOT,
    });
    const doc = JSON.parse(r.out) as {
      ok: boolean;
      plaintextHex: string;
      telemetry: unknown;
      header: { fc: number };
    };
    expect(r.code).toBe(0);
    expect(doc.plaintextHex).toBe('a3011a6553f100021908fd03190200');
    expect(doc.telemetry).toEqual({ t: 1700000000, voltage: 2301, current: 512 });
    expect(doc.header.fc).toBe(1);
  });

  it('a tampered frame is one JSON document with the reason and exit 1', async () => {
    const bad = `${V7.slice(0, -1)}7`;
    const r = await run(['frame', 'decode', '--root-key', ROOT, '--tenant', '1', '--hex', bad, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, reason: 'BAD_TAG' });
  });

  it('decode-dlms opens the Green Book glo-get-request (SC 0x30)', async () => {
    const r = await run(
      [
        'frame',
        'decode-dlms',
        '--system-title',
        '4D4D4D0000BC614E',
        '--json',
        '--hex',
        'C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B',
      ],
      {
        GRIDTRUST_DLMS_EK: '000102030405060708090A0B0C0D0E0F',
        GRIDTRUST_DLMS_AK: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
      },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      plaintextHex: 'c0010000080000010000ff0200',
      authenticated: true,
    });
  });

  it('bad input exits 2 and never echoes a secret', async () => {
    const secret = 'deadbeef'.repeat(7);
    const r = await run(['frame', 'decode', '--root-key', secret, '--tenant', '1', '--hex', V7]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('GT_ERR_CLI_BAD_HEX');
    expect(r.err + r.out).not.toContain(secret);
    expect((await run(['frame', 'decode', '--tenant', '1', '--hex', V7])).code).toBe(2);
    const both = await run([
      'frame',
      'encode',
      '--root-key',
      ROOT,
      '--tenant',
      '1',
      '--system-title',
      '4d4d4d0000bc614e',
      '--fc',
      '1',
    ]);
    expect([both.code, both.err.includes('exactly one')]).toEqual([2, true]);
  });
});
