// Published and self-generated vectors byte for byte: RFC 5869 A.1, GCM TC4 (V6), SGT1 V7 [SGT1-1.5].
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import { createManualClock } from '../core/index.ts';
import {
  createKeyCache,
  deriveUsageKey,
  deriveVersionKey,
  encodeHeader,
  encodeTelemetry,
  frameNonce,
  hkdf,
  hkdfExtract,
  sealFrame,
  usageKeyInfo,
  verifyFrame,
  versionKeyInfo,
  type ReplayState,
  type Sgt1HeaderInit,
} from './index.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('HKDF-SHA-256 [RFC5869-A.1]', () => {
  it('reproduces OKM', () => {
    const okm = hkdf({
      ikm: Buffer.alloc(22, 0x0b),
      salt: hex('000102030405060708090a0b0c'),
      info: hex('f0f1f2f3f4f5f6f7f8f9'),
      length: 42,
    });
    expect(okm.toString('hex')).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });
});

describe('AES-128-GCM, McGrew–Viega test case 4 [SGT1-1.5 V6]', () => {
  const K = hex('feffe9928665731c6d6a8f9467308308');
  const IV = hex('cafebabefacedbaddecaf888');
  const A = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
  const P = hex(
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  );
  const C =
    '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091';
  const T = '5bc94fbc3221a5db94fae95ae7121a47';
  it('encrypts', () => {
    const c = createCipheriv('aes-128-gcm', K, IV).setAAD(A);
    expect(Buffer.concat([c.update(P), c.final()]).toString('hex')).toBe(C);
    expect(c.getAuthTag().toString('hex')).toBe(T);
  });
  it('decrypts', () => {
    const d = createDecipheriv('aes-128-gcm', K, IV).setAAD(A).setAuthTag(hex(T));
    expect(Buffer.concat([d.update(hex(C)), d.final()])).toEqual(P);
  });
});

describe('SGT1 example [SGT1-1.5 V7]', () => {
  const rootKey = Buffer.from([...Array(32).keys()]);
  const systemTitle = hex('4D4D4D0000BC614E');
  const header: Sgt1HeaderInit = {
    dir: 0,
    ackReq: false,
    more: false,
    suite: 0x01,
    systemTitle,
    purpose: 1,
    keyVersion: 1,
    fc: 1,
    ctype: 0x01,
  };
  const telemetry = { t: 1700000000, voltage: 2301, current: 512 };
  const FRAME =
    '10014d4d4d0000bc614e10010000000101aafd666a0760b1b985d61f7f19821b27f05085d4ee6f3d5b915bed99424dd6';

  it('derives PRK, K_ver and K_use through the labelled info strings', () => {
    const prk = hkdfExtract(Buffer.concat([Buffer.from('SGT1'), systemTitle]), rootKey);
    expect(prk.toString('hex')).toBe('8e49b7dd562281b149c90244591948588a041306e4e3f3b3cd90aca0bac9b798');
    expect(versionKeyInfo(1, 1).toString('hex')).toBe('5000000001000400010002');
    const kVer = deriveVersionKey({ rootKey, systemTitle, tenant: 1, version: 1 });
    expect(kVer.toString('hex')).toBe('99127aea4a75c80dc937ea58e4d2b91fc91419ec33b6d8722d902fc97f9b2ed8');
    expect(usageKeyInfo(1, 0, 1).toString('hex')).toBe('5a010001000001010001');
    expect(deriveUsageKey(kVer, 1, 0, 1).toString('hex')).toBe('4edc2cc99748ae14ed417a759417151c');
  });

  it('builds AAD, nonce and CBOR plaintext', () => {
    const aad = encodeHeader(header);
    expect(aad.toString('hex')).toBe('10014d4d4d0000bc614e10010000000101');
    expect(frameNonce(aad, 0x01).toString('hex')).toBe('4d4d4d0000bc614e00000001');
    expect(encodeTelemetry(telemetry).toString('hex')).toBe('a3011a6553f100021908fd03190200');
  });

  it('seals the frame byte for byte', () => {
    expect(sealFrame({ header, key: { rootKey, tenant: 1 }, telemetry }).toString('hex')).toBe(FRAME);
  });

  it('verifies the frame and then rejects its replay', () => {
    const replay = new Map<string, ReplayState>();
    const ctx = {
      lookupTerminal: (id: TerminalId) => (id === '4d4d4d0000bc614e' ? { rootKey, tenant: 1 } : undefined),
      keyStatus: () => ({ state: 'active' as const }),
      replay,
      keyCache: createKeyCache(),
      clock: createManualClock(0 as UnixMillis),
    };
    const r = verifyFrame(hex(FRAME), ctx);
    expect(r.ok && r.plaintext.toString('hex')).toBe('a3011a6553f100021908fd03190200');
    expect(r.ok && r.telemetry).toEqual(telemetry);
    expect(r.ok && r.header.fc).toBe(1);
    const again = verifyFrame(hex(FRAME), ctx);
    expect(again.ok ? 'accepted' : again.reason).toBe('REPLAY');
  });
});
