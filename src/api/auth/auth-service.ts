// Users, sign-in (rate-limited, locking), browser sessions and API tokens over the ApiState port.
import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { ApiState, UserRecord } from '../state/port.ts';
import { hashPassword, verifyPassword, type ScryptCost } from './password.ts';
import { isRole, type Role } from './roles.ts';

/** Who is calling: what the authorisation hook and the audit record use. */
export interface Principal {
  readonly kind: 'session' | 'token';
  /** `user:<name>` or `token:<name>` — the actor in the audit log. */
  readonly actor: string;
  readonly role: Role;
  /** The session's CSRF token (sessions only). */
  readonly csrf?: string;
}

export type LoginResult =
  | { ok: true; cookie: string; csrf: string; username: string; role: Role; expiresAt: number }
  | { ok: false; code: 'UNAUTHENTICATED' | 'LOCKED' | 'RATE_LIMITED'; retryAfterS?: number };

/** Options of {@link createAuthService}. */
export interface AuthServiceOptions {
  state: ApiState;
  now: () => number;
  /** @default 12 h */
  sessionMs?: number;
  /** Consecutive failures that lock an account. @default 5 */
  maxFailures?: number;
  /** @default 15 min */
  lockMs?: number;
  /** Sign-in attempts per client address and minute. @default 20 */
  attemptsPerMinute?: number;
  scrypt?: ScryptCost;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MIN_PASSWORD = 10;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const TOKEN_PREFIX = 'gt_';

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD || password.length > 1024)
    throw new ApiError('GT_ERR_API_PASSWORD', `a password needs ${MIN_PASSWORD} to 1024 characters`, {
      hint: 'choose a longer passphrase (the file holds the password on its first line)',
    });
}

function checkRole(role: string): Role {
  if (!isRole(role))
    throw new ApiError('GT_ERR_API_ROLE', `unknown role ${JSON.stringify(role)}`, {
      hint: 'use one of viewer, operator, security-officer, admin',
    });
  return role;
}

/** A user as listed (never the hash). */
export interface UserView {
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  locked: boolean;
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Builds the service. Sign-in cost is the same for unknown users (a dummy hash is verified). */
export function createAuthService(o: AuthServiceOptions) {
  const sessionMs = o.sessionMs ?? 12 * 3600_000;
  const maxFailures = o.maxFailures ?? 5;
  const lockMs = o.lockMs ?? 15 * 60_000;
  const perMinute = o.attemptsPerMinute ?? 20;
  const attempts = new Map<string, { start: number; n: number }>();
  let dummy: Promise<string> | undefined;
  const view = (u: UserRecord): UserView => ({
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
    locked: u.lockedUntil > o.now(),
  });
  const mustGet = (username: string): UserRecord => {
    const u = o.state.getUser(username);
    if (u === undefined)
      throw new ApiError('GT_ERR_API_USER', `no user ${JSON.stringify(username)}`, {
        hint: 'see gridtrust users list',
      });
    return u;
  };
  const limited = (client: string): number | undefined => {
    const now = o.now();
    const a = attempts.get(client);
    if (a === undefined || now - a.start >= 60_000) {
      if (attempts.size > 10_000) attempts.clear();
      attempts.set(client, { start: now, n: 1 });
      return undefined;
    }
    a.n++;
    return a.n > perMinute ? Math.ceil((a.start + 60_000 - now) / 1000) : undefined;
  };
  return {
    hasUsers: () => o.state.listUsers().length > 0,
    listUsers: () => o.state.listUsers().map(view),
    async addUser(u: { username: string; role: string; password: string }): Promise<UserView> {
      if (!USERNAME.test(u.username))
        throw new ApiError('GT_ERR_API_USER', `invalid username ${JSON.stringify(u.username)}`, {
          hint: 'lower-case letters, digits, . _ - (at most 64), starting with a letter or digit',
        });
      if (o.state.getUser(u.username) !== undefined)
        throw new ApiError('GT_ERR_API_USER', `user ${u.username} exists already`, {
          hint: 'use gridtrust users passwd to change its password',
        });
      const role = checkRole(u.role);
      checkPassword(u.password);
      const rec: UserRecord = {
        username: u.username,
        role,
        passwordHash: await hashPassword(u.password, o.scrypt),
        disabled: false,
        createdAt: o.now(),
        failedLogins: 0,
        lockedUntil: 0,
      };
      o.state.putUser(rec);
      return view(rec);
    },
    disableUser(username: string): UserView {
      const u = { ...mustGet(username), disabled: true };
      o.state.putUser(u);
      o.state.deleteSessionsOf(username);
      return view(u);
    },
    async setPassword(username: string, password: string): Promise<UserView> {
      checkPassword(password);
      const passwordHash = await hashPassword(password, o.scrypt);
      const u = { ...mustGet(username), passwordHash, failedLogins: 0, lockedUntil: 0 };
      o.state.putUser(u);
      o.state.deleteSessionsOf(username); // sessions made with the old password end
      return view(u);
    },
    async login(username: string, password: string, client: string): Promise<LoginResult> {
      const retryAfterS = limited(client);
      if (retryAfterS !== undefined) return { ok: false, code: 'RATE_LIMITED', retryAfterS };
      const u = o.state.getUser(username);
      if (u !== undefined && u.lockedUntil > o.now())
        return { ok: false, code: 'LOCKED', retryAfterS: Math.ceil((u.lockedUntil - o.now()) / 1000) };
      dummy ??= hashPassword('not a password of anyone', o.scrypt);
      const good = await verifyPassword(password, u?.passwordHash ?? (await dummy));
      if (u === undefined || u.disabled || !good) {
        if (u !== undefined && !good) {
          const failedLogins = u.failedLogins + 1;
          const lockedUntil = failedLogins >= maxFailures ? o.now() + lockMs : 0;
          o.state.putUser({ ...u, failedLogins: lockedUntil > 0 ? 0 : failedLogins, lockedUntil });
        }
        return { ok: false, code: 'UNAUTHENTICATED' };
      }
      if (u.failedLogins > 0) o.state.putUser({ ...u, failedLogins: 0 });
      // a fresh random id at every sign-in: a session id planted before sign-in is never promoted
      const cookie = randomBytes(32).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      const expiresAt = o.now() + sessionMs;
      o.state.putSession({ idHash: sha256(cookie), username, csrf, createdAt: o.now(), expiresAt });
      return { ok: true, cookie, csrf, username, role: u.role, expiresAt };
    },
    session(cookie: string): (Principal & { username: string }) | undefined {
      const h = sha256(cookie);
      const s = o.state.getSession(h);
      if (s === undefined) return undefined;
      const u = o.state.getUser(s.username);
      if (s.expiresAt <= o.now() || u === undefined || u.disabled) {
        o.state.deleteSession(h);
        return undefined;
      }
      return {
        kind: 'session',
        actor: `user:${u.username}`,
        role: u.role,
        csrf: s.csrf,
        username: u.username,
      };
    },
    logout: (cookie: string) => o.state.deleteSession(sha256(cookie)),
    createToken(t: { name: string; role: string; ttlMs?: number }) {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(t.name))
        throw new ApiError('GT_ERR_API_USER', `invalid token name ${JSON.stringify(t.name)}`, {
          hint: 'letters, digits, . _ - (at most 64)',
        });
      const role = checkRole(t.role);
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const id = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + 8);
      const expiresAt = t.ttlMs === undefined ? null : o.now() + t.ttlMs;
      o.state.putToken({
        id,
        name: t.name,
        role,
        hash: sha256(token),
        createdAt: o.now(),
        expiresAt,
        revoked: false,
      });
      return { token, id, name: t.name, role, expiresAt };
    },
    listTokens: () =>
      o.state
        .listTokens()
        .map(({ hash: _h, ...t }) => ({ ...t, expired: t.expiresAt !== null && t.expiresAt <= o.now() })),
    revokeToken(id: string): boolean {
      const t = o.state.listTokens().find((x) => x.id === id);
      if (t === undefined) return false;
      o.state.putToken({ ...t, revoked: true });
      return true;
    },
    token(token: string): Principal | undefined {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      const t = o.state.getTokenByHash(sha256(token));
      if (t === undefined || t.revoked || (t.expiresAt !== null && t.expiresAt <= o.now())) return undefined;
      return { kind: 'token', actor: `token:${t.name}`, role: t.role };
    },
  };
}
