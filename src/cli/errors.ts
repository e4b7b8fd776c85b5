// CLI error codes (usage and input problems found before any work starts).
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type CliErrorCode =
  | 'GT_ERR_CLI_USAGE'
  | 'GT_ERR_CLI_BAD_HEX'
  | 'GT_ERR_CLI_BAD_NUMBER'
  | 'GT_ERR_CLI_SECRET_FILE'
  | 'GT_ERR_CLI_MISSING_SECRET'
  | 'GT_ERR_CLI_UNKNOWN_BENCH'
  | 'GT_ERR_CLI_READ_FILE'
  | 'GT_ERR_CLI_WRITE_FILE'
  | 'GT_ERR_CLI_BAD_DATA_FILE'
  | 'GT_ERR_CLI_READY_FILE';

export class CliError extends GridtrustError<CliErrorCode> {
  constructor(code: CliErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
