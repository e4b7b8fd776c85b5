// The KEKs inside a PKCS#11 token: AES-256 secret keys labelled gridtrust-kek-<generation>.
import type * as P from 'pkcs11js';
import { KeysError } from '../errors.ts';

/** Label prefix of gridtrust's KEK objects; the generation number follows. */
export const KEK_LABEL_PREFIX = 'gridtrust-kek-';

/** One KEK object in the token. */
export interface TokenKek {
  readonly id: string;
  readonly generation: number;
  readonly handle: P.Handle;
}

interface Session {
  readonly lib: typeof P;
  readonly p: P.PKCS11;
  readonly session: P.Handle;
}

/** Every gridtrust KEK in the token, newest generation first. */
export function findKeks(s: Session): TokenKek[] {
  const { lib, p, session } = s;
  p.C_FindObjectsInit(session, [
    { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
    { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES },
  ]);
  const handles = p.C_FindObjects(session, 1000);
  p.C_FindObjectsFinal(session);
  const keks: TokenKek[] = [];
  for (const handle of handles) {
    const [attr, len] = p.C_GetAttributeValue(session, handle, [
      { type: lib.CKA_LABEL },
      { type: lib.CKA_VALUE_LEN },
    ]);
    const label = attr?.value.toString('utf8') ?? '';
    const m = /^gridtrust-kek-(\d+)$/.exec(label);
    if (!m) continue;
    if (len === undefined || ulong(len.value) !== 32) {
      // AES-256 only: SoftHSM 2.6.1's AES-192 KWP differs from RFC 5649 (conformance suite).
      throw new KeysError('GT_ERR_KEYS_PKCS11', `KEK ${label} is not an AES-256 key`, {
        hint: 'create the KEK with gridtrust keys kek init (AES-256, generated in the token)',
      });
    }
    keks.push({ id: `pkcs11:${label}`, generation: Number(m[1]), handle });
  }
  return keks.sort((a, b) => b.generation - a.generation);
}

/**
 * Generates a KEK inside the token (CKM_AES_KEY_GEN, 32 bytes): a token object, sensitive, never
 * extractable, usable only to wrap and unwrap.
 */
export function generateKek(s: Session, generation: number): TokenKek {
  const { lib, p, session } = s;
  const label = `${KEK_LABEL_PREFIX}${generation}`;
  const handle = p.C_GenerateKey(session, { mechanism: lib.CKM_AES_KEY_GEN }, [
    { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
    { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES },
    { type: lib.CKA_VALUE_LEN, value: 32 },
    { type: lib.CKA_TOKEN, value: true },
    { type: lib.CKA_PRIVATE, value: true },
    { type: lib.CKA_SENSITIVE, value: true },
    { type: lib.CKA_EXTRACTABLE, value: false },
    { type: lib.CKA_MODIFIABLE, value: false },
    { type: lib.CKA_WRAP, value: true },
    { type: lib.CKA_UNWRAP, value: true },
    { type: lib.CKA_ENCRYPT, value: false },
    { type: lib.CKA_DECRYPT, value: false },
    { type: lib.CKA_SIGN, value: false },
    { type: lib.CKA_VERIFY, value: false },
    { type: lib.CKA_DERIVE, value: false },
    { type: lib.CKA_LABEL, value: label },
    { type: lib.CKA_ID, value: Buffer.from(label) },
  ]);
  return { id: `pkcs11:${label}`, generation, handle };
}

/** A CK_ULONG attribute value (4 or 8 bytes, host order: little-endian on the platforms we run on). */
function ulong(b: Buffer): number {
  return b.length === 8 ? Number(b.readBigUInt64LE()) : b.readUInt32LE();
}
