// Conformance suite of the key store port: the software and PKCS#11 adapters must both pass it.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { wrapKeyWithPadding } from './key-wrap.ts';
import type { KeyStore } from './key-store.ts';

/** How the suite gets stores of one adapter. */
export interface KeyStoreHarness {
  /** A fresh store with a newly generated KEK. */
  open(): Promise<KeyStore>;
  /** A fresh store whose only KEK is `kek` (imported for the RFC 5649 vectors). */
  withKek(kek: Uint8Array): Promise<KeyStore>;
  /**
   * Whether the adapter takes RFC 5649's edge cases: the published vectors' 192-bit KEK and key data
   * of 8 bytes or less (one AES block, RFC 5649 §4.1 special case). SoftHSM 2.6.1 computes both
   * differently from RFC 5649 §6, OpenSSL and pyca/cryptography (measured here), so the PKCS#11 adapter
   * holds AES-256 KEKs only and wraps only keys of 16 bytes or more (root keys are 32).
   */
  readonly kwpEdgeCases: boolean;
  /** The same KEKs as the last store `open` returned, opened again (persistence); closes nothing. */
  reopen(): Promise<KeyStore>;
}

const hex = (h: string): Buffer => Buffer.from(h, 'hex');
/** RFC 5649 §6 vectors (spec §1.5 V5). */
const KWP_KEK = hex('5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8');
const KWP = [
  {
    key: 'c37b7e6492584340bed12207808941155068f738',
    wrapped: '138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a',
  },
  { key: '466f7250617369', wrapped: 'afbeb0f07dfbf5419200f2ccb50bb24f' },
];
/**
 * AES-256 KWP regression vectors [V]: KEK 00..1f, computed with pyca/cryptography's
 * aes_key_wrap_with_padding (an implementation independent of OpenSSL's id-aes256-wrap-pad); same output.
 */
const KWP256_KEK = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const KWP256 = [
  {
    key: '00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f',
    wrapped: '4a8029243027353b0694cf1bd8fc745bb0ce8a739b19b1960b12426d4c39cfeda926d103ab34e9f6',
  },
  { key: '466f7250617369', wrapped: '443b17837bb39348610d19202df8a1f9' },
];

async function unwrapError(ks: KeyStore, blob: Uint8Array): Promise<unknown> {
  try {
    await ks.unwrap(blob);
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Registers the suite (inside the caller's describe). */
export function keyStoreConformance(h: KeyStoreHarness): void {
  const open: KeyStore[] = [];
  const track = async (p: Promise<KeyStore>): Promise<KeyStore> => {
    const ks = await p;
    open.push(ks);
    return ks;
  };
  afterEach(async () => {
    for (const ks of open.splice(0).reverse()) await ks.close();
  });

  describe('RFC 5649 [RFC5649-6]', () => {
    it.runIf(h.kwpEdgeCases)('wraps and unwraps both published vectors byte for byte', async () => {
      const ks = await track(h.withKek(KWP_KEK));
      for (const v of KWP) {
        expect(Buffer.from(await ks.wrap(hex(v.key))).toString('hex')).toBe(v.wrapped);
        expect((await ks.unwrap(hex(v.wrapped))).reveal().toString('hex')).toBe(v.key);
      }
    });

    it('wraps and unwraps the AES-256 vectors byte for byte', async () => {
      const ks = await track(h.withKek(KWP256_KEK));
      for (const v of h.kwpEdgeCases ? KWP256 : KWP256.slice(0, 1)) {
        expect(Buffer.from(await ks.wrap(hex(v.key))).toString('hex')).toBe(v.wrapped);
        expect((await ks.unwrap(hex(v.wrapped))).reveal().toString('hex')).toBe(v.key);
      }
    });

    it('unwraps what node:crypto wrapped under the same 256-bit KEK, and the reverse', async () => {
      const kek = randomBytes(32);
      const ks = await track(h.withKek(kek));
      const key = randomBytes(32);
      expect((await ks.unwrap(wrapKeyWithPadding(kek, key))).reveal()).toEqual(key);
      expect(Buffer.from(await ks.wrap(key))).toEqual(wrapKeyWithPadding(kek, key));
    });
  });

  it('round-trips a 32-byte root key as a 40-byte blob', async () => {
    const ks = await track(h.open());
    const key = randomBytes(32);
    const blob = await ks.wrap(key);
    expect(blob.length).toBe(40);
    expect((await ks.unwrap(blob)).reveal()).toEqual(key);
    expect(await ks.isCurrent(blob)).toBe(true);
  });

  it('refuses a tampered blob and a blob under another KEK with GT_ERR_KEYS_UNWRAP_FAILED', async () => {
    const ks = await track(h.open());
    const blob = Buffer.from(await ks.wrap(randomBytes(32)));
    for (const i of [0, 17, 39]) {
      const bad = Buffer.from(blob);
      bad[i]! ^= 0x01;
      expect(await unwrapError(ks, bad)).toMatchObject({ code: 'GT_ERR_KEYS_UNWRAP_FAILED' });
    }
    const foreign = wrapKeyWithPadding(randomBytes(32), randomBytes(32));
    expect(await unwrapError(ks, foreign)).toMatchObject({ code: 'GT_ERR_KEYS_UNWRAP_FAILED' });
    expect(await ks.isCurrent(foreign)).toBe(false);
  });

  it('keeps the KEK across reopen; the unwrapped key never prints', async () => {
    const ks = await track(h.open());
    const key = randomBytes(32);
    const blob = await ks.wrap(key);
    const again = await track(h.reopen());
    const secret = await again.unwrap(blob);
    expect(secret.reveal()).toEqual(key);
    const printed = `${String(secret)} ${JSON.stringify({ secret })} ${inspect(secret)} ${JSON.stringify(again.keks())}`;
    expect(printed).not.toContain(key.toString('hex'));
  });

  it('rotates the KEK: old blobs unwrap until the end, new wraps are current, resumable', async () => {
    const ks = await track(h.open());
    const key = randomBytes(32);
    const old = await ks.wrap(key);
    const first = ks.keks()[0]!.id;
    const next = await ks.beginKekRotation();
    expect(next.id).not.toBe(first);
    expect(ks.keks().map((k) => k.role)).toEqual(['current', 'previous']);
    expect(await ks.isCurrent(old)).toBe(false);
    expect((await ks.unwrap(old)).reveal()).toEqual(key);
    const fresh = await ks.wrap(key);
    expect(await ks.isCurrent(fresh)).toBe(true);
    // Interrupted here: a reopened store resumes the same rotation.
    const resumed = await track(h.reopen());
    expect(resumed.keks().map((k) => k.id)).toEqual(ks.keks().map((k) => k.id));
    expect((await resumed.beginKekRotation()).id).toBe(next.id);
    expect((await resumed.unwrap(old)).reveal()).toEqual(key);
    await resumed.finishKekRotation();
    expect(resumed.keks()).toEqual([{ id: next.id, role: 'current' }]);
    expect(await unwrapError(resumed, old)).toMatchObject({ code: 'GT_ERR_KEYS_UNWRAP_FAILED' });
    expect((await resumed.unwrap(fresh)).reveal()).toEqual(key);
    const after = await track(h.reopen());
    expect(after.keks()).toEqual([{ id: next.id, role: 'current' }]);
    expect((await after.unwrap(fresh)).reveal()).toEqual(key);
  });
}
