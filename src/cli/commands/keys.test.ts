// `gridtrust keys list|suspend|reinstate|compromise|destroy|archive` and `audit verify|list` through main():
// contract field names, exit codes, refusals with reasons, the audit chain, no key material printed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
