// DLMS/COSEM security suite 0 primitives [DLMS-GB-9.2.7]: AES-GCM-128 with 12-byte tag, GMAC, CTR for SC 0x20.
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';

/** Tag length of suite 0 [SGT1-1.1(a)]. */
export const DLMS_TAG_LENGTH = 12;

/** `IV = systemTitle ‖ invocationCounter` [SGT1-1.1(a)]. */
export function dlmsIv(systemTitle: Uint8Array, invocationCounter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.set(systemTitle, 0);
  iv.writeUInt32BE(invocationCounter >>> 0, 8);
  return iv;
}

/** Inputs shared by the suite-0 operations. */
export interface DlmsCryptoInput {
  /** Encryption key (GUEK, GBEK or dedicated), 16 bytes. */
  readonly ek: Uint8Array;
  /** Authentication key, 16 bytes. */
  readonly ak: Uint8Array;
  readonly sc: number;
  readonly iv: Uint8Array;
}

function aad(input: DlmsCryptoInput, extra?: Uint8Array): Buffer {
  const parts = [Uint8Array.of(input.sc), input.ak];
  if (extra !== undefined) parts.push(extra);
  return Buffer.concat(parts);
}

/** GMAC tag over `SC ‖ AK ‖ data` (auth-only APDUs and HLS mechanism 5) [DLMS-GB-T40, T43]. */
export function dlmsGmac(input: DlmsCryptoInput, data: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-gcm', input.ek, input.iv, { authTagLength: 16 });
  c.setAAD(aad(input, data));
  c.final();
  return c.getAuthTag().subarray(0, DLMS_TAG_LENGTH);
}

/** Constant-time tag comparison (lengths are public). */
export function tagsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** AES-GCM-128 encrypt + authenticate (SC 0x30): returns `ciphertext ‖ T(12)`. */
export function dlmsSeal(input: DlmsCryptoInput, plaintext: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-gcm', input.ek, input.iv, { authTagLength: 16 });
  c.setAAD(aad(input));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([ct, c.getAuthTag().subarray(0, DLMS_TAG_LENGTH)]);
}

/** Opens `ciphertext ‖ T(12)` (SC 0x30); undefined when the tag fails. Never throws. */
export function dlmsOpen(input: DlmsCryptoInput, body: Uint8Array): Buffer | undefined {
  if (body.length < DLMS_TAG_LENGTH) return undefined;
  const ct = body.subarray(0, body.length - DLMS_TAG_LENGTH);
  try {
    const d = createDecipheriv('aes-128-gcm', input.ek, input.iv, { authTagLength: DLMS_TAG_LENGTH });
    d.setAAD(aad(input));
    d.setAuthTag(body.subarray(body.length - DLMS_TAG_LENGTH));
    const pt = d.update(ct);
    d.final();
    return pt;
  } catch {
    return undefined;
  }
}

/**
 * Encryption-only (SC 0x20): GCM's keystream without a tag, i.e. AES-CTR from `inc32(J0) = IV ‖ 00000002`
 * [NIST-SP800-38D-7.1]. The same function encrypts and decrypts.
 */
export function dlmsCtr(input: DlmsCryptoInput, data: Uint8Array): Buffer {
  const counter = Buffer.concat([input.iv, Buffer.of(0, 0, 0, 2)]);
  const c = createCipheriv('aes-128-ctr', input.ek, counter);
  return Buffer.concat([c.update(data), c.final()]);
}

/**
 * The suite-0 keys of one DLMS server (meter) [SGT1-1.1(a) keys]: 16 bytes each. `gbek` and
 * `dedicated` are optional; APDUs that need a missing key are rejected with UNKNOWN_KEY.
 */
export interface DlmsKeys {
  /** Global unicast encryption key. */
  readonly guek: Uint8Array;
  /** Global broadcast encryption key (SC bit 6). */
  readonly gbek?: Uint8Array;
  /** Authentication key. */
  readonly ak: Uint8Array;
  /** Dedicated (session) key for ded-ciphered APDUs. */
  readonly dedicated?: Uint8Array;
}
