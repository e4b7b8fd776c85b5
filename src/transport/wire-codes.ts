// The one table mapping ingest rejection reasons to CoAP response codes (STYLE.md "one table per edge").

/**
 * CoAP code per rejection reason [RFC7252-5.9]. 4.00 malformed input, 4.01 authentication failed (tag,
 * replay), 4.03 key not allowed, 4.04 unknown terminal or key, 4.05 wrong method, 4.13 too large.
 * Reasons not listed map to 4.00.
 */
export const COAP_CODE_BY_REASON: Readonly<Record<string, string>> = Object.freeze({
  TRUNCATED: '4.00',
  BAD_VERSION: '4.00',
  BAD_HEADER: '4.00',
  UNKNOWN_SUITE: '4.00',
  BAD_DIRECTION: '4.00',
  BAD_PAYLOAD: '4.00',
  BAD_APDU: '4.00',
  TITLE_MISMATCH: '4.00',
  UNSUPPORTED_SECURITY: '4.00',
  BAD_TOPIC: '4.00',
  OVERSIZE: '4.13',
  BAD_TAG: '4.01',
  REPLAY: '4.01',
  UNAUTHENTICATED: '4.01',
  UNKNOWN_TERMINAL: '4.04',
  UNKNOWN_KEY: '4.04',
  KEY_NOT_USABLE: '4.03',
  QUARANTINED: '4.03',
  BAD_METHOD: '4.05',
  BAD_PATH: '4.04',
});

/** CoAP code for a rejection reason (4.00 when unmapped). */
export function toCoapCode(reason: string): string {
  return COAP_CODE_BY_REASON[reason] ?? '4.00';
}

/** CoAP success code: 2.04 Changed, sent only after the durable commit. */
export const COAP_OK = '2.04';
/** CoAP code when the platform cannot commit right now (the terminal should retry). */
export const COAP_UNAVAILABLE = '5.03';
