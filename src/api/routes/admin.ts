// Users and API tokens over HTTP (admin only); the CLI does the same on the data dir.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError, HttpError } from '../errors.ts';
import type { ApiDeps } from '../deps.ts';
import { ROLES } from '../auth/roles.ts';
import { withErrors } from '../schemas.ts';

const RoleT = Type.Union(ROLES.map((r) => Type.Literal(r)));
const User = Type.Object({
  username: Type.String(),
  role: Type.String(),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const NewUser = Type.Object(
  { username: Type.String({ maxLength: 64 }), role: RoleT, password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);
const NameParam = Type.Object(
  { name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }) },
  { additionalProperties: false },
);
const TokenIdParam = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9_-]{8}$' }) },
  { additionalProperties: false },
);
const Token = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked: Type.Boolean(),
  expired: Type.Boolean(),
});
const NewToken = Type.Object(
  {
    name: Type.String({ maxLength: 64 }),
    role: RoleT,
    ttlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

const iso = (ms: number): string => new Date(ms).toISOString();
const userView = (u: {
  username: string;
  role: string;
  disabled: boolean;
  locked: boolean;
  createdAt: number;
}) => ({ ...u, createdAt: iso(u.createdAt) });

/** User-input faults of the auth service become 400 (or 404 for an unknown user). */
async function asHttp<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ApiError)
      throw new HttpError(e.message.startsWith('no user') ? 'NOT_FOUND' : 'BAD_REQUEST', e.message, e.hint);
    throw e;
  }
}

export function registerAdminRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const a = deps.auth;
  app.get(
    '/api/v1/users',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'users (never their hashes)',
        tags: ['admin'],
        response: withErrors({ 200: Type.Object({ users: Type.Array(User) }) }),
      },
    },
    () => ({ users: a.listUsers().map(userView) }),
  );
  app.post<{ Body: Static<typeof NewUser> }>(
    '/api/v1/users',
    {
      config: { access: 'admin' },
      schema: { summary: 'add a user', tags: ['admin'], body: NewUser, response: withErrors({ 200: User }) },
    },
    async (req) => userView(await asHttp(() => a.addUser(req.body))),
  );
  app.post<{ Params: Static<typeof NameParam> }>(
    '/api/v1/users/:name/disable',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'disable a user and end their sessions',
        tags: ['admin'],
        params: NameParam,
        response: withErrors({ 200: User }),
      },
    },
    async (req) => userView(await asHttp(() => a.disableUser(req.params.name))),
  );
  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'API tokens (ids and names; never the tokens)',
        tags: ['admin'],
        response: withErrors({ 200: Type.Object({ tokens: Type.Array(Token) }) }),
      },
    },
    () => ({
      tokens: a.listTokens().map((t) => ({
        ...t,
        createdAt: iso(t.createdAt),
        expiresAt: t.expiresAt === null ? null : iso(t.expiresAt),
      })),
    }),
  );
  app.post<{ Body: Static<typeof NewToken> }>(
    '/api/v1/tokens',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'create a token (shown once)',
        tags: ['admin'],
        body: NewToken,
        response: withErrors({
          200: Type.Object({
            token: Type.String(),
            id: Type.String(),
            name: Type.String(),
            role: Type.String(),
          }),
        }),
      },
    },
    async (req) => {
      const t = await asHttp(() =>
        a.createToken({
          name: req.body.name,
          role: req.body.role,
          ...(req.body.ttlDays ? { ttlMs: req.body.ttlDays * 86400_000 } : {}),
        }),
      );
      return { token: t.token, id: t.id, name: t.name, role: t.role };
    },
  );
  app.delete<{ Params: Static<typeof TokenIdParam> }>(
    '/api/v1/tokens/:id',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'revoke a token',
        tags: ['admin'],
        params: TokenIdParam,
        response: withErrors({ 200: Type.Object({ revoked: Type.Boolean() }) }),
      },
    },
    (req) => {
      if (!a.revokeToken(req.params.id)) throw new HttpError('NOT_FOUND', `no token ${req.params.id}`);
      return { revoked: true };
    },
  );
}
