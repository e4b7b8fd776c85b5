// DLMS ciphered APDU framing [SGT1-1.1(a), 1.4]: tag table, general-glo/ded title, A-XDR length, SC and IC.
import { readAxdrLength } from './axdr.ts';
import { reject, type Rejection } from './reasons.ts';

/** Which key encrypts an APDU: global unicast (GUEK), global broadcast (GBEK) or the dedicated key. */
export type DlmsKeySet = 'unicast' | 'broadcast' | 'dedicated';

/** Service-specific glo-ciphered tags (global key) [DLMS-GB-9.5 xDLMS APDUs]. */
const GLO_TAGS = [
  0x21, 0x25, 0x26, 0x28, 0x2c, 0x2d, 0x2e, 0x36, 0x38, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xcf,
];
/** Service-specific ded-ciphered tags (dedicated key): the glo tags + 0x20 / + 8. */
const DED_TAGS = [
  0x41, 0x45, 0x46, 0x48, 0x4c, 0x4d, 0x4e, 0x56, 0x58, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd7,
];
/** general-glo-ciphering: carries the sender system title. */
export const GENERAL_GLO_CIPHERING = 0xdb;
/** general-ded-ciphering (220). */
export const GENERAL_DED_CIPHERING = 0xdc;

const TAG_KIND = new Map<number, 'glo' | 'ded'>([
  ...GLO_TAGS.map((t) => [t, 'glo'] as const),
  ...DED_TAGS.map((t) => [t, 'ded'] as const),
  [GENERAL_GLO_CIPHERING, 'glo'],
  [GENERAL_DED_CIPHERING, 'ded'],
]);

/** Security control byte fields [SGT1-1.1(a)]. */
export interface SecurityControl {
  readonly byte: number;
  readonly suite: number;
  readonly authenticated: boolean;
  readonly encrypted: boolean;
  readonly broadcast: boolean;
  readonly compressed: boolean;
}

export function parseSecurityControl(byte: number): SecurityControl {
  return {
    byte,
    suite: byte & 0x0f,
    authenticated: (byte & 0x10) !== 0,
    encrypted: (byte & 0x20) !== 0,
    broadcast: (byte & 0x40) !== 0,
    compressed: (byte & 0x80) !== 0,
  };
}

/** The framing of one ciphered APDU, before any cryptography. `body` views the input. */
export interface DlmsFrame {
  readonly tag: number;
  readonly keySet: DlmsKeySet;
  /** The sender title carried by 0xDB/0xDC, else undefined. */
  readonly systemTitle: Buffer | undefined;
  readonly sc: SecurityControl;
  readonly invocationCounter: number;
  /** Ciphertext and/or plaintext, then the tag when authenticated. */
  readonly body: Buffer;
}

export type DlmsFrameResult = { readonly ok: true; readonly frame: DlmsFrame } | Rejection;

function readTitle(apdu: Buffer, offset: number): { title: Buffer; next: number } | Rejection {
  const len = readAxdrLength(apdu, offset);
  if (len === undefined) return reject('TRUNCATED', 'system title length cut short');
  if (len.length !== 8) return reject('BAD_APDU', `system title is ${len.length} bytes, expected 8`);
  if (len.next + 8 > apdu.length) return reject('TRUNCATED', 'system title cut short');
  return { title: apdu.subarray(len.next, len.next + 8), next: len.next + 8 };
}

/**
 * Parses `tag [‖ len ‖ title] ‖ len ‖ SC ‖ IC(4) ‖ body` [SGT1-1.1(a)] and checks the security control
 * asks for suite 0 without compression. Never throws.
 */
export function parseDlmsFrame(apdu: Buffer): DlmsFrameResult {
  if (apdu.length < 1) return reject('TRUNCATED', 'empty APDU');
  const tag = apdu[0]!;
  const kind = TAG_KIND.get(tag);
  if (kind === undefined)
    return reject('BAD_APDU', `tag 0x${tag.toString(16).padStart(2, '0')} is not a ciphered APDU`);
  let offset = 1;
  let systemTitle: Buffer | undefined;
  if (tag === GENERAL_GLO_CIPHERING || tag === GENERAL_DED_CIPHERING) {
    const t = readTitle(apdu, offset);
    if ('ok' in t) return t;
    systemTitle = t.title;
    offset = t.next;
  }
  const len = readAxdrLength(apdu, offset);
  if (len === undefined) return reject('TRUNCATED', 'A-XDR length cut short or invalid');
  const end = len.next + len.length;
  if (end > apdu.length)
    return reject('TRUNCATED', `length says ${len.length}, ${apdu.length - len.next} left`);
  if (end < apdu.length) return reject('BAD_APDU', `${apdu.length - end} bytes after the APDU`);
  if (len.length < 5) return reject('TRUNCATED', 'no room for SC and invocation counter');
  const sc = parseSecurityControl(apdu[len.next]!);
  if (sc.suite !== 0) return reject('UNSUPPORTED_SECURITY', `security suite ${sc.suite} (only suite 0)`);
  if (sc.compressed) return reject('UNSUPPORTED_SECURITY', 'compression is not supported');
  if (!sc.authenticated && !sc.encrypted) return reject('UNSUPPORTED_SECURITY', 'SC asks for no protection');
  const keySet: DlmsKeySet = kind === 'ded' ? 'dedicated' : sc.broadcast ? 'broadcast' : 'unicast';
  const invocationCounter = apdu.readUInt32BE(len.next + 1);
  return {
    ok: true,
    frame: { tag, keySet, systemTitle, sc, invocationCounter, body: apdu.subarray(len.next + 5, end) },
  };
}

/**
 * The xDLMS tag a service-specific ciphered tag must protect (glo-get-request 0xC8 → get-request 0xC0,
 * glo-initiate-request 0x21 → initiate-request 0x01, ded-get-request 0xD0 → 0xC0); undefined for the
 * general-ciphering tags, which may carry any APDU. The outer tag is not in the AAD [DLMS-GB-9.2.7], so
 * checking it against the authenticated inner APDU stops an attacker relabelling a response.
 */
export function protectedApduTag(tag: number): number | undefined {
  if (tag === GENERAL_GLO_CIPHERING || tag === GENERAL_DED_CIPHERING) return undefined;
  if (tag >= 0xc8 && tag <= 0xcf) return tag - 0x08;
  if (tag >= 0xd0 && tag <= 0xd7) return tag - 0x10;
  return TAG_KIND.get(tag) === 'ded' ? tag - 0x40 : tag - 0x20;
}
