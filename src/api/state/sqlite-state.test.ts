// The SQLite state keeps users, tokens and the trust history across a reopen (a platform restart).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthService } from '../auth/auth-service.ts';
import { openSqliteApiState } from './sqlite-state.ts';

describe('sqlite api state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-api-state-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a reopen: users, tokens, trust history (newest first, pruned past retainCycles)', async () => {
    const path = join(dir, 'api.db');
    const s1 = openSqliteApiState({ path, retainCycles: 3 });
    const a1 = createAuthService({ state: s1, now: () => 1000, scrypt: { N: 1024, r: 8, p: 1 } });
    await a1.addUser({ username: 'alice', role: 'operator', password: 'long enough pw' });
    const { token } = a1.createToken({ name: 'ci', role: 'viewer' });
    for (let c = 1; c <= 5; c++)
      s1.appendTrust([
        { terminal: 'aa', cycle: c, score: c / 10, decision: { cycle: c, explanation: { reasons: [] } } },
      ]);
    s1.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const s2 = openSqliteApiState({ path, retainCycles: 3 });
    const a2 = createAuthService({ state: s2, now: () => 2000 });
    expect(a2.listUsers()).toMatchObject([{ username: 'alice', role: 'operator' }]);
    expect(a2.token(token)).toMatchObject({ role: 'viewer', actor: 'token:ci' });
    expect((await a2.login('alice', 'long enough pw', 'c')).ok).toBe(true);
    expect(s2.trustHistory('aa', 10).map((e) => e.cycle)).toEqual([5, 4, 3, 2]);
    expect(s2.latestTrust()).toEqual([
      { terminal: 'aa', cycle: 5, score: 0.5, decision: { cycle: 5, explanation: { reasons: [] } } },
    ]);
    s2.close();
  });
});
