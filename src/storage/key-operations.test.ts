// Operator lifecycle operations over the store port: every cell of the §3.1 table through the operations,
// each change audited with actor and reason, refusals with the table's reason, archive to a second store.
import { describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import {
  KEY_STATES,
  OP_TARGET,
  applyLifecycleOp,
  archiveKeys,
  checkKeyTransition,
  type KeyState,
  type LifecycleOp,
} from '../keys/index.ts';
import { sampleKey, sampleTerminal } from './conformance.ts';
import { createMemoryStore } from './memory/memory-store.ts';

const T = '4d4d4d0000bc614e' as TerminalId;
const clock = { now: () => 1_800_000_000_000 as UnixMillis, monotonic: () => 0 };
const OPS = Object.keys(OP_TARGET) as LifecycleOp[];

async function storeWith(state: KeyState) {
  const store = await createMemoryStore();
  await store.addTerminals({
    terminals: [sampleTerminal(T)],
    keys: [sampleKey(T, 0), sampleKey(T, 1, 1, { state })],
    audit: [],
  });
  return store;
}

describe('applyLifecycleOp: every cell of the transition table', () => {
  for (const from of KEY_STATES) {
    for (const op of OPS) {
      const to = OP_TARGET[op];
      const allowed = checkKeyTransition(from, to).ok;
      it(`${op} on a ${from} key: ${allowed ? `→ ${to}, audited` : 'refused with a reason'}`, async () => {
        const store = await storeWith(from);
        const ctx = { store, clock, actor: 'operator:test' };
        const r = await applyLifecycleOp(ctx, op, { terminal: T, purpose: 1, version: 1 }, 'why not');
        const after = await store.getKey({ terminal: T, purpose: 1, version: 1 });
        const audit = await store.listAudit();
        if (allowed) {
          expect(r).toMatchObject({ ok: true, changed: [{ purpose: 1, version: 1, from, to }] });
          expect(after?.state).toBe(to);
          expect(audit.at(-1)).toMatchObject({
            actor: 'operator:test',
            action: 'key.transition',
            details: { from, to, reason: 'why not' },
          });
        } else {
          expect(r).toMatchObject({
            ok: false,
            reason: 'NOTHING_CHANGED',
            refused: [{ purpose: 1, state: from, reason: from === to ? 'SAME_STATE' : 'NOT_ALLOWED' }],
          });
          expect(after?.state).toBe(from);
          expect(audit).toHaveLength(0);
        }
      });
    }
  }

  it('without --purpose leaves K_root alone; unknown terminal and key are named', async () => {
    const store = await storeWith('active');
    const ctx = { store, clock, actor: 'trust' };
    const r = await applyLifecycleOp(ctx, 'suspend', { terminal: T }, 'quarantined');
    expect(r).toMatchObject({ ok: true, changed: [{ purpose: 1 }] });
    expect((await store.getKey({ terminal: T, purpose: 0, version: 1 }))?.state).toBe('active');
    const other = '4d4d4d0000bc6100' as TerminalId;
    expect(await applyLifecycleOp(ctx, 'suspend', { terminal: other }, 'x')).toMatchObject({
      reason: 'UNKNOWN_TERMINAL',
    });
    expect(await applyLifecycleOp(ctx, 'suspend', { terminal: T, version: 9 }, 'x')).toMatchObject({
      reason: 'NO_SUCH_KEY',
    });
  });

  it('destroy erases the wrapped material and keeps a tombstone', async () => {
    const store = await storeWith('deactivated');
    const ctx = { store, clock, actor: 'operator:test' };
    await applyLifecycleOp(ctx, 'destroy', { terminal: T, purpose: 0 }, 'retired');
    const root = await store.getKey({ terminal: T, purpose: 0, version: 1 });
    expect(root).toMatchObject({ state: 'destroyed', wrapped: null });
  });
});

describe('archiveKeys', () => {
  it('copies post-operational keys to the archive store, refuses operational ones, is idempotent', async () => {
    const store = await storeWith('deactivated');
    await store.addKeys({ keys: [sampleKey(T, 2, 1, { state: 'active' })], audit: [] });
    const archive = await createMemoryStore();
    const ctx = { store, clock, actor: 'operator:test' };
    const r = await archiveKeys(ctx, archive, { terminal: T }, 'end of retention review');
    expect(r).toMatchObject({
      ok: true,
      archived: [{ purpose: 1, version: 1 }],
      refused: [{ purpose: 2, state: 'active', reason: 'NOT_POST_OPERATIONAL' }],
    });
    expect(await archive.getKey({ terminal: T, purpose: 1, version: 1 })).toMatchObject({
      state: 'deactivated',
    });
    expect((await store.listAudit()).at(-1)).toMatchObject({
      action: 'key.archive',
      details: { keys: '1/1' },
    });
    expect((await archive.listAudit()).at(-1)).toMatchObject({ action: 'key.archive' });
    const again = await archiveKeys(ctx, archive, { terminal: T, purpose: 1 }, 'again');
    expect(again).toMatchObject({ ok: true, archived: [], already: [{ purpose: 1, version: 1 }] });
  });
});
