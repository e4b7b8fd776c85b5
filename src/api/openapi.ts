// The OpenAPI 3.1 document, built from the routes as registered (so every route is in it), and a
// browsable reference page generated from that document (no scripts, no CDN).
import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { Access } from './auth/roles.ts';
import { ErrorBody } from './schemas.ts';

/** One registered route as the document describes it. */
export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
  summary: string;
  tag: string;
  schema: { querystring?: TSchema; params?: TSchema; body?: TSchema; response?: Record<string, TSchema> };
}

/** Records every route registered from now on (HEAD twins of GET are left out). */
export function collectRoutes(app: FastifyInstance): RouteInfo[] {
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) {
      if (m === 'HEAD' || r.url.startsWith('*')) continue;
      const schema = (r.schema ?? {}) as RouteInfo['schema'] & { summary?: string; tags?: string[] };
      routes.push({
        method: m,
        url: r.url,
        access: r.config?.access ?? 'public',
        summary: schema.summary ?? '',
        tag: schema.tags?.[0] ?? 'other',
        schema,
      });
    }
  });
  return routes;
}

function strip(s: TSchema): unknown {
  return JSON.parse(JSON.stringify(s)) as unknown;
}

function parameters(r: RouteInfo): unknown[] {
  const out: unknown[] = [];
  for (const [where, s] of [
    ['path', r.schema.params],
    ['query', r.schema.querystring],
  ] as const) {
    const props = (s as { properties?: Record<string, TSchema>; required?: string[] } | undefined) ?? {};
    for (const [name, p] of Object.entries(props.properties ?? {}))
      out.push({
        name,
        in: where,
        required: where === 'path' || (props.required ?? []).includes(name),
        schema: strip(p),
      });
  }
  return out;
}

function operation(r: RouteInfo): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, s] of Object.entries(r.schema.response ?? {}))
    responses[status.toUpperCase()] = {
      description: status.startsWith('2') ? 'ok' : 'error: { error, message, hint? }',
      content: {
        [status === '200' && r.tag === 'ops' && r.url === '/metrics' ? 'text/plain' : 'application/json']: {
          schema: strip(s),
        },
      },
    };
  if (Object.keys(responses).length === 0) responses['200'] = { description: 'ok' };
  return {
    summary: r.summary,
    tags: [r.tag],
    'x-access': r.access,
    security: r.access === 'public' ? [] : [{ bearer: [] }, { session: [] }],
    parameters: parameters(r),
    ...(r.schema.body !== undefined
      ? { requestBody: { required: true, content: { 'application/json': { schema: strip(r.schema.body) } } } }
      : {}),
    responses,
  };
}

/** The document for the given routes. */
export function toOpenApi(routes: readonly RouteInfo[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[p] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'gridtrust API',
      version: '1',
      description:
        'Roles: viewer < operator | security-officer < admin. x-access names the least role of each operation.',
    },
    paths,
    components: {
      schemas: { ErrorBody: strip(ErrorBody) },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'gridtrust tokens create --role R --name N' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'gt_session',
          description: 'POST /api/v1/session; mutating requests also send x-csrf-token',
        },
      },
    },
  };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The reference page: one section per operation with its access and schemas. */
export function toReferenceHtml(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  const ops = Object.entries(paths).flatMap(([p, ms]) =>
    Object.entries(ms).map(([m, op]) => {
      const body = JSON.stringify(
        { parameters: op.parameters, requestBody: op.requestBody, responses: op.responses },
        null,
        2,
      );
      return `<section><h2><code>${m.toUpperCase()} ${esc(p)}</code></h2><p>${esc(String(op.summary))} — access: <b>${esc(String(op['x-access']))}</b></p><details><summary>schemas</summary><pre>${esc(body)}</pre></details></section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>gridtrust API reference</title><style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}pre{overflow:auto;background:#8881;padding:.5rem}h2{font-size:1rem}@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}}</style></head><body><h1>gridtrust API reference</h1><p>OpenAPI 3.1: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. Errors are <code>{ error, message, hint? }</code>.</p>${ops.join('')}</body></html>`;
}

/** Serves the document and the page (both public: they describe, they hold no data). */
export function registerOpenApi(app: FastifyInstance, routes: RouteInfo[]): void {
  let doc: Record<string, unknown> | undefined;
  const get = (): Record<string, unknown> => (doc ??= toOpenApi(routes));
  app.get(
    '/api/v1/openapi.json',
    { config: { access: 'public' }, schema: { summary: 'this document', tags: ['meta'] } },
    () => get(),
  );
  app.get(
    '/api/v1/docs',
    { config: { access: 'public' }, schema: { summary: 'the browsable reference', tags: ['meta'] } },
    (_req, reply) => reply.type('text/html; charset=utf-8').send(toReferenceHtml(get())),
  );
}
