// Minimal HTTP API (fastify): /health, /metrics (Prometheus text), /readings. The full API comes later.
import Fastify, { type FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';

/** One stored reading as the API returns it. */
export interface ApiReading {
  terminal: string;
  at: number;
  [field: string]: unknown;
}

/** What the API reads from; the platform wires these to the pipeline and the store. */
export interface ApiDeps {
  health(): { status: 'ok' | 'degraded'; [k: string]: unknown };
  /** The Prometheus text exposition (format 0.0.4). */
  metricsText(): string;
  readings(q: { terminal: string; from?: number; to?: number; limit: number }): Promise<ApiReading[]>;
}

/** Options of {@link startApi}. */
export interface ApiOptions {
  deps: ApiDeps;
  /** @default 0 (free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

const ReadingsQuery = Type.Object(
  {
    terminal: Type.String({ pattern: '^[0-9a-fA-F]{16}$' }),
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  },
  { additionalProperties: false },
);

function buildApp(deps: ApiDeps): FastifyInstance {
  // Query strings are text: coerce there, but never strip unknown fields (DEPENDENCIES.md).
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: true } } });
  app.get('/health', () => deps.health());
  app.get('/metrics', (_req, reply) => {
    void reply.type('text/plain; version=0.0.4').send(deps.metricsText());
  });
  app.get<{ Querystring: Static<typeof ReadingsQuery> }>(
    '/readings',
    { schema: { querystring: ReadingsQuery } },
    async (req) => {
      const q = req.query;
      const readings = await deps.readings({ ...q, terminal: q.terminal.toLowerCase() });
      return { readings };
    },
  );
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
    void reply.status(status).send({
      error: status === 400 ? 'BAD_REQUEST' : 'INTERNAL',
      message: status === 400 ? err.message : 'internal error',
    });
  });
  return app;
}

/** A running API: its port, base URL and close. */
export interface ApiServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the HTTP API on loopback. */
export async function startApi(opts: ApiOptions): Promise<ApiServer> {
  const app = buildApp(opts.deps);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : (opts.port ?? 0);
  return { port, url: `http://${host}:${port}`, close: () => app.close() };
}

export { buildApp as buildApiApp };
