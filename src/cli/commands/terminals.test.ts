// `gridtrust terminals` and `readings` end to end through main(): files, modes, exit codes, no key in output.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import { openSqliteStore } from '../../storage/index.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const root = mkdtempSync(join(tmpdir(), 'gt-cli-terminals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false, env };
  const code = await main(args, io);
  return { code, out, err };
}

describe('gridtrust terminals / readings', () => {
  const dir = join(root, 'data');

  it('adds a terminal: key only in the 0600 personalisation file, never on stdout or stderr', async () => {
    const r = await run([
      'terminals',
      'add',
      '--system-title',
      '4D4D4D0000BC614E',
      '--type',
      'ittu',
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { terminal: { id: string; personalisationFile: string } };
    expect(doc.terminal).toMatchObject({ id: '4d4d4d0000bc614e', rootKeyGenerated: true, type: 'ittu' });
    const file = doc.terminal.personalisationFile;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = (JSON.parse(readFileSync(file, 'utf8')) as { rootKey: string }).rootKey;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const master = readFileSync(join(dir, 'master.key'), 'utf8').trim();
    for (const text of [r.out, r.err]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(master);
    }
    const again = await run([
      'terminals',
      'add',
      '--system-title',
      '4d4d4d0000bc614e',
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ ok: false, reason: 'EXISTS' });
  });

  it('takes a given root key from a file and rejects bad flags with exit 2', async () => {
    const keyFile = join(root, 'k.hex');
    writeFileSync(keyFile, `${'11'.repeat(32)}\n`);
    const r = await run([
      'terminals',
      'add',
      '--system-title',
      '0000000000000002',
      '--root-key-file',
      keyFile,
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('11'.repeat(32));
    expect((await run(['terminals', 'add', '--system-title', '00', '--data-dir', dir])).code).toBe(2);
    expect(
      (
        await run([
          'terminals',
          'add',
          '--system-title',
          '0000000000000003',
          '--root-key',
          'abcd',
          '--data-dir',
          dir,
        ])
      ).code,
    ).toBe(2);
    const badType = await run([
      'terminals',
      'add',
      '--system-title',
      '0000000000000003',
      '--type',
      'Bad Type',
      '--data-dir',
      dir,
    ]);
    expect(badType.code).toBe(2);
    expect(badType.err).toContain('BAD_TYPE');
  });

  it('imports a CSV: good rows in, bad rows by line number, exit 1', async () => {
    const csv = join(root, 't.csv');
    writeFileSync(
      csv,
      'system_title,type,fusion_terminal\n0000000000000010,fusion\n0000000000000011,smart-socket,0000000000000010\nnope\n',
    );
    const r = await run(['terminals', 'import', '--csv', csv, '--data-dir', dir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({
      imported: 2,
      problems: [{ line: 4, reason: 'BAD_SYSTEM_TITLE' }],
    });
    const list = await run(['terminals', 'list', '--data-dir', dir, '--json']);
    const ids = (JSON.parse(list.out) as { terminals: { id: string }[] }).terminals.map((t) => t.id);
    expect(ids).toEqual(['0000000000000002', '0000000000000010', '0000000000000011', '4d4d4d0000bc614e']);
  });

  it('prints readings of a terminal in a range', async () => {
    const store = await openSqliteStore({ path: join(dir, 'gridtrust.db'), readWorker: false });
    const t = '4d4d4d0000bc614e' as TerminalId;
    const base = Date.UTC(2026, 0, 1);
    await store.commitBatch({
      readings: [0, 1, 2].map((i) => ({
        terminal: t,
        purpose: 1,
        keyVersion: 1,
        fc: i + 1,
        ts: (base + i * 900_000) as UnixMillis,
        receivedAt: (base + i * 900_000) as UnixMillis,
        activePower: 100 + i,
      })),
    });
    await store.close();
    const r = await run([
      'readings',
      '--data-dir',
      dir,
      '--terminal',
      t,
      '--from',
      '2026-01-01T00:15Z',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { readings: { fc: number; ts: string; activePower: number }[] };
    expect(doc.readings.map((x) => [x.fc, x.ts, x.activePower])).toEqual([
      [2, '2026-01-01T00:15:00.000Z', 101],
      [3, '2026-01-01T00:30:00.000Z', 102],
    ]);
    expect(
      (await run(['readings', '--data-dir', dir, '--terminal', '00000000000000ff', '--json'])).code,
    ).toBe(1);
    expect((await run(['readings', '--data-dir', join(root, 'none'), '--terminal', t])).code).toBe(2);
  });
});
