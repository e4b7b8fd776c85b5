// The API's closed set of wire error codes, their HTTP statuses (the one table), and its config errors.
import { GridtrustError } from '../core/index.ts';

/** Wire codes of the `{ error, message, hint? }` body. */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'LOCKED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** The one code → HTTP status table (STYLE.md: each edge maps errors in exactly one table). */
export const HTTP_STATUS: Readonly<Record<HttpErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOCKED: 423,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
});

/** Thrown by a handler: becomes `{ error: code, message, hint? }` with the table's status. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly hint: string | undefined;
  constructor(code: HttpErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.hint = hint;
  }
}

/** Closed codes of the api area's configuration and user-management faults. */
export type ApiErrorCode =
  | 'GT_ERR_API_INSECURE_LISTEN'
  | 'GT_ERR_API_USER'
  | 'GT_ERR_API_ROLE'
  | 'GT_ERR_API_PASSWORD'
  | 'GT_ERR_API_STATE'
  | 'GT_ERR_API_TLS';

/** Configuration, user-management and state-file faults of the api area. */
export class ApiError extends GridtrustError<ApiErrorCode> {}
