// `gridtrust terminals reinstate` through main(): quarantined → active with an audit record; exit codes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import { openSqliteStore } from '../../storage/index.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const root = mkdtempSync(join(tmpdir(), 'gt-cli-reinstate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]) {
  let out = '';
  const io: CliIo = { out: (t) => void (out += t), err: () => undefined, interactive: false, env: {} };
  return { code: await main(args, io), out };
}

describe('gridtrust terminals reinstate', () => {
  it('reinstates a quarantined terminal (audited), refuses an active one (1) and bad input (2)', async () => {
    const dir = join(root, 'data');
    const id = '4754530000000034' as TerminalId;
    expect((await run(['terminals', 'add', '--system-title', id, '--data-dir', dir])).code).toBe(0);
    const store = await openSqliteStore({ path: join(dir, 'gridtrust.db') });
    await store.setTerminalStatus({
      id,
      status: 'quarantined',
      at: 1 as UnixMillis,
      actor: 'trust',
      reason: 'test',
    });
    await store.close();
    const args = ['terminals', 'reinstate', '--system-title', id, '--data-dir', dir, '--reason', 'checked'];
    const ok = await run([...args, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ id, reinstated: true, statusBefore: 'quarantined' });
    const again = await run([...args, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ reinstated: false, statusBefore: 'active' });
    expect((await run(['terminals', 'reinstate', '--system-title', 'zz', '--data-dir', dir])).code).toBe(2);
    const check = await openSqliteStore({ path: join(dir, 'gridtrust.db') });
    const audit = await check.listAudit();
    await check.close();
    expect(audit.at(-1)).toMatchObject({ action: 'terminal.status', subject: id, actor: 'operator:cli' });
  });
});
