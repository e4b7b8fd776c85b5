// The PKCS#11 key store on a real SoftHSM2 token passes the key store conformance suite; its KEK is
// generated in the token, sensitive and not extractable.
import type * as Pkcs11js from 'pkcs11js';
import { afterAll, describe, expect, it } from 'vitest';
import { keyStoreConformance } from '../../src/keys/conformance.ts';
import { openPkcs11KeyStore, wrapKeyWithPadding } from '../../src/keys/index.ts';
import { createPrivateSoftHsm, SOFTHSM_MODULE, TEST_PIN } from './support/softhsm.ts';

const hsm = createPrivateSoftHsm();
afterAll(() => hsm.remove());
let n = 0;
let last = '';
const open = (token: string, createKek = false) =>
  openPkcs11KeyStore({ module: SOFTHSM_MODULE, token, pin: TEST_PIN, createKek });

describe('pkcs11 key store (SoftHSM2)', () => {
  keyStoreConformance({
    kwpEdgeCases: false,
    open() {
      last = `gt-test-${++n}`;
      hsm.initToken(last);
      return open(last, true);
    },
    async withKek(kek) {
      const token = `gt-vec-${++n}`;
      hsm.initToken(token);
      await hsm.importAesKey({ token, label: 'gridtrust-kek-1', key: kek });
      return open(token);
    },
    reopen: () => open(last),
  });

  it('refuses a token without a KEK, a wrong PIN and an unknown token, never echoing the PIN', async () => {
    hsm.initToken('gt-empty');
    await expect(open('gt-empty')).rejects.toMatchObject({ code: 'GT_ERR_KEYS_PKCS11_NO_KEK' });
    const wrong = await openPkcs11KeyStore({
      module: SOFTHSM_MODULE,
      token: 'gt-empty',
      pin: '000999',
    }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'GT_ERR_KEYS_PKCS11' });
    expect(String(wrong) + JSON.stringify(wrong)).not.toContain('000999');
    await expect(open('no-such-token')).rejects.toMatchObject({ code: 'GT_ERR_KEYS_PKCS11' });
  });

  it('generates the KEK inside the token: CKA_SENSITIVE, not extractable, wrap/unwrap only', async () => {
    hsm.initToken('gt-attrs');
    const ks = await open('gt-attrs', true);
    await ks.close();
    const { default: pkcs11js } = (await import('pkcs11js')) as unknown as {
      default: typeof Pkcs11js;
    };
    const p = new pkcs11js.PKCS11();
    p.load(SOFTHSM_MODULE);
    p.C_Initialize();
    try {
      const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === 'gt-attrs')!;
      const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      p.C_Login(session, pkcs11js.CKU_USER, TEST_PIN);
      p.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: 'gridtrust-kek-1' }]);
      const [kek] = p.C_FindObjects(session, 2);
      p.C_FindObjectsFinal(session);
      const attrs = p.C_GetAttributeValue(session, kek!, [
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
        { type: pkcs11js.CKA_ALWAYS_SENSITIVE },
        { type: pkcs11js.CKA_TOKEN },
        { type: pkcs11js.CKA_ENCRYPT },
        { type: pkcs11js.CKA_WRAP },
      ]);
      expect(attrs.map((a) => a.value[0])).toEqual([1, 0, 1, 1, 1, 0, 1]);
      expect(() => p.C_GetAttributeValue(session, kek!, [{ type: pkcs11js.CKA_VALUE }])).toThrow(
        /ATTRIBUTE_SENSITIVE/,
      );
    } finally {
      p.C_Finalize();
      p.close();
    }
  });

  it('refuses a KEK that is not AES-256 and keys under 16 bytes (SoftHSM 2.6.1 gets those KWP cases wrong)', async () => {
    hsm.initToken('gt-192');
    await hsm.importAesKey({ token: 'gt-192', label: 'gridtrust-kek-1', key: Buffer.alloc(24, 5) });
    await expect(open('gt-192')).rejects.toMatchObject({ code: 'GT_ERR_KEYS_PKCS11' });
    hsm.initToken('gt-short');
    const ks = await open('gt-short', true);
    await expect(ks.wrap(Buffer.alloc(8, 1))).rejects.toMatchObject({ code: 'GT_ERR_KEYS_BAD_KEY_LENGTH' });
    await ks.close();
  });

  it('unwraps in the token what node:crypto wrapped, i.e. both speak RFC 5649', async () => {
    hsm.initToken('gt-cross');
    const kek = Buffer.alloc(32, 9);
    await hsm.importAesKey({ token: 'gt-cross', label: 'gridtrust-kek-1', key: kek });
    const ks = await open('gt-cross');
    try {
      const key = Buffer.alloc(32, 3);
      expect((await ks.unwrap(wrapKeyWithPadding(kek, key))).reveal()).toEqual(key);
    } finally {
      await ks.close();
    }
  });
});
