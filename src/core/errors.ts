// Base error for every area: a closed code, a hint saying what to do, and the original cause.

/** Every gridtrust error code has this shape: `GT_ERR_<AREA>_<WHAT>`; docs/errors.md lists them all. */
export type ErrorCode = `GT_ERR_${string}`;

export interface GridtrustErrorOptions {
  /** What the user or operator should do next. */
  hint?: string;
  cause?: unknown;
}

/**
 * Base class of the per-area error classes (`ProtocolError`, `StorageError`, ...). Thrown only for
 * programmer, configuration and infrastructure faults; expected rejections are values.
 */
export class GridtrustError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly hint: string | undefined;

  constructor(code: C, message: string, options: GridtrustErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

export function isGridtrustError(e: unknown): e is GridtrustError {
  return e instanceof GridtrustError;
}
