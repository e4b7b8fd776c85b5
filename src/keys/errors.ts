// The keys area's error class (one per area, STYLE.md): a closed set of codes, listed in docs/errors.md.
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

/** Closed set of keys error codes; add new ones here and in docs/errors.md ("Keys"). */
export type KeysErrorCode =
  'GT_ERR_KEYS_BAD_KEK' | 'GT_ERR_KEYS_BAD_KEY_LENGTH' | 'GT_ERR_KEYS_UNWRAP_FAILED';

/** Thrown for key-handling faults (wrong KEK size, a wrapped blob that fails its integrity check). */
export class KeysError extends GridtrustError<KeysErrorCode> {
  constructor(code: KeysErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
