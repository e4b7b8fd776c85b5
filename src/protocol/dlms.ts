// verifyDlms / sealDlms [SGT1-1.4]: suite-0 ciphered APDUs with a strictly increasing invocation counter.
import { encodeAxdrLength } from './axdr.ts';
import {
  GENERAL_DED_CIPHERING,
  GENERAL_GLO_CIPHERING,
  parseDlmsFrame,
  protectedApduTag,
  type DlmsFrame,
  type DlmsKeySet,
} from './dlms-apdu.ts';
import {
  DLMS_TAG_LENGTH,
  dlmsCtr,
  dlmsGmac,
  dlmsIv,
  dlmsOpen,
  dlmsSeal,
  tagsEqual,
  type DlmsCryptoInput,
  type DlmsKeys,
} from './dlms-crypto.ts';
import { ProtocolError } from './errors.ts';
import { reject, type Rejection } from './reasons.ts';
import {
  checkCounter,
  commitCounter,
  DLMS_WINDOW,
  EMPTY_REPLAY_STATE,
  type ReplayState,
  type ReplayStore,
} from './replay-window.ts';

/** Largest APDU verifyDlms looks at (xDLMS max PDU size is a uint16). */
export const DEFAULT_MAX_APDU_BYTES = 65535;

/** Options of {@link verifyDlms}. */
export interface DlmsVerifyOptions {
  /** The server's keys, or a lookup by lower-case system-title hex (undefined → UNKNOWN_TERMINAL). */
  readonly keys: DlmsKeys | ((titleHex: string) => DlmsKeys | undefined);
  /** Sender title: required for service-specific tags; must equal the title inside 0xDB/0xDC. */
  readonly systemTitle?: Uint8Array;
  /** Invocation counters (window 0, strictly increasing). Omit for a stateless decode (no replay check). */
  readonly counters?: ReplayStore;
  /** Accept encryption-only APDUs (SC 0x20, no integrity). Their counters are never committed. @default false */
  readonly allowUnauthenticated?: boolean;
  /** @default 65535 */
  readonly maxApduBytes?: number;
  /** Extra counter-id component, e.g. the SGT1 key version of a tunnel (counters restart per key). */
  readonly counterScope?: string;
}

/** An accepted APDU. */
export interface VerifiedDlms {
  readonly ok: true;
  readonly tag: number;
  readonly keySet: DlmsKeySet;
  readonly systemTitle: Buffer;
  readonly securityControl: number;
  readonly invocationCounter: number;
  readonly authenticated: boolean;
  readonly encrypted: boolean;
  /** The protected xDLMS APDU (decrypted, or the authenticated cleartext for SC 0x10). */
  readonly plaintext: Buffer;
  /** New counter state (already written to `counters`), when counters were given and committed. */
  readonly counterState?: ReplayState;
}

export type DlmsVerifyResult = VerifiedDlms | Rejection;

/** Counter id of a DLMS sender and key set: `dlms|<title hex>|<keySet>|<scope>` [SGT1-1.4 replay]. */
export function dlmsCounterId(titleHex: string, keySet: DlmsKeySet, scope = ''): string {
  return `dlms|${titleHex}|${keySet}|${scope}`;
}

function keyFor(keys: DlmsKeys, keySet: DlmsKeySet): Uint8Array | undefined {
  switch (keySet) {
    case 'unicast':
      return keys.guek;
    case 'broadcast':
      return keys.gbek;
    case 'dedicated':
      return keys.dedicated;
  }
}

type Unprotected = { readonly ok: true; readonly plaintext: Buffer } | Rejection;

/** Applies the security control's protection level [DLMS-GB-T40]: 0x30 open, 0x10 GMAC, 0x20 CTR. */
function unprotect(frame: DlmsFrame, input: DlmsCryptoInput): Unprotected {
  const { sc, body } = frame;
  if (sc.authenticated && sc.encrypted) {
    const pt = dlmsOpen(input, body);
    return pt === undefined ? reject('BAD_TAG', 'GCM tag does not verify') : { ok: true, plaintext: pt };
  }
  if (sc.authenticated) {
    if (body.length < DLMS_TAG_LENGTH) return reject('TRUNCATED', 'no room for the 12-byte tag');
    const data = body.subarray(0, body.length - DLMS_TAG_LENGTH);
    const ok = tagsEqual(dlmsGmac(input, data), body.subarray(body.length - DLMS_TAG_LENGTH));
    return ok ? { ok: true, plaintext: Buffer.from(data) } : reject('BAD_TAG', 'GMAC tag does not verify');
  }
  return { ok: true, plaintext: dlmsCtr(input, body) };
}

function validKey(k: Uint8Array | undefined): k is Uint8Array {
  return k !== undefined && k.length === 16;
}

type Sender =
  | {
      readonly ok: true;
      readonly title: Buffer;
      readonly titleHex: string;
      readonly ek: Uint8Array;
      readonly ak: Uint8Array;
    }
  | Rejection;

/** The sender title (APDU or option, which must agree), its keys, and the protection policy. */
function resolveSender(frame: DlmsFrame, options: DlmsVerifyOptions): Sender {
  const expected = options.systemTitle === undefined ? undefined : Buffer.from(options.systemTitle);
  if (frame.systemTitle !== undefined && expected !== undefined && !frame.systemTitle.equals(expected)) {
    return reject('TITLE_MISMATCH', 'system title in the APDU differs from the sender title');
  }
  const title = frame.systemTitle ?? expected;
  if (title?.length !== 8) return reject('BAD_APDU', 'no 8-byte sender system title given');
  const titleHex = title.toString('hex');
  const keys = typeof options.keys === 'function' ? options.keys(titleHex) : options.keys;
  if (keys === undefined) return reject('UNKNOWN_TERMINAL', `no DLMS keys for ${titleHex}`);
  const ek = keyFor(keys, frame.keySet);
  if (!validKey(ek) || !validKey(keys.ak))
    return reject('UNKNOWN_KEY', `no 16-byte ${frame.keySet} key or AK`);
  if (!frame.sc.authenticated && options.allowUnauthenticated !== true) {
    return reject('UNAUTHENTICATED', 'SC 0x20 (encryption only) is not accepted');
  }
  return { ok: true, title, titleHex, ek, ak: keys.ak };
}

/**
 * Verifies and decrypts one DLMS ciphered APDU (general-glo/ded-ciphering 0xDB/0xDC, service-specific
 * glo/ded tags), SC 0x10/0x20/0x30 of suite 0 [SGT1-1.4]. With `counters`, the invocation counter must
 * be greater than the last accepted one for (title, key set) and is committed only after the tag
 * verifies. Never throws on any input bytes.
 * @example
 * const r = verifyDlms(apdu, { keys: { guek, ak }, systemTitle, counters: new Map() });
 * if (r.ok) handle(r.plaintext); else count(r.reason);
 */
export function verifyDlms(bytes: Uint8Array, options: DlmsVerifyOptions): DlmsVerifyResult {
  const apdu = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const max = options.maxApduBytes ?? DEFAULT_MAX_APDU_BYTES;
  if (apdu.length > max) return reject('OVERSIZE', `${apdu.length} bytes > ${max}`);
  const parsed = parseDlmsFrame(apdu);
  if (!parsed.ok) return parsed;
  const frame = parsed.frame;
  const who = resolveSender(frame, options);
  if (!who.ok) return who;
  const counterId = dlmsCounterId(who.titleHex, frame.keySet, options.counterScope);
  const state = options.counters?.get(counterId) ?? EMPTY_REPLAY_STATE;
  const check = checkCounter(state, frame.invocationCounter, DLMS_WINDOW);
  if (options.counters !== undefined && !check.ok) return reject('REPLAY', check.detail);
  const input = { ek: who.ek, ak: who.ak, sc: frame.sc.byte, iv: dlmsIv(who.title, frame.invocationCounter) };
  const un = unprotect(frame, input);
  if (!un.ok) return un;
  const inner = protectedApduTag(frame.tag);
  if (inner !== undefined && un.plaintext[0] !== inner) {
    return reject('BAD_APDU', `ciphered tag 0x${frame.tag.toString(16)} does not match the protected APDU`);
  }
  const base = {
    ok: true as const,
    tag: frame.tag,
    keySet: frame.keySet,
    systemTitle: who.title,
    securityControl: frame.sc.byte,
    invocationCounter: frame.invocationCounter,
    authenticated: frame.sc.authenticated,
    encrypted: frame.sc.encrypted,
    plaintext: un.plaintext,
  };
  if (options.counters === undefined || !frame.sc.authenticated) return base;
  const counterState = commitCounter(state, frame.invocationCounter, DLMS_WINDOW);
  options.counters.set(counterId, counterState);
  return { ...base, counterState };
}

/** Options of {@link sealDlms}. */
export interface DlmsSealOptions {
  /** A ciphered tag: 0xDB/0xDC (title included) or a service-specific glo/ded tag such as 0xC8, 0x21. */
  readonly tag: number;
  /** Security control byte, suite 0: 0x10, 0x20, 0x30 (| 0x40 for the broadcast key). */
  readonly securityControl: number;
  readonly invocationCounter: number;
  readonly systemTitle: Uint8Array;
  /** The encryption key matching tag and SC (GUEK, GBEK or dedicated). */
  readonly ek: Uint8Array;
  readonly ak: Uint8Array;
  readonly plaintext: Uint8Array;
}

/** Builds a ciphered APDU (for senders, tunnels and tests) [SGT1-1.1(a) layout]. Throws on bad arguments. */
export function sealDlms(o: DlmsSealOptions): Buffer {
  const sc = o.securityControl;
  if (
    (sc & 0x8f) !== 0 ||
    (sc & 0x30) === 0 ||
    o.systemTitle.length !== 8 ||
    o.ek.length !== 16 ||
    o.ak.length !== 16
  ) {
    throw new ProtocolError(
      'GT_ERR_PROTOCOL_BAD_ARGUMENT',
      'sealDlms needs suite-0 SC, 8-byte title, 16-byte keys',
      {
        hint: 'SC is 0x10, 0x20 or 0x30 (optionally | 0x40); keys are AES-128',
      },
    );
  }
  const input = { ek: o.ek, ak: o.ak, sc, iv: dlmsIv(o.systemTitle, o.invocationCounter) };
  const body =
    (sc & 0x30) === 0x30
      ? dlmsSeal(input, o.plaintext)
      : (sc & 0x10) !== 0
        ? Buffer.concat([o.plaintext, dlmsGmac(input, o.plaintext)])
        : dlmsCtr(input, o.plaintext);
  const head = Buffer.alloc(5);
  head[0] = sc;
  head.writeUInt32BE(o.invocationCounter >>> 0, 1);
  const titled = o.tag === GENERAL_GLO_CIPHERING || o.tag === GENERAL_DED_CIPHERING;
  const titlePart = titled ? [Buffer.of(8), o.systemTitle] : [];
  return Buffer.concat([Buffer.of(o.tag), ...titlePart, encodeAxdrLength(5 + body.length), head, body]);
}
