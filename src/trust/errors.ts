// Trust-area error class and its closed set of codes (docs/errors.md, "Trust").
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type TrustErrorCode =
  | 'GT_ERR_TRUST_BAD_PARAMS'
  | 'GT_ERR_TRUST_UNKNOWN_SCHEME'
  | 'GT_ERR_TRUST_BATCH_SIZE'
  | 'GT_ERR_TRUST_EVIDENCE_FILE';

/** Thrown for configuration faults only; bad evidence lines are values (see evidence.ts). */
export class TrustError extends GridtrustError<TrustErrorCode> {
  constructor(code: TrustErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
