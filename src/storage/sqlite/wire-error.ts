// Errors across the write worker's thread boundary: as data one way, rebuilt as StorageError the other.
import { GridtrustError } from '../../core/index.ts';
import { StorageError, type StorageErrorCode } from '../errors.ts';

/** A batch's failure, as data (errors do not cross threads with their class). */
export interface WireError {
  code: string;
  message: string;
  hint?: string | undefined;
}

export function toWire(e: unknown): WireError {
  if (e instanceof GridtrustError) {
    const err = e as GridtrustError;
    return { code: err.code, message: err.message, hint: err.hint };
  }
  return { code: 'GT_ERR_STORAGE_WRITE', message: e instanceof Error ? e.message : String(e) };
}

const KNOWN_CODES = new Set<string>([
  'GT_ERR_STORAGE_INVALID_BATCH',
  'GT_ERR_STORAGE_UNKNOWN_TERMINAL',
  'GT_ERR_STORAGE_DUPLICATE',
  'GT_ERR_STORAGE_WRITE',
]);

/** Rebuilds the worker's error on this side of the thread boundary. */
export function fromWire(e: WireError): StorageError {
  const code = (KNOWN_CODES.has(e.code) ? e.code : 'GT_ERR_STORAGE_WRITE') as StorageErrorCode;
  const hint = e.hint ?? 'check free disk space and that no other process holds a write lock on the database';
  return new StorageError(code, e.message, { hint });
}
