// Builds the Fastify app of /api/v1: validation, auth hooks, the error table, every route, the OpenAPI
// document and the dashboard's static files.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { HTTP_STATUS, HttpError, type HttpErrorCode } from './errors.ts';
import { useAuth } from './auth/hooks.ts';
import type { ApiAppOptions, ApiDeps } from './deps.ts';
import { useTypeBoxValidation } from './validation.ts';
import { collectRoutes, registerOpenApi } from './openapi.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerTerminalRoutes } from './routes/terminals.ts';
import { registerTrustRoutes } from './routes/trust.ts';
import { registerOpsRoutes } from './routes/ops.ts';
import { registerDataRoutes } from './routes/data.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerWeb } from './routes/web.ts';
import { startFrameSampler } from './events/sampler.ts';

function codeOf(err: FastifyError): HttpErrorCode {
  const s = err.statusCode ?? 500;
  if (err.validation !== undefined || s === 400 || s === 413 || s === 415) return 'BAD_REQUEST';
  if (s === 404) return 'NOT_FOUND';
  if (s === 429) return 'RATE_LIMITED';
  return 'INTERNAL';
}

function useErrors(app: FastifyInstance, log: (l: string) => void): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    const code = err instanceof HttpError ? err.code : codeOf(err);
    if (code === 'INTERNAL') log(`api: ${req.method} ${req.url} failed: ${err.message}`);
    const body: { error: string; message: string; hint?: string } = {
      error: code,
      message: code === 'INTERNAL' ? 'internal error' : err.message,
    };
    if (err instanceof HttpError && err.hint !== undefined) body.hint = err.hint;
    void reply.status(HTTP_STATUS[code]).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({
      error: 'NOT_FOUND',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
      hint: 'see /api/v1/openapi.json',
    });
  });
}

/** Builds the app (no socket: tests use `inject`). */
export function buildApiApp(deps: ApiDeps, opts: ApiAppOptions = {}): FastifyInstance {
  const app = Fastify({
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    ...(opts.https !== undefined ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  useTypeBoxValidation(app);
  const routes = collectRoutes(app);
  useAuth(app, {
    auth: deps.auth,
    audit: (e) =>
      void deps.store
        .appendAudit([
          {
            at: deps.now() as never,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            details: { status: e.status },
          },
        ])
        .catch((err: unknown) => deps.log(`api: audit append failed: ${String(err)}`)),
  });
  useErrors(app, (l) => deps.log(l));
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.url.startsWith('/api/'))
      void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
  registerOpsRoutes(app, deps, opts);
  registerSessionRoutes(app, deps, opts);
  registerTerminalRoutes(app, deps);
  registerTrustRoutes(app, deps);
  const sampler = startFrameSampler(deps);
  app.addHook('onClose', (_app, done) => {
    sampler.stop();
    done();
  });
  registerDataRoutes(app, deps, sampler);
  registerEventRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerOpenApi(app, routes);
  if (opts.webDir !== undefined) registerWeb(app, opts.webDir);
  return app;
}
