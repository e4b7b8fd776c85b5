// RFC 3394 / RFC 5649 key wrap vectors byte for byte [SGT1-1.5 V5], tamper detection, round-trip properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeysError } from './errors.ts';
import { unwrapKey, unwrapKeyWithPadding, wrapKey, wrapKeyWithPadding } from './key-wrap.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const KEK128 = hex('000102030405060708090A0B0C0D0E0F');
const KEY128 = hex('00112233445566778899AABBCCDDEEFF');
const WRAPPED = '1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5';
const KEK192 = hex('5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8');
const PAD_VECTORS = [
  [
    'c37b7e6492584340bed12207808941155068f738',
    '138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a',
  ],
  ['466f7250617369', 'afbeb0f07dfbf5419200f2ccb50bb24f'],
] as const;

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof KeysError ? e.code : `other: ${String(e)}`;
  }
}

describe('RFC 3394 §4.1', () => {
  it('wraps and unwraps the 128-bit vector', () => {
    expect(wrapKey(KEK128, KEY128).toString('hex')).toBe(WRAPPED);
    expect(unwrapKey(KEK128, hex(WRAPPED))).toEqual(KEY128);
  });
  it('a tampered blob is a clear KeysError', () => {
    const bad = hex(WRAPPED);
    bad[5]! ^= 1;
    expect(codeOf(() => unwrapKey(KEK128, bad))).toBe('GT_ERR_KEYS_UNWRAP_FAILED');
    expect(codeOf(() => unwrapKey(hex('00'.repeat(16)), hex(WRAPPED)))).toBe('GT_ERR_KEYS_UNWRAP_FAILED');
  });
  it('rejects wrong lengths before OpenSSL sees them', () => {
    expect(codeOf(() => wrapKey(KEK128, Buffer.alloc(12)))).toBe('GT_ERR_KEYS_BAD_KEY_LENGTH');
    expect(codeOf(() => unwrapKey(KEK128, Buffer.alloc(20)))).toBe('GT_ERR_KEYS_BAD_KEY_LENGTH');
    expect(codeOf(() => wrapKey(Buffer.alloc(20), KEY128))).toBe('GT_ERR_KEYS_BAD_KEK');
  });
});

describe('RFC 5649 §6 (AES-192 KEK)', () => {
  for (const [key, wrapped] of PAD_VECTORS) {
    it(`wraps ${key.length / 2} bytes`, () => {
      expect(wrapKeyWithPadding(KEK192, hex(key)).toString('hex')).toBe(wrapped);
      expect(unwrapKeyWithPadding(KEK192, hex(wrapped)).toString('hex')).toBe(key);
    });
  }
  it('a tampered padded blob is a clear KeysError', () => {
    const bad = hex(PAD_VECTORS[1][1]);
    bad[15]! ^= 0x80;
    expect(codeOf(() => unwrapKeyWithPadding(KEK192, bad))).toBe('GT_ERR_KEYS_UNWRAP_FAILED');
  });
});

describe('properties', () => {
  const kek = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  it('wrap-pad round-trips any key under any KEK size', () => {
    fc.assert(
      fc.property(kek, fc.uint8Array({ minLength: 1, maxLength: 80 }), (k, key) => {
        expect(unwrapKeyWithPadding(k, wrapKeyWithPadding(k, key))).toEqual(Buffer.from(key));
      }),
      { numRuns: 200 },
    );
  });
  it('any flipped bit of an RFC 3394 blob fails with GT_ERR_KEYS_UNWRAP_FAILED', () => {
    fc.assert(
      fc.property(fc.nat({ max: 24 * 8 - 1 }), (bit) => {
        const bad = hex(WRAPPED);
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(codeOf(() => unwrapKey(KEK128, bad))).toBe('GT_ERR_KEYS_UNWRAP_FAILED');
      }),
    );
  });
});
