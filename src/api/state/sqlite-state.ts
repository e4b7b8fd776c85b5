// ApiState in its own SQLite file (`api.db` in the data dir, mode 0600): users, sessions, tokens, trust history.
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ApiError } from '../errors.ts';
import { isRole, type Role } from '../auth/roles.ts';
import type { ApiState, SessionRecord, TokenRecord, TrustHistoryEntry, UserRecord } from './port.ts';

/** The state file's name inside the data directory. */
export const API_STATE_FILE = 'api.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, disabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL, failed_logins INTEGER NOT NULL, locked_until INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY, username TEXT NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER, revoked INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS trust_history (
  terminal TEXT NOT NULL, cycle INTEGER NOT NULL, score REAL, decision TEXT NOT NULL,
  PRIMARY KEY (terminal, cycle)) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trust_history_cycle ON trust_history (cycle);
`;

interface UserRow {
  username: string;
  role: string;
  password_hash: string;
  disabled: number;
  created_at: number;
  failed_logins: number;
  locked_until: number;
}
interface TokenRow {
  hash: string;
  id: string;
  name: string;
  role: string;
  created_at: number;
  expires_at: number | null;
  revoked: number;
}
interface SessionRow {
  id_hash: string;
  username: string;
  csrf: string;
  created_at: number;
  expires_at: number;
}
interface TrustRow {
  terminal: string;
  cycle: number;
  score: number | null;
  decision: string;
}

const roleOf = (s: string): Role => (isRole(s) ? s : 'viewer');
const toUser = (r: UserRow): UserRecord => ({
  username: r.username,
  role: roleOf(r.role),
  passwordHash: r.password_hash,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
});
const toToken = (r: TokenRow): TokenRecord => ({
  id: r.id,
  name: r.name,
  role: roleOf(r.role),
  hash: r.hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revoked: r.revoked === 1,
});
const toTrust = (r: TrustRow): TrustHistoryEntry => ({
  terminal: r.terminal,
  cycle: r.cycle,
  score: r.score,
  decision: JSON.parse(r.decision) as Record<string, unknown>,
});

function open(path: string): Database.Database {
  try {
    const db = new Database(path);
    chmodSync(path, 0o600); // password hashes and session hashes: owner only
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return db;
  } catch (cause) {
    throw new ApiError('GT_ERR_API_STATE', `cannot open the API state file ${path}`, {
      hint: 'check that the data directory is writable and not used by a newer gridtrust',
      cause,
    });
  }
}

/** Options of {@link openSqliteApiState}. */
export interface SqliteApiStateOptions {
  path: string;
  /** Trust history kept per terminal, in cycles. @default 2000 */
  retainCycles?: number;
}

/** Opens (creating) the API state file. Synchronous statements: every table is small and indexed. */
export function openSqliteApiState(o: SqliteApiStateOptions): ApiState {
  const db = open(o.path);
  const retain = o.retainCycles ?? 2000;
  const q = {
    putUser: db.prepare(`INSERT OR REPLACE INTO users VALUES
      (@username, @role, @password_hash, @disabled, @created_at, @failed_logins, @locked_until)`),
    getUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
    listUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username'),
    putSession: db.prepare('INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?)'),
    getSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id_hash = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE username = ?'),
    putToken: db.prepare('INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?)'),
    getToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at'),
    putTrust: db.prepare('INSERT OR REPLACE INTO trust_history VALUES (?, ?, ?, ?)'),
    pruneTrust: db.prepare('DELETE FROM trust_history WHERE cycle < ?'),
    history: db.prepare<[string, number], TrustRow>(
      'SELECT * FROM trust_history WHERE terminal = ? ORDER BY cycle DESC LIMIT ?',
    ),
    latest: db.prepare<[], TrustRow>(`SELECT t.* FROM trust_history t JOIN
      (SELECT terminal, max(cycle) AS c FROM trust_history GROUP BY terminal) m
      ON t.terminal = m.terminal AND t.cycle = m.c`),
  };
  const appendTrust = db.transaction((entries: readonly TrustHistoryEntry[]) => {
    let newest = -Infinity;
    for (const e of entries) {
      q.putTrust.run(e.terminal, e.cycle, e.score, JSON.stringify(e.decision));
      newest = Math.max(newest, e.cycle);
    }
    if (Number.isFinite(newest)) q.pruneTrust.run(newest - retain);
  });
  return {
    putUser: (u) =>
      void q.putUser.run({
        username: u.username,
        role: u.role,
        password_hash: u.passwordHash,
        disabled: u.disabled ? 1 : 0,
        created_at: u.createdAt,
        failed_logins: u.failedLogins,
        locked_until: u.lockedUntil,
      }),
    getUser: (n) => {
      const r = q.getUser.get(n);
      return r === undefined ? undefined : toUser(r);
    },
    listUsers: () => q.listUsers.all().map(toUser),
    putSession: (s) => void q.putSession.run(s.idHash, s.username, s.csrf, s.createdAt, s.expiresAt),
    getSession: (h): SessionRecord | undefined => {
      const r = q.getSession.get(h);
      if (r === undefined) return undefined;
      return {
        idHash: r.id_hash,
        username: r.username,
        csrf: r.csrf,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      };
    },
    deleteSession: (h) => void q.deleteSession.run(h),
    deleteSessionsOf: (n) => void q.deleteSessionsOf.run(n),
    putToken: (t) =>
      void q.putToken.run(t.hash, t.id, t.name, t.role, t.createdAt, t.expiresAt, t.revoked ? 1 : 0),
    getTokenByHash: (h) => {
      const r = q.getToken.get(h);
      return r === undefined ? undefined : toToken(r);
    },
    listTokens: () => q.listTokens.all().map(toToken),
    appendTrust: (entries) => appendTrust(entries),
    trustHistory: (t, limit) => q.history.all(t, limit).map(toTrust),
    latestTrust: () => q.latest.all().map(toTrust),
    close: () => db.close(),
  };
}
