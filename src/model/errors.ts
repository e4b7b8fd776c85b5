// Model error class and its closed set of codes: a value that does not fit a shared type.
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type ModelErrorCode = 'GT_ERR_MODEL_BAD_TERMINAL_ID';

/** Thrown by the `parseX` constructors (the `toX` ones return undefined instead). */
export class ModelError extends GridtrustError<ModelErrorCode> {
  constructor(code: ModelErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
