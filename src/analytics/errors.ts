// Analytics error codes (configuration faults found before or during an analysis).
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type AnalyticsErrorCode =
  | 'GT_ERR_ANALYTICS_BAD_OPTION'
  | 'GT_ERR_ANALYTICS_NO_DATA'
  | 'GT_ERR_ANALYTICS_SHAPE'
  | 'GT_ERR_ANALYTICS_IRREGULAR_INTERVAL';

/** The one error class of the analytics area. */
export class AnalyticsError extends GridtrustError<AnalyticsErrorCode> {
  constructor(code: AnalyticsErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
