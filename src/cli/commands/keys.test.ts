// `gridtrust keys list|suspend|reinstate|compromise|destroy|archive` and `audit verify|list` through main():
// contract field names, exit codes, refusals with reasons, the audit chain, no key material printed.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unwrapKeyWithPadding } from '../../keys/index.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const root = mkdtempSync(join(tmpdir(), 'gt-cli-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const T = '4d4d4d0000bc614e';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    interactive: false,
    env: {},
  };
  return { code: await main(args, io), out, err };
}

describe('gridtrust keys (lifecycle) and audit', () => {
  const dir = join(root, 'data');
  const k = (op: string, ...rest: string[]) =>
    run(['keys', op, '--terminal', T, '--data-dir', dir, '--json', ...rest]);

  it('lists, suspends, reinstates, refuses, compromises, destroys, archives; the chain verifies', async () => {
    expect((await run(['terminals', 'add', '--system-title', T, '--data-dir', dir])).code).toBe(0);
    const rootKey = (
      JSON.parse(readFileSync(join(dir, 'personalisation', `${T}.json`), 'utf8')) as { rootKey: string }
    ).rootKey;
    const list = await k('list');
    expect(list.code).toBe(0);
    const keys = (JSON.parse(list.out) as { keys: Record<string, unknown>[] }).keys;
    expect(keys.map((x) => Object.keys(x).sort())).toContainEqual(
      ['createdAt', 'purpose', 'state', 'updatedAt', 'version'].sort(),
    );
    const sus = await k('suspend', '--purpose', '1', '--reason', 'ticket 1');
    expect(JSON.parse(sus.out)).toMatchObject({
      ok: true,
      changed: [{ purpose: 1, from: 'active', to: 'suspended' }],
    });
    const again = await k('suspend', '--purpose', '1', '--reason', 'twice');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({
      ok: false,
      refused: [{ purpose: 1, reason: 'SAME_STATE' }],
    });
    expect((await k('reinstate', '--purpose', '1', '--reason', 'checked')).code).toBe(0);
    expect((await k('compromise', '--purpose', '2', '--reason', 'key seen in a dump')).code).toBe(0);
    const back = await k('reinstate', '--purpose', '2', '--reason', 'no');
    expect(JSON.parse(back.out)).toMatchObject({
      refused: [{ state: 'compromised', reason: 'NOT_ALLOWED' }],
    });
    const arch = await k('archive', '--reason', 'retention');
    expect(JSON.parse(arch.out)).toMatchObject({ ok: true, archived: [{ purpose: 2, version: 1 }] });
    expect((await k('destroy', '--purpose', '2', '--reason', 'archived')).code).toBe(0);
    expect(JSON.parse((await k('list')).out).keys).toContainEqual(
      expect.objectContaining({ purpose: 2, state: 'destroyed' }),
    );
    const verify = await run(['audit', 'verify', '--data-dir', dir, '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toEqual({ ok: true, records: 6 });
    const audit = await run(['audit', 'list', '--terminal', T, '--data-dir', dir, '--json']);
    const actions = (JSON.parse(audit.out) as { records: { action: string }[] }).records.map((r) => r.action);
    expect(actions).toEqual(
      [
        'terminal.add',
        'key.transition',
        'key.transition',
        'key.transition',
        'key.archive',
        'key.transition',
      ].slice(0, actions.length),
    );
    const all = [list, sus, again, back, arch, verify, audit].map((r) => r.out + r.err).join('');
    expect(all).not.toContain(rootKey);
  });

  it('audit verify names the first record that does not verify (exit 1)', async () => {
    // Tamper with one record behind the store's back, as an attacker with file access would.
    const Database = (await import('better-sqlite3')).default;
    const conn = new Database(join(dir, 'gridtrust.db'));
    conn.exec('DROP TRIGGER audit_log_no_update');
    conn.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run();
    conn.close();
    const v = await run(['audit', 'verify', '--data-dir', dir, '--json']);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.out)).toMatchObject({
      ok: false,
      records: 6,
      firstBad: { seq: 3, reason: 'BAD_HASH' },
    });
  });

  it('backup → recover with 3 of 5 shares into a fresh data dir; 2 shares refused; export with two approvers', async () => {
    const src = join(root, 'bsrc');
    const T2 = '4d4d4d0000bc6150';
    expect((await run(['terminals', 'add', '--system-title', T2, '--data-dir', src])).code).toBe(0);
    const rootKey = (
      JSON.parse(readFileSync(join(src, 'personalisation', `${T2}.json`), 'utf8')) as { rootKey: string }
    ).rootKey;
    const out = join(root, 'bout');
    const b = await run(['keys', 'backup', '--out', out, '--data-dir', src, '--json']);
    expect(b.code).toBe(0);
    const res = JSON.parse(b.out) as {
      keys: number;
      shares: number;
      threshold: number;
      backupFile: string;
      shareFiles: string[];
    };
    expect(res).toMatchObject({ keys: 1, shares: 5, threshold: 3 });
    expect(statSync(res.shareFiles[0]!).mode & 0o777).toBe(0o600);
    const shares = res.shareFiles.map((f) => readFileSync(f, 'utf8').trim());
    const fresh = join(root, 'bdst');
    const two = await run([
      'keys',
      'recover',
      '--backup',
      res.backupFile,
      '--share',
      res.shareFiles[0]!,
      '--share',
      res.shareFiles[3]!,
      '--data-dir',
      fresh,
      '--json',
    ]);
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/GT_ERR_KEYS_BACKUP_THRESHOLD/);
    const three = await run([
      'keys',
      'recover',
      '--backup',
      res.backupFile,
      ...[1, 2, 4].flatMap((i) => ['--share', res.shareFiles[i]!]),
      '--data-dir',
      fresh,
      '--json',
    ]);
    expect(three.code).toBe(0);
    expect(JSON.parse(three.out)).toMatchObject({ recovered: 1 });
    const kekFile = join(root, 'recipient.hex');
    writeFileSync(kekFile, `${'ab'.repeat(32)}\n`);
    const ex = await run([
      'keys',
      'export',
      '--terminal',
      T2,
      '--recipient-kek-file',
      kekFile,
      '--approver',
      'alice',
      '--approver',
      'bob',
      '--data-dir',
      fresh,
      '--json',
    ]);
    expect(ex.code).toBe(0);
    const e = JSON.parse(ex.out) as {
      terminal: string;
      purpose: number;
      version: number;
      wrappedHex: string;
      kcv: string;
    };
    expect(e).toMatchObject({ terminal: T2, purpose: 0, version: 1 });
    expect(
      unwrapKeyWithPadding(Buffer.from('ab'.repeat(32), 'hex'), Buffer.from(e.wrappedHex, 'hex')).toString(
        'hex',
      ),
    ).toBe(rootKey);
    const solo = await run([
      'keys',
      'export',
      '--terminal',
      T2,
      '--recipient-kek-file',
      kekFile,
      '--approver',
      'alice',
      '--data-dir',
      fresh,
    ]);
    expect(solo.code).toBe(2);
    const printed = [b, two, three, ex, solo].map((r) => r.out + r.err).join('');
    expect(printed).not.toContain(rootKey);
    for (const s of shares) expect(printed).not.toContain(s);
  });

  it('refuses bad input with exit 2 and an unknown terminal with exit 1', async () => {
    expect(
      (await run(['keys', 'suspend', '--terminal', 'zz', '--reason', 'x', '--data-dir', dir])).code,
    ).toBe(2);
    const unknown = await run([
      'keys',
      'list',
      '--terminal',
      '4d4d4d0000bc6100',
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(unknown.code).toBe(1);
  });
});
