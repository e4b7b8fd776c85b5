// SGT1 AEAD [SGT1-1.2]: nonce = systemTitle ‖ fc (CCM: 0x00 ‖ systemTitle ‖ fc), AAD = the 17 header bytes.
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { HEADER_LENGTH, SUITE, tagLength, type Suite } from './header.ts';

/** Nonce of a frame whose header is at `frame[0..17)` [SGT1-1.2]: 12 bytes for GCM, 13 for CCM. */
export function frameNonce(frame: Buffer, suite: Suite): Buffer {
  const ccm = suite === SUITE.AES_128_CCM;
  // allocUnsafe slices the shared pool (no ArrayBuffer per frame); every byte is written below.
  const nonce = Buffer.allocUnsafe(ccm ? 13 : 12);
  const o = ccm ? 1 : 0;
  if (ccm) nonce[0] = 0;
  // Byte stores: cheaper than Buffer#copy (a native call each) for 12 bytes on the hot path.
  for (let i = 0; i < 8; i++) nonce[o + i] = frame[2 + i]!;
  for (let i = 0; i < 4; i++) nonce[o + 8 + i] = frame[12 + i]!;
  return nonce;
}

type AeadKey = KeyObject | Uint8Array;

/**
 * Opens `frame` in place of its suite (0x01 or 0x02): returns the plaintext, or undefined when the
 * tag does not verify. Never throws on bad bytes.
 */
export function openFrameAead(key: AeadKey, suite: Suite, frame: Buffer): Buffer | undefined {
  const tagLen = tagLength(suite);
  if (tagLen === 0 || frame.length < HEADER_LENGTH + tagLen) return undefined;
  const ctEnd = frame.length - tagLen;
  const aad = frame.subarray(0, HEADER_LENGTH);
  const ct = frame.subarray(HEADER_LENGTH, ctEnd);
  const tag = frame.subarray(ctEnd);
  const nonce = frameNonce(frame, suite);
  try {
    if (suite === SUITE.AES_128_CCM) {
      const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ct.length });
      const pt = d.update(ct);
      d.final();
      return pt;
    }
    const d = createDecipheriv('aes-128-gcm', key, nonce, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(tag);
    const pt = d.update(ct);
    d.final();
    return pt;
  } catch {
    return undefined;
  }
}

/**
 * Seals `plaintext` behind an already encoded 17-byte `header` (suite 0x01 or 0x02) and returns the
 * whole frame `header ‖ ciphertext ‖ tag`.
 */
export function sealFrameAead(key: AeadKey, header: Buffer, plaintext: Uint8Array): Buffer {
  const suite = header[1] as Suite;
  const tagLen = tagLength(suite);
  const frame = Buffer.allocUnsafe(HEADER_LENGTH + plaintext.length + tagLen);
  header.copy(frame, 0, 0, HEADER_LENGTH);
  const nonce = frameNonce(frame, suite);
  const aad = frame.subarray(0, HEADER_LENGTH);
  const c =
    suite === SUITE.AES_128_CCM
      ? createCipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 })
      : createCipheriv('aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  let off = HEADER_LENGTH + c.update(plaintext).copy(frame, HEADER_LENGTH);
  off += c.final().copy(frame, off);
  c.getAuthTag().copy(frame, off);
  return frame;
}
