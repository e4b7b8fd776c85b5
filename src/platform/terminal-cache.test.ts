// Terminal cache: key states by (purpose, version) with the K_root fallback, refusals, unknown ids.
import { describe, expect, it } from 'vitest';
import { type TenantId, type TerminalId, type UnixMillis } from '../core/index.ts';
import type { KeyRecord } from '../keys/index.ts';
import { createMemoryStore } from '../storage/index.ts';
import { createTerminalCache, DEACTIVATION_GRACE_MS } from './terminal-cache.ts';

const T = '00000000000000a1' as TerminalId;
const Q = '00000000000000a2' as TerminalId;

const key = (purpose: number, version: number, state: KeyRecord['state']): KeyRecord => ({
  terminal: T,
  purpose,
  version,
  state,
  wrapped: null,
  createdAt: 0 as UnixMillis,
  updatedAt: 1000 as UnixMillis,
  graceUntil: null,
});

async function setup() {
  const store = await createMemoryStore();
  const terminal = (id: TerminalId, status: 'active' | 'quarantined') => ({
    id,
    type: 'smart-meter',
    fusionTerminal: null,
    tenant: 7 as TenantId,
    createdAt: 0 as UnixMillis,
    status,
  });
  const keys = [
    key(0, 1, 'active'),
    key(0, 2, 'deactivated'),
    key(1, 2, 'active'),
    key(3, 4095, 'suspended'),
  ];
  await store.addTerminals({
    terminals: [terminal(T, 'active'), terminal(Q, 'quarantined')],
    keys,
    audit: [],
  });
  const cache = createTerminalCache(store, () => Promise.resolve(new Uint8Array(32)));
  expect(await cache.refresh()).toBe(2);
  return cache;
}

describe('terminal cache', () => {
  it('answers a purpose by its own record, else by the K_root record of that version', async () => {
    const cache = await setup();
    const status = (purpose: number, version: number) =>
      cache.keyStatus({ terminalId: T, purpose, version, dir: 0 })?.state;
    expect(status(1, 2)).toBe('active'); // own record, although K_root v2 is deactivated
    expect(status(2, 2)).toBe('deactivated'); // no purpose-2 record: K_root v2
    expect(status(1, 1)).toBe('active');
    expect(status(3, 4095)).toBe('suspended');
    expect(status(1, 3)).toBeUndefined();
    expect(status(4, 4095)).toBeUndefined(); // K_root has no v4095
    expect(cache.keyStatus({ terminalId: T, purpose: 0, version: 2, dir: 0 })).toEqual({
      state: 'deactivated',
      graceUntil: 1000 + DEACTIVATION_GRACE_MS,
    });
  });

  it('never aliases (purpose, version) pairs outside the record ranges', async () => {
    const cache = await setup();
    const status = (purpose: number, version: number) =>
      cache.keyStatus({ terminalId: T, purpose, version, dir: 0 })?.state;
    // (0, 4096 + 2) would be (1, 2) if the pair were packed without range checks; 16 falls back to K_root
    expect(status(0, 4096 + 2)).toBeUndefined();
    expect(status(2, 4096 + 2)).toBeUndefined();
    expect(status(16, 1)).toBe('active');
    expect(status(1.5, 2)).toBe('deactivated'); // no record of its own: K_root v2, as for any purpose
    expect(status(-1, 4096 + 1)).toBeUndefined();
  });

  it('looks up root keys, refusals and unknown terminals', async () => {
    const cache = await setup();
    expect(cache.lookupTerminal(T)).toEqual({ rootKey: new Uint8Array(32), tenant: 7 });
    expect(cache.lookupTerminal('00000000000000ff' as TerminalId)).toBeUndefined();
    const unknown = { terminalId: '00000000000000ff' as TerminalId, purpose: 1, version: 1, dir: 0 as const };
    expect(cache.keyStatus(unknown)).toBeUndefined();
    expect([cache.isRefused(T), cache.isRefused(Q)]).toEqual([false, true]);
    expect(cache.size).toBe(2);
  });

  it('sees a terminal loaded or reloaded after a lookup (the last lookup is not kept stale)', async () => {
    const store = await createMemoryStore();
    const terminal = (status: 'active' | 'quarantined') => ({
      id: T,
      type: 'smart-meter',
      fusionTerminal: null,
      tenant: 7 as TenantId,
      createdAt: 0 as UnixMillis,
      status,
    });
    const cache = createTerminalCache(store, () => Promise.resolve(new Uint8Array(32)));
    expect(cache.lookupTerminal(T)).toBeUndefined();
    await store.addTerminals({ terminals: [terminal('active')], keys: [key(0, 1, 'active')], audit: [] });
    expect(await cache.refresh(T)).toBe(1);
    expect(cache.lookupTerminal(T)).toBeDefined();
    expect(cache.isRefused(T)).toBe(false);
    await store.setTerminalStatus({
      id: T,
      status: 'quarantined',
      at: 1 as UnixMillis,
      actor: 'test',
      reason: 'x',
    });
    const generation = cache.generation;
    await cache.refresh(T);
    expect(cache.isRefused(T)).toBe(true);
    expect(cache.generation).toBeGreaterThan(generation); // memoised keys are resolved again
  });
});
