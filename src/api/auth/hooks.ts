// Authentication (bearer token or session cookie), role checks, CSRF on mutating session requests,
// and the audit record of every mutating request — as Fastify hooks driven by each route's `access`.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import type { AuthService, Principal } from './auth-service.ts';
import { allows, type Access } from './roles.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every route must say (the authorisation matrix test enumerates them). */
    access?: Access;
  }
  interface FastifySchema {
    /** One line for the OpenAPI document and the reference page. */
    summary?: string;
    tags?: string[];
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export const SESSION_COOKIE = 'gt_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie in a Cookie header (RFC 6265 §5.4), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function principalOf(auth: AuthService, req: FastifyRequest): Principal | undefined {
  const h = req.headers.authorization;
  if (h !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m?.[1] === undefined ? undefined : auth.token(m[1]);
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  return cookie === undefined ? undefined : auth.session(cookie);
}

function csrfOk(p: Principal, sent: string | string[] | undefined): boolean {
  if (p.kind !== 'session') return true; // a bearer token is not sent by the browser on its own
  if (typeof sent !== 'string' || p.csrf === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(p.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the audit hook writes through. */
export type AuditSink = (e: { actor: string; action: string; subject: string; status: number }) => void;

/** Installs the hooks. A route without `access` is refused at registration. */
export function useAuth(app: FastifyInstance, o: { auth: AuthService; audit: AuditSink }): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (r) => {
    if (r.config?.access === undefined && !r.url.startsWith('*'))
      throw new Error(`route ${String(r.method)} ${r.url} has no access level`);
  });
  const authorize = (req: FastifyRequest): void => {
    const access = req.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const p = principalOf(o.auth, req);
    if (p === undefined)
      throw new HttpError(
        'UNAUTHENTICATED',
        'sign in or send Authorization: Bearer <token>',
        'POST /api/v1/session, or gridtrust tokens create',
      );
    req.principal = p;
    if (!allows(p.role, access))
      throw new HttpError('FORBIDDEN', `this needs the ${access} role (you have ${p.role})`);
    if (!SAFE.has(req.method) && !csrfOk(p, req.headers[CSRF_HEADER]))
      throw new HttpError(
        'CSRF',
        `missing or wrong ${CSRF_HEADER} header`,
        'send the csrfToken from GET /api/v1/session',
      );
  };
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      authorize(req);
      done();
    } catch (e) {
      done(e as Error);
    }
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (SAFE.has(req.method) || req.routeOptions.url === undefined) return done();
    const actor = req.principal?.actor ?? 'anonymous';
    const params = req.params as Record<string, string> | undefined;
    o.audit({
      actor,
      action: `api.${req.method} ${req.routeOptions.url}`,
      subject: params?.id ?? params?.name ?? '-',
      status: reply.statusCode,
    });
    done();
  });
}
