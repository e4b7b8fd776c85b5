// The closed set of rejection reasons returned (never thrown) by verifyFrame and verifyDlms.

/**
 * Why a frame or APDU was rejected. Receivers drop the input silently and count it by reason
 * [SGT1-1.2 receiver rules]; docs/protocol.md says what an operator does about each.
 */
export type RejectReason =
  | 'TRUNCATED'
  | 'OVERSIZE'
  | 'BAD_VERSION'
  | 'BAD_HEADER'
  | 'UNKNOWN_SUITE'
  | 'UNKNOWN_TERMINAL'
  | 'UNKNOWN_KEY'
  | 'KEY_NOT_USABLE'
  | 'REPLAY'
  | 'BAD_TAG'
  | 'BAD_PAYLOAD'
  | 'BAD_APDU'
  | 'TITLE_MISMATCH'
  | 'UNSUPPORTED_SECURITY'
  | 'UNAUTHENTICATED';

/** A rejection value: the reason plus a short human detail (never key material or plaintext). */
export interface Rejection {
  readonly ok: false;
  readonly reason: RejectReason;
  readonly detail: string;
}

/** One-line meaning of every reason, in the order of the receiver rules (used by docs and the CLI). */
export const REJECT_REASONS: Readonly<Record<RejectReason, string>> = {
  TRUNCATED: 'shorter than the fixed header plus tag, or a length field points past the end',
  OVERSIZE: 'longer than the configured maximum frame size',
  BAD_VERSION: 'SGT1 version nibble is not 1',
  BAD_HEADER: 'a header field is invalid (reserved bit, purpose, key version 0, fc 0, ctype, direction)',
  UNKNOWN_SUITE: 'suite byte is not 0x01, 0x02 or 0x80',
  UNKNOWN_TERMINAL: 'no terminal is registered under this system title',
  UNKNOWN_KEY: 'the terminal has no key for this purpose/version (or no DLMS key for this key set)',
  KEY_NOT_USABLE: 'the key exists but its state forbids processing (not active, grace expired)',
  REPLAY: 'the counter was already accepted or is older than the replay window',
  BAD_TAG: 'authentication failed: wrong key, tampered bytes or wrong header',
  BAD_PAYLOAD: 'authenticated, but the plaintext is not a valid record for its content type',
  BAD_APDU: 'the DLMS APDU structure is malformed (tag, A-XDR length, title length)',
  TITLE_MISMATCH: 'the DLMS system title differs from the expected (SGT1 header) title',
  UNSUPPORTED_SECURITY: 'DLMS security control asks for a suite, compression or mode not supported',
  UNAUTHENTICATED: 'DLMS encryption-only APDU (SC 0x20) while authentication is required',
};

/** Builds a rejection value. */
export function reject(reason: RejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}
