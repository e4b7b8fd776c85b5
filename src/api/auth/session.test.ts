// Sessions: cookie attributes, CSRF on mutating requests, session fixation, lockout, rate limit, sign-out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BAD, PASSWORD, createFixture, type Fixture } from '../app.fixture.ts';
import { hashPassword, verifyPassword } from './password.ts';

const login = (f: Fixture, username: string, password: string, headers: Record<string, string> = {}) =>
  f.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, headers });

describe('sessions', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await createFixture();
  });
  afterEach(() => f.app.close());

  it('sets an HttpOnly SameSite=Strict cookie and returns the role and a CSRF token', async () => {
    const r = await login(f, 'operator', PASSWORD);
    expect(r.statusCode).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(
      /^gt_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(r.json()).toMatchObject({ username: 'operator', role: 'operator', csrfToken: expect.any(String) });
  });

  it('refuses a mutating request without the CSRF token, accepts it with the token', async () => {
    const s = await f.signIn('operator');
    const req = (h: Record<string, string>) =>
      f.app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${BAD}/reinstate`,
        payload: { reason: 'checked on site' },
        headers: { cookie: s.cookie, ...h },
      });
    expect((await req({})).json()).toMatchObject({ error: 'CSRF' });
    expect((await req({ 'x-csrf-token': 'x'.repeat(s.csrf.length) })).statusCode).toBe(403);
    const ok = await req({ 'x-csrf-token': s.csrf });
    expect(ok.json()).toEqual({ terminal: BAD, status: 'active' });
    expect(f.reinstated).toEqual([BAD]);
  });

  it('never promotes a session id planted before sign-in (fixation) and ends the old one', async () => {
    const before = await f.signIn('viewer');
    const r = await login(f, 'admin', PASSWORD, { cookie: before.cookie });
    const after = String(r.headers['set-cookie']).split(';')[0];
    expect(after).not.toBe(before.cookie);
    expect(
      (await f.app.inject({ url: '/api/v1/session', headers: { cookie: before.cookie } })).statusCode,
    ).toBe(401);
    expect((await f.app.inject({ url: '/api/v1/users', headers: { cookie: after ?? '' } })).statusCode).toBe(
      200,
    );
    const planted = 'gt_session=attacker-chosen-value';
    const r2 = await login(f, 'viewer', PASSWORD, { cookie: planted });
    expect(String(r2.headers['set-cookie'])).not.toContain('attacker-chosen-value');
  });

  it('signs out: the cookie no longer works', async () => {
    const s = await f.signIn('viewer');
    const out = await f.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.json()).toEqual({ signedOut: true });
    expect((await f.app.inject({ url: '/api/v1/terminals', headers: { cookie: s.cookie } })).statusCode).toBe(
      401,
    );
  });

  it('locks an account after 5 wrong passwords (423), even for the right one, until the lock ends', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login(f, 'viewer', 'wrong password!', { 'x-forwarded-for': String(i) })).statusCode).toBe(
        401,
      );
    const locked = await login(f, 'viewer', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ error: 'LOCKED' });
    f.clock.advance(16 * 60_000);
    expect((await login(f, 'viewer', PASSWORD)).statusCode).toBe(200);
  });

  it('rate-limits sign-in attempts per client (429 with retry-after)', async () => {
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await login(f, `nobody${i}`, 'wrong password!')).statusCode;
    expect(last).toBe(429);
    f.clock.advance(61_000);
    expect((await login(f, 'admin', PASSWORD)).statusCode).toBe(200);
  });

  it('answers the same for an unknown user and a wrong password; a disabled user cannot sign in', async () => {
    expect((await login(f, 'ghost', PASSWORD)).json()).toEqual(
      (await login(f, 'viewer', 'wrong password!')).json(),
    );
    const s = await f.signIn('viewer');
    f.auth.disableUser('viewer');
    expect((await login(f, 'viewer', PASSWORD)).statusCode).toBe(401);
    expect((await f.app.inject({ url: '/api/v1/terminals', headers: { cookie: s.cookie } })).statusCode).toBe(
      401,
    );
  });

  it('refuses unknown body fields instead of stripping them', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'admin', password: PASSWORD, admin: true },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'BAD_REQUEST' });
  });
});

describe('password hashes', () => {
  it('scrypt round trip; a wrong password, a flipped hash and garbage fail', async () => {
    const h = await hashPassword('a good passphrase', { N: 1024, r: 8, p: 1 });
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('a good passphrase', h)).toBe(true);
    expect(await verifyPassword('a good passphrasE', h)).toBe(false);
    const flipped = h.slice(0, -2) + (h.endsWith('A') ? 'B' : 'A') + h.slice(-1);
    expect(await verifyPassword('a good passphrase', flipped)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});
