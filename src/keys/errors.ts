// The keys area's error class (one per area, STYLE.md): a closed set of codes, listed in docs/errors.md.
import { GridtrustError, type GridtrustErrorOptions } from '../core/index.ts';

/** Closed set of keys error codes; add new ones here and in docs/errors.md ("Keys"). */
export type KeysErrorCode =
  | 'GT_ERR_KEYS_BAD_KEK'
  | 'GT_ERR_KEYS_BAD_KEY_LENGTH'
  | 'GT_ERR_KEYS_UNWRAP_FAILED'
  | 'GT_ERR_KEYS_MASTER_KEY'
  | 'GT_ERR_KEYS_MASTER_KEY_PERMISSIONS'
  | 'GT_ERR_KEYS_KEK_ROTATION'
  | 'GT_ERR_KEYS_PKCS11'
  | 'GT_ERR_KEYS_PKCS11_NO_KEK'
  | 'GT_ERR_KEYS_BACKUP'
  | 'GT_ERR_KEYS_BACKUP_THRESHOLD'
  | 'GT_ERR_KEYS_EXPORT';

/** Thrown for key-handling faults (wrong KEK size, a wrapped blob that fails its integrity check). */
export class KeysError extends GridtrustError<KeysErrorCode> {
  constructor(code: KeysErrorCode, message: string, options?: GridtrustErrorOptions) {
    super(code, message, options);
  }
}
