// AES key wrap [RFC3394] and key wrap with padding [RFC5649] on node:crypto's id-aes*-wrap(-pad) ciphers.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { KeysError } from './errors.ts';

/** Default initial value of RFC 3394 §2.2.3.1. */
const IV_3394 = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
/** Alternative initial value prefix of RFC 5649 §3 (the 32-bit length is appended by OpenSSL). */
const AIV_5649 = Buffer.from('A65959A6', 'hex');
/** Upper bound on key data, far above any key; keeps allocations bounded. */
const MAX_KEY_DATA = 4096;

type Mode = 'wrap' | 'wrap-pad';

function cipherName(kek: Uint8Array, mode: Mode): string {
  const bits = kek.length * 8;
  if (bits !== 128 && bits !== 192 && bits !== 256) {
    throw new KeysError('GT_ERR_KEYS_BAD_KEK', `KEK must be 16, 24 or 32 bytes, got ${kek.length}`, {
      hint: 'use an AES-128, AES-192 or AES-256 key-encryption key',
    });
  }
  return `id-aes${bits}-${mode}`;
}

function badLength(what: string, hint: string): KeysError {
  return new KeysError('GT_ERR_KEYS_BAD_KEY_LENGTH', what, { hint });
}

function run(encrypt: boolean, kek: Uint8Array, mode: Mode, data: Uint8Array): Buffer {
  const iv = mode === 'wrap' ? IV_3394 : AIV_5649;
  const c = encrypt
    ? createCipheriv(cipherName(kek, mode), kek, iv)
    : createDecipheriv(cipherName(kek, mode), kek, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

function unwrap(kek: Uint8Array, mode: Mode, wrapped: Uint8Array): Buffer {
  cipherName(kek, mode);
  try {
    return run(false, kek, mode, wrapped);
  } catch (cause) {
    // OpenSSL reports a failed integrity check as an opaque state error: say what it means.
    throw new KeysError('GT_ERR_KEYS_UNWRAP_FAILED', 'unwrap failed: integrity check value does not match', {
      hint: 'the wrapped key was altered or was wrapped under another KEK; do not use it',
      cause: cause instanceof Error ? new Error(cause.message) : undefined,
    });
  }
}

/**
 * RFC 3394 AES key wrap [RFC3394-2.2.1]: key data of 16..4096 bytes, a multiple of 8; returns 8 bytes more.
 * The KEK length (16/24/32) picks AES-128/192/256.
 * @example
 * wrapKey(kek16, key16).toString('hex'); // RFC 3394 §4.1: '1fa68b0a8112b447…'
 */
export function wrapKey(kek: Uint8Array, key: Uint8Array): Buffer {
  if (key.length < 16 || key.length > MAX_KEY_DATA || key.length % 8 !== 0) {
    throw badLength(
      `RFC 3394 wraps 16..${MAX_KEY_DATA} bytes in multiples of 8, got ${key.length}`,
      'use wrapKeyWithPadding for other lengths',
    );
  }
  return run(true, kek, 'wrap', key);
}

/** RFC 3394 unwrap [RFC3394-2.2.2]; throws KeysError GT_ERR_KEYS_UNWRAP_FAILED when the blob was tampered with. */
export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array): Buffer {
  if (wrapped.length < 24 || wrapped.length > MAX_KEY_DATA + 8 || wrapped.length % 8 !== 0) {
    throw badLength(
      `an RFC 3394 blob is 24..${MAX_KEY_DATA + 8} bytes in multiples of 8, got ${wrapped.length}`,
      'check that the whole blob was passed',
    );
  }
  return unwrap(kek, 'wrap', wrapped);
}

/** RFC 5649 key wrap with padding [RFC5649-4.1]: any key length 1..4096 bytes. */
export function wrapKeyWithPadding(kek: Uint8Array, key: Uint8Array): Buffer {
  if (key.length < 1 || key.length > MAX_KEY_DATA) {
    throw badLength(`RFC 5649 wraps 1..${MAX_KEY_DATA} bytes, got ${key.length}`, 'pass the key bytes');
  }
  return run(true, kek, 'wrap-pad', key);
}

/** RFC 5649 unwrap [RFC5649-4.2]; throws KeysError GT_ERR_KEYS_UNWRAP_FAILED when the blob was tampered with. */
export function unwrapKeyWithPadding(kek: Uint8Array, wrapped: Uint8Array): Buffer {
  if (wrapped.length < 16 || wrapped.length > MAX_KEY_DATA + 16 || wrapped.length % 8 !== 0) {
    throw badLength(
      `an RFC 5649 blob is 16..${MAX_KEY_DATA + 16} bytes in multiples of 8, got ${wrapped.length}`,
      'check that the whole blob was passed',
    );
  }
  return unwrap(kek, 'wrap-pad', wrapped);
}
