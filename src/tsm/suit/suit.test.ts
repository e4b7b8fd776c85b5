// SUIT codec and checks: the draft's example 0 common block byte for byte, an independent decoder and
// verifier (python3 cbor2 + cryptography), round trips, any flipped bit refused, every attack's reason.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../digest.ts';
import { encodeCbor, type CborValue } from './cbor.ts';
import { encodeCommon, parseEnvelope, parseManifest } from './manifest.ts';
import {
  checkImage,
  checkManifest,
  createPemSigner,
  loadPublicKey,
  parseUuid,
  signManifest,
} from './sign.ts';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
// draft-ietf-suit-manifest appendix B.1 (example 0, ES256) and the draft's example public key
const DRAFT_ENVELOPE =
  'd86ba2025873825824822f58206658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af584ad28443a10126a0f65840408d0816f9b510749bf6a51b066951e08a4438f849eb092a1ac768eed9de696c1b1dd35d82ef149e6a73a61976ad2cfe78444b8064293350a122f332cb49f0da035871a50101020003585fa202818141000458568614a40150fa6b4a53d5ad5fdfbe9de663e4d41ffe02501492af1425695e48bf429b2d51f2ab45035824822f582000112233445566778899aabbccddeeff0123456789abcdeffedcba98765432100e1987d0010f020f074382030f0943821702';
const DRAFT_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhJaBGq4LqqvSYVcYnuzaJr6qi/Eb
bz/m4rVlnIXbwK07HypLbAmBMcCjbazR14vTgdzfsJwFLbM5kdtzOLSolg==
-----END PUBLIC KEY-----
`;
const VENDOR = hex('fa6b4a53d5ad5fdfbe9de663e4d41ffe');
const CLASS = hex('1492af1425695e48bf429b2d51f2ab45');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUB_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const signer = createPemSigner(PEM);
const image = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) & 0xff);
const fields = { sequence: 7, vendorId: VENDOR, classId: CLASS, digest: sha256(image), size: image.length };

describe('SUIT manifest codec [draft-ietf-suit-manifest, appendix B.1]', () => {
  it("encodes example 0's common block so the manifest digest is the draft's", () => {
    // example 0 = our profile's manifest plus validate (7) and run (9), which the test appends
    const common = encodeCommon({
      sequence: 0,
      vendorId: VENDOR,
      classId: CLASS,
      digest: hex('00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210'),
      size: 34768,
    });
    const manifest = encodeCbor(
      new Map<number, CborValue>([
        [1, 1],
        [2, 0],
        [3, common],
        [7, encodeCbor([3, 15])],
        [9, encodeCbor([23, 2])],
      ]),
    );
    expect(Buffer.from(manifest).toString('hex')).toBe(
      DRAFT_ENVELOPE.slice(DRAFT_ENVELOPE.indexOf('035871') + 6),
    );
    expect(Buffer.from(sha256(encodeCbor(manifest))).toString('hex')).toBe(
      '6658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af',
    );
    expect(parseManifest(manifest)).toMatchObject({ sequence: 0, size: 34768 });
  });

  it("verifies the draft's signed example 0 with the draft's public key, and refuses it under another", () => {
    const env = hex(DRAFT_ENVELOPE);
    const c = checkManifest(env, {
      publicKey: loadPublicKey(DRAFT_PUBLIC_KEY),
      vendorId: VENDOR,
      classId: CLASS,
    });
    expect(c.ok && c.fields).toMatchObject({ sequence: 0, size: 34768, vendorId: VENDOR, classId: CLASS });
    expect(checkManifest(env, { publicKey })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(
      checkManifest(env, { publicKey: loadPublicKey(DRAFT_PUBLIC_KEY), installedSequence: 0 }),
    ).toMatchObject({ reason: 'ROLLBACK' });
  });

  it('is decoded and verified by an independent implementation (python3 cbor2 + cryptography)', async () => {
    const env = await signManifest({ ...fields, uri: 'coap://fw/x' }, signer);
    const py = `
import sys, cbor2, hashlib
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
env = cbor2.loads(bytes.fromhex(sys.argv[1])); assert env.tag == 107
w = cbor2.loads(env.value[2]); m = env.value[3]
d = cbor2.loads(w[0]); assert d[0] == -16 and d[1] == hashlib.sha256(cbor2.dumps(m)).digest()
s = cbor2.loads(w[1]); assert s.tag == 18 and cbor2.loads(s.value[0]) == {1: -7} and s.value[2] is None
tbs = cbor2.dumps(["Signature1", s.value[0], b"", w[0]])
sig = s.value[3]; der = utils.encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
serialization.load_pem_public_key(sys.argv[2].encode()).verify(der, tbs, ec.ECDSA(hashes.SHA256()))
man = cbor2.loads(m); c = cbor2.loads(man[3]); seq = cbor2.loads(c[4])
assert man[1] == 1 and c[2] == [[b"\\x00"]] and seq[0] == 20 and seq[2:] == [1, 15, 2, 15]
p = seq[1]; assert cbor2.loads(p[3]) == [-16, bytes.fromhex(sys.argv[3])] and p[14] == ${image.length}
assert cbor2.dumps(man) == m and cbor2.dumps(c) == man[3]
print(man[2], p[1].hex(), p[2].hex())`;
    const out = execFileSync('/usr/bin/python3', [
      '-c',
      py,
      Buffer.from(env).toString('hex'),
      PUB_PEM,
      Buffer.from(fields.digest).toString('hex'),
    ]);
    expect(out.toString().trim()).toBe(
      `7 ${Buffer.from(VENDOR).toString('hex')} ${Buffer.from(CLASS).toString('hex')}`,
    );
  });

  it('round-trips any fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          sequence: fc.nat(),
          vendorId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
          classId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
          digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          size: fc.nat(),
        }),
        async (f) => {
          const c = checkManifest(await signManifest(f, signer), { publicKey });
          expect(c.ok && c.fields).toEqual(f);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses any flipped bit of the envelope', async () => {
    const env = await signManifest(fields, signer);
    for (let bit = 0; bit < env.length * 8; bit++) {
      const bad = Uint8Array.from(env);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const c = checkManifest(bad, { publicKey });
      expect(c.ok, `bit ${bit}`).toBe(false);
    }
  });

  it('refuses any flipped bit of the image', () => {
    fc.assert(
      fc.property(fc.nat({ max: image.length * 8 - 1 }), (bit) => {
        const bad = Uint8Array.from(image);
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(checkImage(bad, fields)).toEqual({ ok: false, reason: 'DIGEST_MISMATCH' });
      }),
    );
  });
});

describe('attacks refused with a reason', () => {
  it('names each attack', async () => {
    const env = await signManifest(fields, signer);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    const policy = { publicKey, vendorId: VENDOR, classId: CLASS };
    expect(checkManifest(env, { ...policy, installedSequence: 6 }).ok).toBe(true);
    expect(checkManifest(env, { ...policy, installedSequence: 7 })).toMatchObject({ reason: 'ROLLBACK' });
    expect(checkManifest(env, { ...policy, publicKey: other })).toMatchObject({ reason: 'BAD_SIGNATURE' });
    expect(
      checkManifest(env, { ...policy, vendorId: parseUuid('00000000-0000-0000-0000-000000000001') }),
    ).toMatchObject({ reason: 'WRONG_VENDOR' });
    expect(checkManifest(env, { ...policy, classId: new Uint8Array(16) })).toMatchObject({
      reason: 'WRONG_CLASS',
    });
    expect(checkManifest(env.subarray(0, 20), policy)).toMatchObject({ reason: 'BAD_MANIFEST' });
    expect(checkManifest(Uint8Array.of(0xd8, 0x6b, 0xa0), policy)).toMatchObject({ reason: 'BAD_MANIFEST' });
    expect(checkImage(image.subarray(1), fields)).toEqual({ ok: false, reason: 'SIZE_MISMATCH' });
    expect(checkImage(Uint8Array.from([...image, 0]), fields)).toEqual({ ok: false, reason: 'OVERSIZE' });
    expect(parseEnvelope(env)?.signature.length).toBe(64);
    expect(() => loadPublicKey('nope')).toThrow(expect.objectContaining({ code: 'GT_ERR_TSM_BAD_KEY' }));
  });
});
