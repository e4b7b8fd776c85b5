// StorageError: the closed set of storage faults (expected rejections such as duplicates are values).
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

export type StorageErrorCode =
  | 'GT_ERR_STORAGE_INVALID_BATCH'
  | 'GT_ERR_STORAGE_UNKNOWN_TERMINAL'
  | 'GT_ERR_STORAGE_DUPLICATE'
  | 'GT_ERR_STORAGE_CLOSED'
  | 'GT_ERR_STORAGE_OPEN'
  | 'GT_ERR_STORAGE_WRITE'
  | 'GT_ERR_STORAGE_SCHEMA_TOO_NEW'
  | 'GT_ERR_STORAGE_READ_WORKER';

/** Thrown by storage adapters for invalid writes, a closed store and infrastructure faults. */
export class StorageError extends GridtrustError<StorageErrorCode> {
  constructor(code: StorageErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
