// Split backup and recovery (any T of N shares recover, T−1 fail and change nothing), dual-control export.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import {
  combineShares,
  createBackup,
  createKeyRegistry,
  createSoftwareKeyStore,
  exportKey,
  keyCheckValue,
  recoverBackup,
  unwrapKeyWithPadding,
} from '../keys/index.ts';
import { createMemoryStore } from './memory/memory-store.ts';

const clock = { now: () => 1_800_000_000_000 as UnixMillis, monotonic: () => 0 };
const T1 = '4d4d4d0000bc614e' as TerminalId;
const T2 = '4d4d4d0000bc614f' as TerminalId;

async function platform() {
  const store = await createMemoryStore();
  const keyStore = createSoftwareKeyStore({ current: { where: 'test', key: randomBytes(32) } });
  const reg = createKeyRegistry({
    store,
    keyStore,
    clock,
    randomBytes: (n) => randomBytes(n),
    actor: 'test',
  });
  const { provisioned } = await reg.addTerminals([{ systemTitle: T1 }, { systemTitle: T2 }]);
  const roots = new Map(provisioned.map((p) => [p.terminal.id, p.rootKey.reveal()]));
  return { store, keyStore, reg, roots };
}

describe('split backup and recovery', () => {
  it('any threshold of the shares recovers every root key into a fresh store; one fewer fails', async () => {
    const src = await platform();
    const b = await createBackup({
      ...src,
      clock,
      randomBytes: (n) => randomBytes(n),
      shares: 5,
      threshold: 3,
    });
    expect(JSON.stringify(b.document)).not.toContain(src.roots.get(T1)!.toString('hex'));
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 2, maxLength: 5 }), async (pick) => {
        const given = pick.map((i) => b.shareHex[i]!);
        if (pick.length < 3) {
          await expect(combineShares(b.document, given)).rejects.toMatchObject({
            code: 'GT_ERR_KEYS_BACKUP_THRESHOLD',
          });
          return;
        }
        const kek = await combineShares(b.document, given);
        const dst = await createMemoryStore();
        const ks = createSoftwareKeyStore({ current: { where: 'fresh', key: randomBytes(32) } });
        const r = await recoverBackup({
          doc: b.document,
          backupKek: kek,
          store: dst,
          keyStore: ks,
          clock,
          actor: 'test',
        });
        expect(r).toMatchObject({ recovered: 2, skipped: 0 });
        const reg = createKeyRegistry({ store: dst, keyStore: ks, clock, randomBytes, actor: 'test' });
        for (const t of [T1, T2]) {
          const k = await reg.rootKey(t);
          expect(k.ok && k.rootKey.reveal()).toEqual(src.roots.get(t));
        }
        expect((await dst.listAudit()).at(-1)).toMatchObject({ action: 'key.recover' });
      }),
      { numRuns: 20 },
    );
  });

  it('the same share twice does not count twice; shares of another backup are refused', async () => {
    const src = await platform();
    const opts = { ...src, clock, randomBytes: (n: number) => randomBytes(n), shares: 5, threshold: 3 };
    const a = await createBackup(opts);
    const other = await createBackup(opts);
    const s = a.shareHex;
    await expect(combineShares(a.document, [s[0]!, s[0]!, s[1]!])).rejects.toMatchObject({
      code: 'GT_ERR_KEYS_BACKUP_THRESHOLD',
    });
    await expect(combineShares(a.document, other.shareHex.slice(0, 3))).rejects.toMatchObject({
      code: 'GT_ERR_KEYS_BACKUP_THRESHOLD',
    });
  });

  it('a backup whose key check value was altered is refused and nothing is written', async () => {
    const src = await platform();
    const b = await createBackup({
      ...src,
      clock,
      randomBytes: (n) => randomBytes(n),
      shares: 3,
      threshold: 2,
    });
    const doc = { ...b.document, keys: b.document.keys.map((k) => (k.kcv ? { ...k, kcv: '000000' } : k)) };
    const kek = await combineShares(b.document, b.shareHex.slice(0, 2));
    const dst = await createMemoryStore();
    await expect(
      recoverBackup({ doc, backupKek: kek, store: dst, keyStore: src.keyStore, clock, actor: 't' }),
    ).rejects.toMatchObject({ code: 'GT_ERR_KEYS_BACKUP' });
    expect(await dst.listTerminals()).toEqual([]);
  });
});

describe('exportKey (dual control)', () => {
  it('wraps K_root under the recipient KEK (RFC 5649), audits both approvers; unwraps to the key', async () => {
    const src = await platform();
    const recipient = randomBytes(32);
    const ctx = { store: src.store, keyStore: src.keyStore, clock, actor: 'operator:test' };
    const r = await exportKey(ctx, {
      terminal: T1,
      purpose: 0,
      recipientKek: recipient,
      approvers: ['alice', 'bob'],
    });
    const root = src.roots.get(T1)!;
    expect(r).toMatchObject({ terminal: T1, purpose: 0, version: 1, kcv: keyCheckValue(root) });
    expect(r.wrappedHex).toMatch(/^[0-9a-f]{80}$/);
    expect(unwrapKeyWithPadding(recipient, Buffer.from(r.wrappedHex, 'hex'))).toEqual(root);
    expect((await src.store.listAudit()).at(-1)).toMatchObject({
      action: 'key.export',
      details: { approvers: 'alice,bob', kcv: r.kcv },
    });
    // An independent implementation (pyca/cryptography) unwraps it too, when this machine has it.
    const py = `import sys;from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding as u;print(u(bytes.fromhex(sys.argv[1]),bytes.fromhex(sys.argv[2])).hex())`;
    let pyOut: string | undefined;
    try {
      pyOut = execFileSync('/usr/bin/python3', ['-c', py, recipient.toString('hex'), r.wrappedHex], {
        encoding: 'utf8',
      });
    } catch {
      pyOut = undefined; // python3-cryptography missing: the node:crypto check above still holds
    }
    if (pyOut !== undefined) expect(pyOut.trim()).toBe(root.toString('hex'));
  });

  it('refuses one approver (or the same twice), a derived purpose, a short KEK', async () => {
    const src = await platform();
    const ctx = { store: src.store, keyStore: src.keyStore, clock, actor: 'operator:test' };
    const base = { terminal: T1, purpose: 0, recipientKek: randomBytes(32) };
    for (const req of [
      { ...base, approvers: ['alice'] },
      { ...base, approvers: ['alice', 'Alice'] },
      { ...base, purpose: 1, approvers: ['alice', 'bob'] },
      { ...base, recipientKek: randomBytes(16), approvers: ['alice', 'bob'] },
    ])
      await expect(exportKey(ctx, req)).rejects.toMatchObject({ code: 'GT_ERR_KEYS_EXPORT' });
    expect((await src.store.listAudit()).some((a) => a.action === 'key.export')).toBe(false);
  });
});
