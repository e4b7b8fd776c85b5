// The API's own persistent state: users, browser sessions, API tokens and the per-cycle trust history.
import type { Role } from '../auth/roles.ts';

export interface UserRecord {
  readonly username: string;
  readonly role: Role;
  /** `scrypt$N$r$p$salt$hash` (auth/password.ts). Never leaves the api area. */
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: number;
  /** Failed sign-ins since the last success (locks the account at the limit). */
  readonly failedLogins: number;
  /** Unix ms until which sign-in is refused, or 0. */
  readonly lockedUntil: number;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie value: a stolen state file holds no usable session. */
  readonly idHash: string;
  readonly username: string;
  /** The session's CSRF token (sent back in `x-csrf-token` on every mutating request). */
  readonly csrf: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface TokenRecord {
  /** Public id (the token's first characters), what `tokens list` and revoke use. */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** SHA-256 (hex) of the whole token; the token itself is printed once and never stored. */
  readonly hash: string;
  readonly createdAt: number;
  /** Unix ms, or null for no expiry. */
  readonly expiresAt: number | null;
  readonly revoked: boolean;
}

/** One terminal's trust decision in one cycle, as the trust monitor made it. */
export interface TrustHistoryEntry {
  readonly terminal: string;
  readonly cycle: number;
  /** Combined trust in [0, 1], or null once quarantined (no longer scored). */
  readonly score: number | null;
  /** The decision as the engine gave it (components, flag, explanations when present). */
  readonly decision: Readonly<Record<string, unknown>>;
}

/** Users, sessions and tokens (every method may hit the disk). */
export interface AuthState {
  putUser(u: UserRecord): void;
  getUser(username: string): UserRecord | undefined;
  listUsers(): UserRecord[];
  putSession(s: SessionRecord): void;
  getSession(idHash: string): SessionRecord | undefined;
  deleteSession(idHash: string): void;
  /** Ends every session of a user (password change, disable). */
  deleteSessionsOf(username: string): void;
  putToken(t: TokenRecord): void;
  getTokenByHash(hash: string): TokenRecord | undefined;
  listTokens(): TokenRecord[];
}

/** Per-cycle trust history (kept for `retainCycles` cycles per terminal). */
export interface TrustHistoryState {
  appendTrust(entries: readonly TrustHistoryEntry[]): void;
  /** Newest first, at most `limit`. */
  trustHistory(terminal: string, limit: number): TrustHistoryEntry[];
  /** The newest entry of every terminal. */
  latestTrust(): TrustHistoryEntry[];
}

export interface ApiState extends AuthState, TrustHistoryState {
  close(): void;
}
