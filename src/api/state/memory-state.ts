// In-memory ApiState: the reference the SQLite adapter is tested against, and what unit tests use.
import type { ApiState, SessionRecord, TokenRecord, TrustHistoryEntry, UserRecord } from './port.ts';

export function createMemoryApiState(): ApiState {
  const users = new Map<string, UserRecord>();
  const sessions = new Map<string, SessionRecord>();
  const tokens = new Map<string, TokenRecord>();
  const trust = new Map<string, TrustHistoryEntry[]>();
  return {
    putUser: (u) => void users.set(u.username, u),
    getUser: (n) => users.get(n),
    listUsers: () => [...users.values()].sort((a, b) => a.username.localeCompare(b.username)),
    putSession: (s) => void sessions.set(s.idHash, s),
    getSession: (h) => sessions.get(h),
    deleteSession: (h) => void sessions.delete(h),
    deleteSessionsOf: (n) => {
      for (const [h, s] of sessions) if (s.username === n) sessions.delete(h);
    },
    putToken: (t) => void tokens.set(t.hash, t),
    getTokenByHash: (h) => tokens.get(h),
    listTokens: () => [...tokens.values()].sort((a, b) => a.createdAt - b.createdAt),
    appendTrust: (entries) => {
      for (const e of entries) {
        const list = trust.get(e.terminal) ?? [];
        const i = list.findIndex((x) => x.cycle === e.cycle);
        if (i >= 0) list[i] = e;
        else list.push(e);
        list.sort((a, b) => a.cycle - b.cycle);
        trust.set(e.terminal, list);
      }
    },
    trustHistory: (t, limit) => [...(trust.get(t) ?? [])].reverse().slice(0, limit),
    latestTrust: () => [...trust.values()].flatMap((l) => l.slice(-1)),
    close: () => undefined,
  };
}
