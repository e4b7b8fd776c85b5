// ISO 8601 / Unix-ms query values to milliseconds, with a 400 that says what was wrong.
import { HttpError } from './errors.ts';

/** Parses `2026-01-01T00:00:00Z` (or any Date.parse form with a zone) or integer Unix ms. */
export function parseTime(name: string, v: string): number {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new HttpError(
      'BAD_REQUEST',
      `${name}: ${JSON.stringify(v)} is not a time`,
      'use ISO 8601 with a zone, e.g. 2026-01-01T00:00:00Z, or Unix milliseconds',
    );
  return ms;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
