// verifyFrame rejection reasons one by one [SGT1-1.2 receiver rules], key states [SGT1-2.3], tunnel [SGT1-1.4].
import { describe, expect, it } from 'vitest';
import { createManualClock, type UnixMillis } from '../core/index.ts';
import {
  createMemoryVerifyContext,
  deriveDlmsKeys,
  encodeHeader,
  sealDlms,
  sealFrame,
  verifyFrame,
  type KeyStatus,
  type Sgt1HeaderInit,
  type VerifyResult,
} from './index.ts';

const ROOT = Buffer.from([...Array(32).keys()]);
const TITLE = Buffer.from('4d4d4d0000bc614e', 'hex');
const TID = TITLE.toString('hex');
const base: Sgt1HeaderInit = {
  dir: 0,
  ackReq: false,
  more: false,
  suite: 0x01,
  systemTitle: TITLE,
  purpose: 1,
  keyVersion: 1,
  fc: 1,
  ctype: 0x02,
};
const seal = (h: Partial<Sgt1HeaderInit> = {}, plaintext: Uint8Array = Buffer.from('event')): Buffer =>
  sealFrame({ header: { ...base, ...h }, key: { rootKey: ROOT, tenant: 1 }, plaintext });

function ctxWith(status?: (v: number) => KeyStatus | undefined, maxFrameBytes?: number) {
  const clock = createManualClock(1_000_000 as UnixMillis);
  const terminals = new Map([[TID, { rootKey: ROOT, tenant: 1 }]]);
  const ctx = createMemoryVerifyContext({
    clock,
    terminals,
    ...(status === undefined ? {} : { keyStatus: (q) => status(q.version) }),
    ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
  });
  return { ctx, clock };
}
const reason = (r: VerifyResult): string => (r.ok ? 'OK' : r.reason);

describe('verifyFrame rejections', () => {
  it('TRUNCATED, OVERSIZE, BAD_VERSION, BAD_HEADER, UNKNOWN_SUITE', () => {
    const { ctx } = ctxWith(undefined, 100);
    const good = seal();
    expect(reason(verifyFrame(good.subarray(0, 16), ctx))).toBe('TRUNCATED');
    expect(reason(verifyFrame(good.subarray(0, 30), ctx))).toBe('TRUNCATED');
    expect(reason(verifyFrame(seal({}, Buffer.alloc(80)), ctx))).toBe('OVERSIZE');
    const v2 = Buffer.from(good);
    v2[0] = 0x20;
    expect(reason(verifyFrame(v2, ctx))).toBe('BAD_VERSION');
    const reserved = Buffer.from(good);
    reserved[0]! |= 1;
    expect(reason(verifyFrame(reserved, ctx))).toBe('BAD_HEADER');
    const suite = Buffer.from(good);
    suite[1] = 0x03;
    expect(reason(verifyFrame(suite, ctx))).toBe('UNKNOWN_SUITE');
    const down = Buffer.from(good);
    down[0]! |= 0x08; // telemetry purpose is uplink only
    expect(reason(verifyFrame(down, ctx))).toBe('BAD_HEADER');
  });

  it('UNKNOWN_TERMINAL, UNKNOWN_KEY, BAD_TAG, BAD_PAYLOAD', () => {
    const { ctx } = ctxWith((v) => (v === 1 ? { state: 'active' } : undefined));
    expect(reason(verifyFrame(seal({ systemTitle: Buffer.alloc(8, 9) }), ctx))).toBe('UNKNOWN_TERMINAL');
    expect(reason(verifyFrame(seal({ keyVersion: 2 }), ctx))).toBe('UNKNOWN_KEY');
    const wrongKey = sealFrame({
      header: base,
      key: { usageKey: Buffer.alloc(16) },
      plaintext: Buffer.from('x'),
    });
    expect(reason(verifyFrame(wrongKey, ctx))).toBe('BAD_TAG');
    const notCbor = seal({ ctype: 0x01, fc: 5 }, Buffer.from('not cbor'));
    expect(reason(verifyFrame(notCbor, ctx))).toBe('BAD_PAYLOAD');
    expect(reason(verifyFrame(notCbor, ctx))).toBe('REPLAY'); // authentic: its counter was committed
  });

  it('KEY_NOT_USABLE for every state but active and deactivated-within-grace [SGT1-2.3]', () => {
    const graceUntil = 2_000_000 as UnixMillis;
    for (const state of ['pre-activation', 'suspended', 'compromised', 'destroyed'] as const) {
      const { ctx } = ctxWith(() => ({ state }));
      expect(reason(verifyFrame(seal(), ctx))).toBe('KEY_NOT_USABLE');
    }
    const { ctx, clock } = ctxWith(() => ({ state: 'deactivated', graceUntil }));
    expect(reason(verifyFrame(seal({ fc: 1 }), ctx))).toBe('OK');
    clock.set(graceUntil);
    expect(reason(verifyFrame(seal({ fc: 2 }), ctx))).toBe('OK');
    clock.advance(1);
    expect(reason(verifyFrame(seal({ fc: 3 }), ctx))).toBe('KEY_NOT_USABLE');
    const noGrace = ctxWith(() => ({ state: 'deactivated' })).ctx;
    expect(reason(verifyFrame(seal(), noGrace))).toBe('KEY_NOT_USABLE');
  });

  it('a failed open leaves the replay window unchanged; the genuine frame is accepted after it', () => {
    const { ctx } = ctxWith();
    expect(reason(verifyFrame(seal({ fc: 10 }), ctx))).toBe('OK');
    const before = new Map(ctx.replay);
    const forged = seal({ fc: 11 });
    forged[forged.length - 1]! ^= 0x01;
    expect(reason(verifyFrame(forged, ctx))).toBe('BAD_TAG');
    expect(ctx.replay).toEqual(before);
    expect(reason(verifyFrame(seal({ fc: 11 }), ctx))).toBe('OK');
    expect(reason(verifyFrame(seal({ fc: 9 }), ctx))).toBe('OK');
    expect(reason(verifyFrame(seal({ fc: 9 }), ctx))).toBe('REPLAY');
  });

  it('suite 0x02 (AES-128-CCM, 8-byte tag, 13-byte nonce) seals and verifies', () => {
    const { ctx } = ctxWith();
    const f = seal({ suite: 0x02 }, Buffer.from('ccm payload'));
    expect(f.length).toBe(17 + 11 + 8);
    const r = verifyFrame(f, ctx);
    expect(r.ok && r.plaintext.toString()).toBe('ccm payload');
  });

  it('keys differ per direction: an uplink frame relabelled as downlink fails', () => {
    const { ctx } = ctxWith();
    const up = seal({ purpose: 2, dir: 0 });
    const down = Buffer.from(up);
    down[0]! |= 0x08;
    expect(reason(verifyFrame(down, ctx))).toBe('BAD_TAG');
  });
});

describe('DLMS tunnel, suite 0x80 [SGT1-1.4]', () => {
  const tunnelHeader: Sgt1HeaderInit = { ...base, suite: 0x80, purpose: 5, ctype: 0x10 };
  const { ctx } = ctxWith();
  const keys = deriveDlmsKeys(
    { terminalId: TID as never, systemTitle: TITLE },
    { rootKey: ROOT, tenant: 1 },
    { version: 1, keyCache: ctx.keyCache },
  );
  const apdu = (ic: number, title: Buffer = TITLE): Buffer =>
    sealDlms({
      tag: 0xdb,
      securityControl: 0x30,
      invocationCounter: ic,
      systemTitle: title,
      ek: keys.guek,
      ak: keys.ak,
      plaintext: Buffer.from('c001000008', 'hex'),
    });
  const frame = (a: Buffer): Buffer =>
    sealFrame({ header: tunnelHeader, key: { usageKey: Buffer.alloc(16) }, plaintext: a });

  it('opens the tunnelled APDU with keys derived from K_root and enforces its counter', () => {
    const r = verifyFrame(frame(apdu(7)), ctx);
    expect(r.ok && r.plaintext.toString('hex')).toBe('c001000008');
    expect(r.ok && r.dlms?.invocationCounter).toBe(7);
    expect(reason(verifyFrame(frame(apdu(7)), ctx))).toBe('REPLAY');
    expect(reason(verifyFrame(frame(apdu(8)), ctx))).toBe('OK');
  });
  it('sealFrame refuses telemetry for a tunnel frame', () => {
    expect(() =>
      sealFrame({ header: tunnelHeader, key: { usageKey: Buffer.alloc(16) }, telemetry: { t: 1 } }),
    ).toThrow(/DLMS APDU/);
    expect(frame(apdu(1)).subarray(0, 17)).toEqual(encodeHeader(tunnelHeader));
  });
  it('rejects a title that differs from the header', () => {
    expect(reason(verifyFrame(frame(apdu(9, Buffer.alloc(8, 1))), ctx))).toBe('TITLE_MISMATCH');
  });
});

describe('redaction and input types', () => {
  it('no rejection detail or thrown message contains key material or plaintext', () => {
    const { ctx } = ctxWith();
    const secretPlain = Buffer.from('c0ffee00c0ffee00c0ffee00', 'hex');
    const frame = seal({ fc: 77 }, secretPlain);
    const secrets = [ROOT.toString('hex'), secretPlain.toString('hex'), 'c0ffee00c0ffee00'];
    const details: string[] = [];
    for (let bit = 0; bit < frame.length * 8; bit += 7) {
      const bad = Buffer.from(frame);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const r = verifyFrame(bad, ctx);
      if (!r.ok) details.push(r.detail);
    }
    try {
      sealFrame({ header: base, key: { rootKey: ROOT.subarray(0, 31), tenant: 1 }, plaintext: secretPlain });
    } catch (e) {
      details.push(String(e));
    }
    expect(details.length).toBeGreaterThan(10);
    for (const d of details) for (const s of secrets) expect(d.toLowerCase()).not.toContain(s.slice(0, 16));
  });

  it('accepts a plain Uint8Array (not only Buffer)', () => {
    const { ctx } = ctxWith();
    const r = verifyFrame(new Uint8Array(seal({ fc: 3 })), ctx);
    expect(r.ok && r.plaintext.toString()).toBe('event');
  });
});
