// Derived-key cache [SGT1-2.2]: bounded, separated per use, never stale after a root-key change.
import { describe, expect, it } from 'vitest';
import { createKeyCache, deriveFrameKey, keyId, type UsageKeyInput } from './index.ts';

const input = (over: Partial<UsageKeyInput> = {}): UsageKeyInput => ({
  rootKey: Buffer.alloc(32, 1),
  systemTitle: Buffer.alloc(8, 2),
  tenant: 1,
  version: 1,
  purpose: 1,
  dir: 0,
  suite: 1,
  ...over,
});

describe('key cache', () => {
  it('returns the derived K_use and the same entry on a hit', () => {
    const cache = createKeyCache();
    const a = cache.get('t1', input());
    expect(a.key).toEqual(deriveFrameKey(input()));
    expect(cache.get('t1', input())).toBe(a);
    expect(cache.size).toBe(1);
  });

  it('separates purpose, direction, version and suite', () => {
    const cache = createKeyCache();
    const keys = [
      input(),
      input({ dir: 1, purpose: 2 }),
      input({ purpose: 2 }),
      input({ version: 2 }),
      input({ suite: 2 }),
    ].map((i) => cache.get('t1', i).key.toString('hex'));
    expect(new Set(keys).size).toBe(5);
  });

  it('keeps several keys of one terminal apart, counts and forgets them together', () => {
    const cache = createKeyCache();
    const inputs = [input(), input({ version: 2 }), input({ suite: 2 }), input({ purpose: 3 })];
    const entries = inputs.map((i) => cache.get('t1', i));
    cache.get('t2', input());
    expect(cache.size).toBe(5);
    inputs.forEach((i, n) => expect(cache.get('t1', i)).toBe(entries[n]));
    expect(entries[1]!.key).toEqual(deriveFrameKey(inputs[1]!));
    const root = Buffer.alloc(32, 5); // a changed root key replaces the entry in place
    expect(cache.get('t1', input({ version: 2, rootKey: root })).key).toEqual(
      deriveFrameKey(input({ version: 2, rootKey: root })),
    );
    expect(cache.get('t1', input({ rootKey: root })).key).toEqual(deriveFrameKey(input({ rootKey: root })));
    expect(cache.size).toBe(5);
    expect(cache.get('t1', inputs[3]!)).toBe(entries[3]);
    cache.evictTerminal('t1');
    expect(cache.size).toBe(1);
    expect(cache.get('t1', inputs[2]!)).not.toBe(entries[2]);
  });

  it('re-derives when the root key or tenant changes, even in the same buffer object', () => {
    const cache = createKeyCache();
    const root = Buffer.alloc(32, 1);
    const first = cache.get('t1', input({ rootKey: root })).key;
    root[0] = 9;
    const second = cache.get('t1', input({ rootKey: root })).key;
    expect(second).not.toEqual(first);
    expect(cache.get('t1', input({ rootKey: root, tenant: 2 })).key).not.toEqual(second);
    // a change at any byte position is noticed (the comparison runs four bytes per step)
    for (let i = 0; i < 32; i++) {
      const before = cache.get('t1', input({ rootKey: root })).key;
      root[i]! ^= 0x40;
      const after = cache.get('t1', input({ rootKey: root }));
      expect(after.key).not.toEqual(before);
      expect(after.key).toEqual(deriveFrameKey(input({ rootKey: root })));
    }
  });

  it('stays within maxEntries and forgets a terminal on evictTerminal', () => {
    const cache = createKeyCache({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) cache.get(`t${i}`, input());
    expect(cache.size).toBeLessThanOrEqual(3);
    cache.get('x', input());
    cache.evictTerminal('x');
    expect(cache.size).toBeLessThanOrEqual(2);
    expect(() => createKeyCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });

  it('key id packs purpose and version [SGT1-1.2 kid]', () => {
    expect(keyId(1, 1)).toBe(0x1001);
    expect(keyId(9, 4095)).toBe(0x9fff);
    expect(() => keyId(1, 4096)).toThrow();
  });
});
