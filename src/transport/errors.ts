// Transport error class and its closed set of codes (infrastructure faults only).
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type TransportErrorCode = 'GT_ERR_TRANSPORT_LISTEN' | 'GT_ERR_TRANSPORT_CONNECT';

/** Thrown when a socket cannot be bound or a broker cannot be reached (send failures are values). */
export class TransportError extends GridtrustError<TransportErrorCode> {
  constructor(code: TransportErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
