// Signing and checking SUIT envelopes: COSE_Sign1 ES256 over the detached, bstr-wrapped SUIT_Digest of
// the manifest [draft-ietf-suit-manifest-8.3; RFC9052-4.4], then the device checks of spec §5.1.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { sha256 } from '../digest.ts';
import { encodeCbor } from './cbor.ts';
import { TsmError } from '../errors.ts';
import {
  PROTECTED_ES256,
  encodeDigest,
  encodeEnvelope,
  encodeManifest,
  parseEnvelope,
  parseManifest,
  sigStructure,
  type ManifestFields,
} from './manifest.ts';

/** Why a manifest or image is refused (the TUF/Uptane attack list of issue 18). */
export type UpdateRefusal =
  | 'BAD_MANIFEST'
  | 'BAD_SIGNATURE'
  | 'ROLLBACK'
  | 'WRONG_VENDOR'
  | 'WRONG_CLASS'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'OVERSIZE';
export const UPDATE_REFUSALS: readonly UpdateRefusal[] = [
  'BAD_MANIFEST',
  'BAD_SIGNATURE',
  'ROLLBACK',
  'WRONG_VENDOR',
  'WRONG_CLASS',
  'DIGEST_MISMATCH',
  'SIZE_MISMATCH',
  'OVERSIZE',
];

/** Produces a raw r‖s ES256 signature of `tbs` (a PEM key here; a PKCS#11 token implements the same). */
export interface ManifestSigner {
  sign(tbs: Uint8Array): Promise<Uint8Array>;
}

function p256(k: KeyObject, what: string): KeyObject {
  if (k.asymmetricKeyType !== 'ec' || k.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new TsmError('GT_ERR_TSM_BAD_KEY', `the ${what} is not an ECDSA P-256 key`, {
      hint: 'generate one with `openssl ecparam -name prime256v1 -genkey -noout -out key.pem`',
    });
  return k;
}

/** A signer over a PEM private key (PKCS#8 or SEC1). */
export function createPemSigner(pem: string): ManifestSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new TsmError('GT_ERR_TSM_BAD_KEY', 'the signing key is not a PEM private key', {
      hint: 'pass an EC P-256 PEM file',
      cause,
    });
  }
  p256(key, 'signing key');
  return {
    sign: (tbs) => Promise.resolve(new Uint8Array(sign('sha256', tbs, { key, dsaEncoding: 'ieee-p1363' }))),
  };
}

/** Parses a PEM public key (SPKI) or a PEM private key's public half. */
export function loadPublicKey(pem: string): KeyObject {
  try {
    return p256(createPublicKey(pem), 'public key');
  } catch (cause) {
    if (cause instanceof TsmError) throw cause;
    throw new TsmError('GT_ERR_TSM_BAD_KEY', 'the verification key is not a PEM public key', {
      hint: 'pass an EC P-256 SPKI PEM file',
      cause,
    });
  }
}

/**
 * Builds and signs an envelope.
 * @example
 * const env = await signManifest({ sequence: 2, vendorId, classId, digest: sha256(image), size: image.length }, signer);
 */
export async function signManifest(f: ManifestFields, signer: ManifestSigner): Promise<Uint8Array> {
  const manifest = encodeManifest(f);
  // the digest covers the bstr-wrapped manifest, header included [SUIT-8.3; the draft's examples]
  const digestBstr = encodeDigest(sha256(encodeCbor(manifest)));
  const signature = await signer.sign(sigStructure(PROTECTED_ES256, digestBstr));
  return encodeEnvelope({ manifest, digestBstr, signature });
}

/** What the device (or `firmware verify`) checks a manifest against. */
export interface ManifestPolicy {
  publicKey: KeyObject;
  installedSequence?: number;
  vendorId?: Uint8Array;
  classId?: Uint8Array;
}

export type ManifestCheck =
  | { ok: true; fields: ManifestFields; manifestDigest: Uint8Array }
  | { ok: false; reason: UpdateRefusal; fields?: ManifestFields };

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Checks in the order of spec §5.1: signature → sequence → vendor → class. */
export function checkManifest(envelope: Uint8Array, p: ManifestPolicy): ManifestCheck {
  const env = parseEnvelope(envelope);
  if (!env) return { ok: false, reason: 'BAD_MANIFEST' };
  const tbs = sigStructure(env.protectedHeader, env.digestBstr);
  const good = verify('sha256', tbs, { key: p.publicKey, dsaEncoding: 'ieee-p1363' }, env.signature);
  if (!good || !same(sha256(encodeCbor(env.manifest)), env.manifestDigest))
    return { ok: false, reason: 'BAD_SIGNATURE' };
  const fields = parseManifest(env.manifest);
  if (!fields) return { ok: false, reason: 'BAD_MANIFEST' };
  if (p.installedSequence !== undefined && fields.sequence <= p.installedSequence)
    return { ok: false, reason: 'ROLLBACK', fields };
  if (p.vendorId && !same(p.vendorId, fields.vendorId)) return { ok: false, reason: 'WRONG_VENDOR', fields };
  if (p.classId && !same(p.classId, fields.classId)) return { ok: false, reason: 'WRONG_CLASS', fields };
  return { ok: true, fields, manifestDigest: env.manifestDigest };
}

/** Checks an image against the manifest's size and digest. */
export function checkImage(
  image: Uint8Array,
  f: ManifestFields,
): { ok: true } | { ok: false; reason: UpdateRefusal } {
  if (image.length > f.size) return { ok: false, reason: 'OVERSIZE' };
  if (image.length !== f.size) return { ok: false, reason: 'SIZE_MISMATCH' };
  return same(sha256(image), f.digest) ? { ok: true } : { ok: false, reason: 'DIGEST_MISMATCH' };
}

/** Parses a UUID text (with or without dashes) into 16 bytes. */
export function parseUuid(s: string): Uint8Array | undefined {
  const h = s.replace(/-/g, '');
  return /^[0-9a-fA-F]{32}$/.test(h) ? Uint8Array.from(Buffer.from(h, 'hex')) : undefined;
}

export function formatUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
