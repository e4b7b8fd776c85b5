// Platform error class and its closed set of codes (configuration and composition faults).
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type PlatformErrorCode =
  'GT_ERR_PLATFORM_CONFIG' | 'GT_ERR_PLATFORM_CONFIG_FILE' | 'GT_ERR_PLATFORM_START';

/** Thrown when the configuration is invalid or the platform cannot start. */
export class PlatformError extends GridtrustError<PlatformErrorCode> {
  constructor(code: PlatformErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
