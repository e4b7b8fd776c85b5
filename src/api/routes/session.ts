// Browser sessions: sign in (sets an HttpOnly SameSite=Strict cookie, returns the CSRF token), who am I, sign out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HttpError } from '../errors.ts';
import { SESSION_COOKIE, readCookie } from '../auth/hooks.ts';
import type { ApiAppOptions, ApiDeps } from '../deps.ts';
import { withErrors } from '../schemas.ts';

const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
const SessionView = Type.Object({
  username: Type.String(),
  role: Type.String(),
  csrfToken: Type.String({ description: 'send as x-csrf-token on every mutating request' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});

function setCookie(reply: FastifyReply, value: string, o: { secure: boolean; maxAgeS: number }): void {
  const attrs = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${o.maxAgeS}`,
  ];
  if (o.secure) attrs.push('Secure');
  void reply.header('set-cookie', attrs.join('; '));
}

export function registerSessionRoutes(app: FastifyInstance, deps: ApiDeps, opts: ApiAppOptions): void {
  const secure = opts.secureCookies ?? false;
  app.post<{ Body: Static<typeof Login> }>(
    '/api/v1/session',
    {
      config: { access: 'public' },
      schema: {
        summary: 'sign in (rate-limited; locks after repeated failures)',
        tags: ['session'],
        body: Login,
        response: withErrors({ 200: SessionView }),
      },
    },
    async (req, reply) => {
      // an old session presented at sign-in ends: its id is never carried into the new one
      const old = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (old !== undefined) deps.auth.logout(old);
      const r = await deps.auth.login(req.body.username, req.body.password, req.ip);
      req.principal = { kind: 'session', actor: `user:${req.body.username}`, role: 'viewer' };
      if (!r.ok) {
        if (r.retryAfterS !== undefined) void reply.header('retry-after', String(r.retryAfterS));
        if (r.code === 'UNAUTHENTICATED') throw new HttpError(r.code, 'wrong username or password');
        throw new HttpError(
          r.code,
          r.code === 'LOCKED'
            ? 'this account is locked after repeated failures'
            : 'too many sign-in attempts',
          `retry in ${r.retryAfterS ?? 60} s`,
        );
      }
      setCookie(reply, r.cookie, { secure, maxAgeS: Math.floor((r.expiresAt - deps.now()) / 1000) });
      return {
        username: r.username,
        role: r.role,
        csrfToken: r.csrf,
        expiresAt: new Date(r.expiresAt).toISOString(),
      };
    },
  );
  app.get(
    '/api/v1/session',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'the signed-in user, role and CSRF token',
        tags: ['session'],
        response: withErrors({ 200: SessionView }),
      },
    },
    (req) => {
      const p = req.principal;
      if (p === undefined) throw new HttpError('UNAUTHENTICATED', 'not signed in');
      return { username: p.actor.replace(/^(user|token):/, ''), role: p.role, csrfToken: p.csrf ?? '' };
    },
  );
  app.delete(
    '/api/v1/session',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'sign out',
        tags: ['session'],
        response: withErrors({ 200: Type.Object({ signedOut: Type.Boolean() }) }),
      },
    },
    (req, reply) => {
      const c = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (c !== undefined) deps.auth.logout(c);
      setCookie(reply, '', { secure, maxAgeS: 0 });
      return { signedOut: true };
    },
  );
}
