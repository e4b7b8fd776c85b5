// The sim area's error class and its closed set of codes (docs/errors.md, "Simulator").
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

/** Codes thrown by the simulator (configuration faults only; attacks and rejections are values). */
export type SimErrorCode = 'GT_ERR_SIM_BAD_OPTION' | 'GT_ERR_SIM_LOAD_SHAPES';

/** A simulator configuration fault, e.g. a negative terminal count or an unusable load table. */
export class SimError extends GridtrustError<SimErrorCode> {
  constructor(code: SimErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
