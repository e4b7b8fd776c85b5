// The tsm area's error class and its closed set of codes (docs/errors.md lists each).
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type TsmErrorCode =
  | 'GT_ERR_TSM_UNKNOWN_SE'
  | 'GT_ERR_TSM_UNKNOWN_ENTITY'
  | 'GT_ERR_TSM_DUPLICATE'
  | 'GT_ERR_TSM_BAD_APDU'
  | 'GT_ERR_TSM_BAD_INPUT'
  | 'GT_ERR_TSM_UNKNOWN_JOB'
  | 'GT_ERR_TSM_JOURNAL'
  | 'GT_ERR_TSM_BAD_KEY';

/** Thrown for programmer, configuration and infrastructure faults; refusals are values. */
export class TsmError extends GridtrustError<TsmErrorCode> {
  constructor(code: TsmErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
