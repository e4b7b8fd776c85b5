// The key registry (src/keys) over the real stores: wrapped-only root keys, import problems, lifecycle, redaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import { createKeyRegistry, unwrapKeyWithPadding, type KeyRegistry } from '../keys/index.ts';
import { createMemoryStore } from './memory/memory-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

const MASTER = Buffer.alloc(32, 0x5a);
const dir = mkdtempSync(join(tmpdir(), 'gt-reg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function counterBytes(): (n: number) => Uint8Array {
  let next = 0;
  return (n) => Uint8Array.from({ length: n }, () => (next++ * 37 + 11) & 0xff);
}

function setup(store: Store, masterKey: Uint8Array = MASTER): KeyRegistry {
  const clock = createManualClock(1_700_000_000_000 as UnixMillis);
  return createKeyRegistry({ store, masterKey, clock, randomBytes: counterBytes(), actor: 'test' });
}

const stores: [string, () => Promise<Store>][] = [
  ['memory', () => createMemoryStore()],
  ['sqlite', () => openSqliteStore({ path: join(dir, `${Math.random()}.db`), readWorker: false })],
];

describe.each(stores)('key registry over the %s store', (_name, open) => {
  it('generates a root key, stores it only wrapped under the master KEK (RFC 5649)', async () => {
    const store = await open();
    const reg = setup(store);
    const { provisioned, problems } = await reg.addTerminals([
      { systemTitle: '4D4D4D00:00BC614E', type: 'ittu' },
    ]);
    expect(problems).toEqual([]);
    const p = provisioned[0]!;
    expect(p).toMatchObject({ rootKeyGenerated: true, keyVersion: 1, purposes: [1, 2, 3] });
    expect(p.terminal).toMatchObject({ id: '4d4d4d0000bc614e', type: 'ittu', tenant: 1, status: 'active' });
    const plain = p.rootKey.reveal();
    const keys = await store.listKeys(p.terminal.id);
    expect(keys.map((k) => `${k.purpose}/${k.version}/${k.state}`)).toEqual([
      '0/1/active',
      '1/1/active',
      '2/1/active',
      '3/1/active',
    ]);
    const wrapped = keys[0]!.wrapped!;
    expect(wrapped.length).toBe(40);
    expect(Buffer.from(wrapped).includes(plain)).toBe(false);
    expect(unwrapKeyWithPadding(MASTER, wrapped)).toEqual(plain);
    const got = await reg.rootKey(p.terminal.id);
    expect(got.ok && got.rootKey.reveal()).toEqual(plain);
    await store.close();
  });

  it('imports the good inputs in one go and reports each bad one with its reason', async () => {
    const store = await open();
    const reg = setup(store);
    await reg.addTerminals([{ systemTitle: '0000000000000001' }]);
    const given = Buffer.alloc(32, 0xab);
    const r = await reg.addTerminals([
      { systemTitle: '0000000000000002', rootKey: given, fusionTerminal: '0000000000000001', tenant: 7 },
      { systemTitle: 'xyz' },
      { systemTitle: '0000000000000001' },
      { systemTitle: '0000000000000002' },
      { systemTitle: '0000000000000003', rootKey: Buffer.alloc(16) },
      { systemTitle: '0000000000000004', type: 'Bad Type' },
      { systemTitle: '0000000000000005', tenant: -1 },
      { systemTitle: '0000000000000006', fusionTerminal: '12' },
    ]);
    expect(r.problems.map((x) => [x.index, x.reason])).toEqual([
      [1, 'BAD_SYSTEM_TITLE'],
      [2, 'EXISTS'],
      [3, 'DUPLICATE_IN_INPUT'],
      [4, 'BAD_ROOT_KEY'],
      [5, 'BAD_TYPE'],
      [6, 'BAD_TENANT'],
      [7, 'BAD_FUSION_TERMINAL'],
    ]);
    expect(r.provisioned.map((p) => [p.terminal.id, p.rootKeyGenerated, p.terminal.tenant])).toEqual([
      ['0000000000000002', false, 7],
    ]);
    expect(r.provisioned[0]!.rootKey.reveal()).toEqual(given);
    expect((await store.listTerminals()).length).toBe(2);
    await store.close();
  });

  it('refuses the root key once compromised, and after a rotation version runs the lifecycle', async () => {
    const store = await open();
    const reg = setup(store);
    const id = '0000000000000009' as TerminalId;
    await reg.addTerminals([{ systemTitle: id }]);
    await reg.createVersion(id, 2);
    expect((await store.getKey({ terminal: id, purpose: 1, version: 2 }))?.state).toBe('pre-activation');
    expect(
      await reg.transition({ terminal: id, purpose: 1, version: 2 }, 'active', 'ack received'),
    ).toMatchObject({ ok: true });
    expect(
      await reg.transition({ terminal: id, purpose: 1, version: 2 }, 'pre-activation', 'x'),
    ).toMatchObject({ ok: false, reason: 'NOT_ALLOWED' });
    await reg.transition({ terminal: id, purpose: 0, version: 1 }, 'compromised', 'SE dump found');
    expect(await reg.rootKey(id)).toEqual({ ok: false, reason: 'KEY_NOT_USABLE', state: 'compromised' });
    expect(await reg.rootKey('00000000000000ff' as TerminalId)).toEqual({
      ok: false,
      reason: 'UNKNOWN_TERMINAL',
    });
    await store.close();
  });

  it('never shows key bytes: JSON, inspect, audit log and errors stay clean', async () => {
    const store = await open();
    const reg = setup(store);
    const { provisioned } = await reg.addTerminals([{ systemTitle: '00000000000000aa' }]);
    const p = provisioned[0]!;
    const hex = p.rootKey.reveal().toString('hex');
    const masterHex = MASTER.toString('hex');
    const texts = [
      JSON.stringify(provisioned),
      inspect(provisioned, { depth: 9 }),
      p.rootKey.toString(),
      JSON.stringify(await store.listAudit()),
    ];
    const wrong = setup(store, Buffer.alloc(32, 1));
    const err: unknown = await wrong.rootKey(p.terminal.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GT_ERR_KEYS_UNWRAP_FAILED' });
    texts.push(inspect(err, { depth: 9 }), String(err));
    for (const t of texts) {
      expect(t).not.toContain(hex);
      expect(t).not.toContain(masterHex);
    }
    await store.close();
  });
});
