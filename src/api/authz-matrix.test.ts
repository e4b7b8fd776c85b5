// The authorisation matrix: every route × {no credentials, each role, a wrong token, an expired
// session} gets the expected status. A route missing from ACCESS fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { allows, ROLES, type Access } from './auth/roles.ts';
import { BAD, METER, PASSWORD, createFixture, type Fixture } from './app.fixture.ts';
import { toOpenApi } from './openapi.ts';

/** Every route and the least role it needs: the table a new route must be placed in. */
const ACCESS: Record<string, Access> = {
  'GET /health': 'public',
  'GET /metrics': 'public',
  'GET /readings': 'viewer',
  'POST /api/v1/session': 'public',
  'GET /api/v1/session': 'viewer',
  'DELETE /api/v1/session': 'viewer',
  'GET /api/v1/terminals': 'viewer',
  'GET /api/v1/terminals/:id': 'viewer',
  'GET /api/v1/fusion-terminals': 'viewer',
  'GET /api/v1/terminals/:id/trust': 'viewer',
  'GET /api/v1/trust': 'viewer',
  'GET /api/v1/quarantine': 'viewer',
  'POST /api/v1/terminals/:id/reinstate': 'operator',
  'GET /api/v1/terminals/:id/readings': 'viewer',
  'GET /api/v1/readings/aggregate': 'viewer',
  'GET /api/v1/audit': 'viewer',
  'GET /api/v1/audit/verify': 'viewer',
  'GET /api/v1/rejects': 'viewer',
  'GET /api/v1/metrics': 'viewer',
  'GET /api/v1/events': 'viewer',
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'POST /api/v1/users/:name/disable': 'admin',
  'GET /api/v1/tokens': 'admin',
  'POST /api/v1/tokens': 'admin',
  'DELETE /api/v1/tokens/:id': 'admin',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/docs': 'public',
};

/** A concrete request per route (valid input, so an allowed caller gets past validation). */
function requestFor(key: string): InjectOptions {
  const [method, path] = key.split(' ') as [InjectOptions['method'], string];
  const url = path
    .replace(':id/reinstate', `${BAD}/reinstate`)
    .replace('tokens/:id', 'tokens/zzzzzzzz')
    .replace(':id', METER)
    .replace(':name', 'nobody');
  const query: Record<string, string> = {
    '/readings': `?terminal=${METER}`,
    '/api/v1/readings/aggregate': '?from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z',
  };
  const body: Record<string, unknown> = {
    'POST /api/v1/session': { username: 'viewer', password: PASSWORD },
    'POST /api/v1/terminals/:id/reinstate': { reason: 'matrix test' },
    'POST /api/v1/users': { username: 'new-user', role: 'viewer', password: 'a long enough password' },
    'POST /api/v1/tokens': { name: 'matrix', role: 'viewer' },
  };
  return {
    method,
    url: url + (query[path] ?? ''),
    ...(body[key] !== undefined ? { payload: body[key] as object } : {}),
  };
}

describe('authorisation matrix', () => {
  let f: Fixture;
  let expired: { cookie: string; csrf: string };
  beforeAll(async () => {
    f = await createFixture();
    expired = await f.signIn('admin');
  });
  afterAll(() => f.app.close());

  it('places every registered route in the matrix, and every route is in the OpenAPI document', async () => {
    await f.app.ready();
    const doc = (await f.app.inject('/api/v1/openapi.json')).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const documented = Object.entries(doc.paths).flatMap(([p, ms]) =>
      Object.keys(ms).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.sort()).toEqual(Object.keys(ACCESS).sort());
    expect(toOpenApi([]).openapi).toBe('3.1.0');
  });

  for (const [key, need] of Object.entries(ACCESS)) {
    describe(key, () => {
      const headers = (h: Record<string, string>) => ({ ...requestFor(key), headers: h });
      const isEvents = key.endsWith('/events');
      it('without credentials', async () => {
        if (isEvents && need !== 'public') {
          expect((await f.app.inject(headers({}))).statusCode).toBe(401);
          return;
        }
        const r = await f.app.inject(headers({}));
        if (need === 'public') expect([401, 403]).not.toContain(r.statusCode);
        else expect(r.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
      });
      it('with a wrong token and with an expired session', async () => {
        if (need === 'public') return;
        const wrong = await f.app.inject(
          headers({ authorization: 'Bearer gt_notarealtokenatallxxxxxxxxxxxxxxxxxxxxxxx' }),
        );
        expect(wrong.statusCode).toBe(401);
        f.clock.advance(13 * 3600_000);
        const old = await f.app.inject(headers({ cookie: expired.cookie, 'x-csrf-token': expired.csrf }));
        f.clock.advance(-13 * 3600_000);
        expect(old.statusCode).toBe(401);
      });
      for (const role of ROLES) {
        it(`as ${role}`, async () => {
          if (isEvents) return; // a stream: covered by the SSE test
          const r = await f.app.inject(headers({ authorization: `Bearer ${f.tokens[role]}` }));
          if (need === 'public' || allows(role, need)) {
            expect([401, 403]).not.toContain(r.statusCode);
            expect(r.statusCode).toBeLessThan(500);
          } else expect(r.json()).toMatchObject({ error: 'FORBIDDEN' });
          expect(r.statusCode).toBe(need !== 'public' && !allows(role, need) ? 403 : r.statusCode);
        });
      }
    });
  }
});
