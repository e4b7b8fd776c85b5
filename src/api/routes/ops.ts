// /health (open), /metrics (Prometheus; optionally token-protected) and the legacy /readings (viewer).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import type { ApiAppOptions, ApiDeps } from '../deps.ts';
import { withErrors } from '../schemas.ts';

const ReadingsQuery = Type.Object(
  {
    terminal: Type.String({ pattern: '^[0-9a-fA-F]{16}$' }),
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  },
  { additionalProperties: false },
);

export function registerOpsRoutes(app: FastifyInstance, deps: ApiDeps, opts: ApiAppOptions): void {
  app.get('/health', { config: { access: 'public' }, schema: { summary: 'liveness', tags: ['ops'] } }, () =>
    deps.health(),
  );
  app.get(
    '/metrics',
    {
      config: { access: opts.protectMetrics === true ? 'viewer' : 'public' },
      schema: { summary: 'Prometheus text exposition 0.0.4', tags: ['ops'] },
    },
    (_req, reply) => reply.type('text/plain; version=0.0.4').send(deps.metricsText()),
  );
  app.get<{ Querystring: Static<typeof ReadingsQuery> }>(
    '/readings',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'raw readings of one terminal (Unix ms; see /api/v1/terminals/{id}/readings)',
        tags: ['ops'],
        querystring: ReadingsQuery,
        response: withErrors({}),
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await deps.store.queryReadings({
        terminal: q.terminal.toLowerCase() as TerminalId,
        ...(q.from !== undefined ? { from: q.from as UnixMillis } : {}),
        ...(q.to !== undefined ? { to: q.to as UnixMillis } : {}),
        limit: q.limit,
      });
      return { readings: rows.map(({ raw: _raw, ...r }) => ({ ...r, at: r.ts })) };
    },
  );
}
