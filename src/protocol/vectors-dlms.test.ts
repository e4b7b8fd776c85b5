// DLMS/COSEM Green Book vectors byte for byte [SGT1-1.5 V1, V2, V2b]: verifyDlms, sealDlms, GMAC.
import { describe, expect, it } from 'vitest';
import { dlmsGmac, dlmsIv, sealDlms, verifyDlms, type ReplayState } from './index.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const EK = hex('000102030405060708090A0B0C0D0E0F');
const AK = hex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const TITLE = hex('4D4D4D0000BC614E');
const IC = 0x01234567;
const keys = { guek: EK, ak: AK };

const V1_PLAIN = '01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0';
const V1_APDU =
  '21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855';
const V2_PLAIN = 'C0010000080000010000FF0200';
const V2: Record<string, string> = {
  '16': 'C81E1001234567C0010000080000010000FF020006725D910F9221D263877516',
  '32': 'C8122001234567411312FF935A47566827C467BC',
  '48': 'C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B',
};

describe('glo-initiate-request [SGT1-1.5 V1] [DLMS-GB]', () => {
  it('verifies and decrypts', () => {
    const r = verifyDlms(hex(V1_APDU), { keys, systemTitle: TITLE });
    expect(r.ok && r.plaintext.toString('hex').toUpperCase()).toBe(V1_PLAIN);
    expect(r.ok && [r.tag, r.securityControl, r.invocationCounter]).toEqual([0x21, 0x30, IC]);
  });
  it('seals byte for byte', () => {
    const apdu = sealDlms({
      tag: 0x21,
      securityControl: 0x30,
      invocationCounter: IC,
      systemTitle: TITLE,
      ek: EK,
      ak: AK,
      plaintext: hex(V1_PLAIN),
    });
    expect(apdu.toString('hex').toUpperCase()).toBe(V1_APDU);
  });
});

describe('glo-get-request, three protection levels [SGT1-1.5 V2] [DLMS-GB-T40]', () => {
  for (const [sc, apdu] of Object.entries(V2)) {
    it(`SC 0x${Number(sc).toString(16)} seals and opens`, () => {
      const sealed = sealDlms({
        tag: 0xc8,
        securityControl: Number(sc),
        invocationCounter: IC,
        systemTitle: TITLE,
        ek: EK,
        ak: AK,
        plaintext: hex(V2_PLAIN),
      });
      expect(sealed.toString('hex').toUpperCase()).toBe(apdu);
      const r = verifyDlms(hex(apdu), { keys, systemTitle: TITLE, allowUnauthenticated: true });
      expect(r.ok && r.plaintext.toString('hex').toUpperCase()).toBe(V2_PLAIN);
    });
  }
  it('rejects encryption-only unless allowed, and never commits its counter', () => {
    const r = verifyDlms(hex(V2['32']!), { keys, systemTitle: TITLE });
    expect(r.ok ? 'ok' : r.reason).toBe('UNAUTHENTICATED');
    const counters = new Map<string, ReplayState>();
    const ok = verifyDlms(hex(V2['32']!), { keys, systemTitle: TITLE, counters, allowUnauthenticated: true });
    expect(ok.ok).toBe(true);
    expect(counters.size).toBe(0);
  });
  it('rejects a wrong AK with BAD_TAG (0x10 and 0x30)', () => {
    const bad = { guek: EK, ak: Buffer.alloc(16) };
    for (const sc of ['16', '48']) {
      const r = verifyDlms(hex(V2[sc]!), { keys: bad, systemTitle: TITLE });
      expect(r.ok ? 'ok' : r.reason).toBe('BAD_TAG');
    }
  });
});

describe('general-glo-ciphering 0xDB with long-form lengths', () => {
  it('round-trips a 300-byte APDU (length 0x82) and enforces a strictly increasing IC', () => {
    const plaintext = Buffer.alloc(300, 7);
    const apdu = sealDlms({
      tag: 0xdb,
      securityControl: 0x30,
      invocationCounter: 5,
      systemTitle: TITLE,
      ek: EK,
      ak: AK,
      plaintext,
    });
    expect(apdu.subarray(0, 11).toString('hex')).toBe(`db08${TITLE.toString('hex')}82`);
    const counters = new Map<string, ReplayState>();
    const r = verifyDlms(apdu, { keys, counters });
    expect(r.ok && r.plaintext.equals(plaintext)).toBe(true);
    const again = verifyDlms(apdu, { keys, counters });
    expect(again.ok ? 'ok' : again.reason).toBe('REPLAY');
    const older = sealDlms({
      tag: 0xdb,
      securityControl: 0x30,
      invocationCounter: 4,
      systemTitle: TITLE,
      ek: EK,
      ak: AK,
      plaintext,
    });
    expect(((r) => (r.ok ? 'ok' : r.reason))(verifyDlms(older, { keys, counters }))).toBe('REPLAY');
  });
  it('reads a 0x81 length and rejects a title mismatch', () => {
    const apdu = sealDlms({
      tag: 0xdb,
      securityControl: 0x30,
      invocationCounter: 1,
      systemTitle: TITLE,
      ek: EK,
      ak: AK,
      plaintext: Buffer.alloc(150),
    });
    expect(apdu[10]).toBe(0x81);
    expect(verifyDlms(apdu, { keys }).ok).toBe(true);
    const r = verifyDlms(apdu, { keys, systemTitle: hex('4D4D4D0000000001') });
    expect(r.ok ? 'ok' : r.reason).toBe('TITLE_MISMATCH');
  });
});

describe('HLS mechanism 5 GMAC [SGT1-1.5 V2b] [DLMS-GB-T43]', () => {
  it('client challenge', () => {
    const t = dlmsGmac(
      { ek: EK, ak: AK, sc: 0x10, iv: hex('4D4D4D000000000100000001') },
      Buffer.from('P6wRJ21F'),
    );
    expect(t.toString('hex').toUpperCase()).toBe('1A52FE7DD3E72748973C1E28');
  });
  it('server challenge', () => {
    const t = dlmsGmac({ ek: EK, ak: AK, sc: 0x10, iv: dlmsIv(TITLE, IC) }, Buffer.from('K56iVagY'));
    expect(t.toString('hex').toUpperCase()).toBe('FE1466AFB3DBCD4F9389E2B7');
  });
});
