// Schemas shared by several routes: the error body, ids, and the trust band.
import { Type, type TSchema } from '@sinclair/typebox';

/** The one error shape of every non-2xx answer. */
export const ErrorBody = Type.Object(
  { error: Type.String(), message: Type.String(), hint: Type.Optional(Type.String()) },
  { $id: 'ErrorBody', additionalProperties: false },
);

export const TerminalIdParam = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-fA-F]{16}$', description: 'system title, 16 hex digits' }) },
  { additionalProperties: false },
);

export const TrustBand = Type.Union([
  Type.Literal('high'),
  Type.Literal('medium'),
  Type.Literal('low'),
  Type.Literal('unscored'),
]);

/** Band of a score: high ≥ 0.8, medium ≥ 0.5, low below, unscored when none. */
export function bandOf(score: number | null | undefined): 'high' | 'medium' | 'low' | 'unscored' {
  if (score === null || score === undefined || !Number.isFinite(score)) return 'unscored';
  return score >= 0.8 ? 'high' : score >= 0.5 ? 'medium' : 'low';
}

/** Adds the error answers to a route's response schemas. */
export function withErrors(ok: Record<number, TSchema>): Record<string, TSchema> {
  return { ...ok, '4xx': ErrorBody, '5xx': ErrorBody };
}

/** An ISO 8601 time or Unix milliseconds, as query strings carry them. */
export const TimeParam = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'ISO 8601 time (2026-01-01T00:00:00Z) or Unix milliseconds',
});
