// The protocol area's error class: thrown only for programmer/configuration faults, never for bad frames.
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

/** Closed set of protocol error codes (docs/errors.md, section "Protocol"). */
export type ProtocolErrorCode =
  'GT_ERR_PROTOCOL_BAD_ARGUMENT' | 'GT_ERR_PROTOCOL_BAD_REPLAY_STATE' | 'GT_ERR_PROTOCOL_BAD_TELEMETRY';

/**
 * Thrown when a caller passes impossible arguments (a 15-byte key, a frame counter of 0 to `sealFrame`,
 * a corrupt persisted replay state). Bytes received from the network never throw: they are rejected
 * with a {@link RejectReason} value.
 */
export class ProtocolError extends GridtrustError<ProtocolErrorCode> {
  constructor(code: ProtocolErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
