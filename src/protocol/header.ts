// SGT1 header codec [SGT1-1.2]: 17 bytes, every field validated; the header bytes are the AEAD AAD.
import type { TerminalId } from '../core/index.ts';
import { ProtocolError } from './errors.ts';
import { reject, type Rejection } from './reasons.ts';

/** Header length in bytes [SGT1-1.2]. */
export const HEADER_LENGTH = 17;
/** The only SGT1 version. */
export const SGT1_VERSION = 1;

/** Suite byte [SGT1-1.2]. */
export const SUITE = { AES_128_GCM: 0x01, AES_128_CCM: 0x02, DLMS_TUNNEL: 0x80 } as const;
export type Suite = (typeof SUITE)[keyof typeof SUITE];

/** Direction bit: 0 uplink (terminal → platform), 1 downlink. Key derivation also uses 2 (both, DLMS). */
export const DIR = { UP: 0, DOWN: 1 } as const;
export type Direction = (typeof DIR)[keyof typeof DIR];

/** Key purposes, `kid` bits 15-12 [SGT1-2.2 purposes table]. */
export const PURPOSE = {
  TELEMETRY: 0x1,
  COMMAND: 0x2,
  EVENT: 0x3,
  KEY_TRANSPORT: 0x4,
  DLMS_GUEK: 0x5,
  DLMS_GBEK: 0x6,
  DLMS_AK: 0x7,
  FIRMWARE: 0x8,
  AUDIT: 0x9,
} as const;
export type Purpose = (typeof PURPOSE)[keyof typeof PURPOSE];

/** Content types [SGT1-1.2]. */
export const CTYPE = {
  TELEMETRY: 0x01,
  EVENT: 0x02,
  COMMAND: 0x03,
  COMMAND_RESULT: 0x04,
  KEY_UPDATE: 0x05,
  XDLMS: 0x10,
  /** One secure-element command APDU (downlink) — docs/protocol.md "Secure-element APDUs". */
  SE_APDU: 0x11,
  /** The SE's response APDU to a ctype 0x11 frame (uplink). */
  SE_RESPONSE: 0x12,
  SUIT_MANIFEST: 0x20,
  FW_CHUNK_ACK: 0x21,
} as const;
export type Ctype = (typeof CTYPE)[keyof typeof CTYPE];

/** A decoded SGT1 header. `systemTitle` is a view into the frame bytes (not a copy). */
export interface Sgt1Header {
  readonly version: 1;
  readonly dir: Direction;
  readonly ackReq: boolean;
  readonly more: boolean;
  readonly suite: Suite;
  /** 8 bytes: the terminal identity. */
  readonly systemTitle: Buffer;
  /** Lower-case hex of `systemTitle`. */
  readonly terminalId: TerminalId;
  readonly purpose: Purpose;
  /** Key version 1..4095. */
  readonly keyVersion: number;
  /** Frame counter 1..2^32-1 (0 is never used). */
  readonly fc: number;
  readonly ctype: Ctype;
}

/** Fields a sender chooses; `version` is implied. */
export type Sgt1HeaderInit = Omit<Sgt1Header, 'version' | 'terminalId' | 'systemTitle'> & {
  readonly systemTitle: Uint8Array;
};

/** 256-entry membership tables: one indexed load per check on the hot path. */
function table(values: readonly number[]): { has(v: number): boolean } {
  const t = new Uint8Array(256);
  for (const v of values) t[v] = 1;
  return { has: (v) => t[v & 0xff] === 1 && v >= 0 && v < 256 };
}
const SUITES = table(Object.values(SUITE));
const PURPOSES = table(Object.values(PURPOSE));
const CTYPES = table(Object.values(CTYPE));
/** Directions each purpose may travel in (one key = one purpose and one direction) [SGT1-2.2]. */
const PURPOSE_DIRS: Readonly<Record<Purpose, readonly Direction[]>> = {
  1: [0],
  2: [0, 1],
  3: [0],
  4: [1],
  5: [0, 1],
  6: [0, 1],
  7: [0, 1],
  8: [1],
  9: [0],
};
/** PURPOSE_DIRS as one bit per direction, indexed by purpose: one load per received header. */
const DIR_BITS: Readonly<Uint8Array> = Uint8Array.from({ length: 16 }, (_, p) => {
  let bits = 0;
  for (const d of PURPOSE_DIRS[p as Purpose] ?? []) bits |= 1 << d;
  return bits;
});

/** Tag length of a suite: 16 (GCM), 8 (CCM), 0 (DLMS tunnel: the APDU carries its own tag). */
export function tagLength(suite: Suite): number {
  switch (suite) {
    case SUITE.AES_128_GCM:
      return 16;
    case SUITE.AES_128_CCM:
      return 8;
    case SUITE.DLMS_TUNNEL:
      return 0;
  }
}

/** Result of {@link parseHeader}. */
export type HeaderResult = { readonly ok: true; readonly header: Sgt1Header } | Rejection;

/**
 * Parses and validates the 17-byte header [SGT1-1.2 receiver rule 1]; checks the frame is long
 * enough for the suite's tag. Never throws.
 * @example
 * const r = parseHeader(frame); if (r.ok) console.log(r.header.terminalId, r.header.fc);
 */
export function parseHeader(frame: Buffer): HeaderResult {
  if (frame.length < HEADER_LENGTH) return reject('TRUNCATED', `${frame.length} bytes < 17-byte header`);
  const b0 = frame[0]!;
  if (b0 >> 4 !== SGT1_VERSION) return reject('BAD_VERSION', `version ${b0 >> 4}, expected 1`);
  if ((b0 & 0x01) !== 0) return reject('BAD_HEADER', 'reserved bit 0 of verFlags is set');
  const suite = frame[1]!;
  if (!SUITES.has(suite)) return reject('UNKNOWN_SUITE', `suite 0x${suite.toString(16).padStart(2, '0')}`);
  const need = HEADER_LENGTH + tagLength(suite as Suite);
  if (frame.length < need) return reject('TRUNCATED', `${frame.length} bytes < ${need} for this suite`);
  // Byte arithmetic, not readUInt16BE/readUInt32BE: the length is checked above.
  const purpose = frame[10]! >> 4;
  const keyVersion = ((frame[10]! & 0x0f) << 8) | frame[11]!;
  const fc = frame[12]! * 0x1000000 + ((frame[13]! << 16) | (frame[14]! << 8) | frame[15]!);
  const ctype = frame[16]!;
  const dir = ((b0 >> 3) & 1) as Direction;
  if (!PURPOSES.has(purpose)) return reject('BAD_HEADER', `unknown purpose 0x${purpose.toString(16)}`);
  if ((DIR_BITS[purpose]! & (1 << dir)) === 0) {
    return reject('BAD_HEADER', `purpose 0x${purpose.toString(16)} is not used in direction ${dir}`);
  }
  if (keyVersion === 0) return reject('BAD_HEADER', 'key version 0 is never used');
  if (fc === 0) return reject('BAD_HEADER', 'frame counter 0 is never used');
  if (!CTYPES.has(ctype))
    return reject('BAD_HEADER', `unknown ctype 0x${ctype.toString(16).padStart(2, '0')}`);
  const systemTitle = frame.subarray(2, 10);
  const header: Sgt1Header = {
    version: 1,
    dir,
    ackReq: (b0 & 0x04) !== 0,
    more: (b0 & 0x02) !== 0,
    suite: suite as Suite,
    systemTitle,
    terminalId: frame.toString('hex', 2, 10) as TerminalId,
    purpose: purpose as Purpose,
    keyVersion,
    fc,
    ctype: ctype as Ctype,
  };
  return { ok: true, header };
}

function bad(message: string): ProtocolError {
  return new ProtocolError('GT_ERR_PROTOCOL_BAD_ARGUMENT', message, {
    hint: 'see the SGT1 header table in docs/protocol.md',
  });
}

/**
 * Encodes a header into `out` at `offset` (default a new 17-byte buffer). Throws ProtocolError on a
 * field a receiver would reject, so senders cannot emit invalid frames.
 */
export function encodeHeader(
  h: Sgt1HeaderInit,
  out: Buffer = Buffer.allocUnsafe(HEADER_LENGTH),
  offset = 0,
): Buffer {
  if (h.systemTitle.length !== 8) throw bad(`system title must be 8 bytes, got ${h.systemTitle.length}`);
  if (!SUITES.has(h.suite)) throw bad(`unknown suite ${h.suite}`);
  if (!PURPOSES.has(h.purpose)) throw bad(`unknown purpose ${h.purpose}`);
  if (h.dir !== 0 && h.dir !== 1) throw bad(`direction must be 0 or 1, got ${String(h.dir)}`);
  if (!PURPOSE_DIRS[h.purpose].includes(h.dir))
    throw bad(`purpose ${h.purpose} is not used in direction ${h.dir}`);
  if (!Number.isInteger(h.keyVersion) || h.keyVersion < 1 || h.keyVersion > 0x0fff) {
    throw bad(`key version must be 1..4095, got ${h.keyVersion}`);
  }
  if (!Number.isInteger(h.fc) || h.fc < 1 || h.fc > 0xffffffff)
    throw bad(`fc must be 1..2^32-1, got ${h.fc}`);
  if (!CTYPES.has(h.ctype)) throw bad(`unknown ctype ${h.ctype}`);
  out[offset] = (SGT1_VERSION << 4) | (h.dir << 3) | (h.ackReq ? 0x04 : 0) | (h.more ? 0x02 : 0);
  out[offset + 1] = h.suite;
  out.set(h.systemTitle, offset + 2);
  out.writeUInt16BE((h.purpose << 12) | h.keyVersion, offset + 10);
  out.writeUInt32BE(h.fc, offset + 12);
  out[offset + 16] = h.ctype;
  return out;
}
