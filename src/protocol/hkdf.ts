// HKDF-SHA-256 (RFC 5869) extract and expand on node:crypto HMAC, split so the key hierarchy can chain expands.
import { createHmac } from 'node:crypto';
import { ProtocolError } from './errors.ts';

const HASH_LEN = 32;

/**
 * HKDF-Extract [RFC5869-2.2]: `PRK = HMAC-SHA-256(salt, IKM)`.
 * @example
 * const prk = hkdfExtract(Buffer.from('000102030405060708090a0b0c', 'hex'), Buffer.alloc(22, 0x0b));
 */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Buffer {
  return createHmac('sha256', salt).update(ikm).digest();
}

/**
 * HKDF-Expand [RFC5869-2.3]: `T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i)`, first `length` bytes of `T(1) ‖ T(2) ‖ …`.
 * `prk` is used as the HMAC key as is (the SGT1 hierarchy expands directly from `K_ver`).
 */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > 255 * HASH_LEN) {
    throw new ProtocolError(
      'GT_ERR_PROTOCOL_BAD_ARGUMENT',
      `HKDF length ${length} out of 1..${255 * HASH_LEN}`,
      {
        hint: 'ask for at most 8160 bytes',
      },
    );
  }
  const out = Buffer.allocUnsafe(Math.ceil(length / HASH_LEN) * HASH_LEN);
  let prev: Buffer = Buffer.alloc(0);
  for (let i = 1; (i - 1) * HASH_LEN < length; i++) {
    prev = createHmac('sha256', prk).update(prev).update(info).update(Uint8Array.of(i)).digest();
    prev.copy(out, (i - 1) * HASH_LEN);
  }
  return out.subarray(0, length);
}

/** Full HKDF [RFC5869-2]: extract then expand. */
export function hkdf(options: {
  salt: Uint8Array;
  ikm: Uint8Array;
  info: Uint8Array;
  length: number;
}): Buffer {
  return hkdfExpand(hkdfExtract(options.salt, options.ikm), options.info, options.length);
}
