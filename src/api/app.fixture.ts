// Test fixture: an API app over the memory store with a small fleet, trust history, one user per role
// and one token per role (cheap scrypt cost: these hashes guard nothing).
import type { FastifyInstance } from 'fastify';
import { createManualClock, type ManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import { createMemoryStore } from '../storage/index.ts';
import { buildApiApp } from './app.ts';
import { createAuthService, type AuthService } from './auth/auth-service.ts';
import { ROLES, type Role } from './auth/roles.ts';
import type { ApiDeps } from './deps.ts';
import { createEventHub } from './events/hub.ts';
import { createMemoryApiState } from './state/memory-state.ts';

export const FUSION = '4754530000000001' as TerminalId;
export const METER = '4754530000000002' as TerminalId;
export const BAD = '4754530000000003' as TerminalId;
export const DIRECT = '4754530000000004' as TerminalId;
export const PASSWORD = 'correct horse battery';
const T0 = Date.UTC(2026, 0, 5, 12) as UnixMillis;

export interface Fixture {
  app: FastifyInstance;
  deps: ApiDeps;
  auth: AuthService;
  clock: ManualClock;
  /** A bearer token per role. */
  tokens: Record<Role, string>;
  /** Signs in and returns the cookie header and CSRF token. */
  signIn(role: Role): Promise<{ cookie: string; csrf: string }>;
  reinstated: string[];
}

async function seedStore(clock: ManualClock) {
  const store = await createMemoryStore();
  const t = (
    id: TerminalId,
    type: string,
    fusionTerminal: TerminalId | null,
    status: 'active' | 'quarantined' = 'active',
  ) => ({
    id,
    type,
    fusionTerminal,
    tenant: 1 as never,
    createdAt: clock.now(),
    status,
  });
  await store.addTerminals({
    terminals: [
      t(FUSION, 'fusion', null),
      t(METER, 'smart-meter', FUSION),
      t(BAD, 'smart-socket', FUSION, 'quarantined'),
      t(DIRECT, 'ev-charger', null),
    ],
    keys: [],
    audit: [],
  });
  await store.commitBatch({
    readings: [0, 1, 2].map((i) => ({
      terminal: METER,
      purpose: 1,
      keyVersion: 1,
      fc: i + 1,
      ts: (T0 + i * 900_000) as UnixMillis,
      receivedAt: (T0 + i * 900_000) as UnixMillis,
      activePower: 100 + i,
      voltage: 230,
    })),
    evidenceDeltas: [{ terminal: BAD, cycle: 7, requests: 10, replies: 3, integrityFailures: 4 }],
  });
  return store;
}

/** Builds the fixture app (no socket). */
export async function createFixture(): Promise<Fixture> {
  const clock = createManualClock(T0);
  const store = await seedStore(clock);
  const state = createMemoryApiState();
  state.appendTrust([
    {
      terminal: METER,
      cycle: 6,
      score: 0.93,
      decision: {
        terminal: METER,
        cycle: 6,
        trust: 0.93,
        components: { stm: 1, dtm: 0.9, etm: 0.88 },
        quarantined: false,
        flag: null,
      },
    },
    {
      terminal: METER,
      cycle: 7,
      score: 0.91,
      decision: {
        terminal: METER,
        cycle: 7,
        trust: 0.91,
        components: { stm: 1, dtm: 0.87, etm: 0.9 },
        quarantined: false,
        flag: null,
      },
    },
    {
      terminal: BAD,
      cycle: 7,
      score: 0.31,
      decision: {
        terminal: BAD,
        cycle: 7,
        trust: 0.31,
        components: { stm: 1, dtm: 0.2, etm: 0.5 },
        quarantined: true,
        flag: { reason: 'LOW_TRUST', detail: 'dtm 0.20 below 0.5' },
      },
    },
  ]);
  const auth = createAuthService({ state, now: () => clock.now(), scrypt: { N: 1024, r: 8, p: 1 } });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await auth.addUser({ username: role, role, password: PASSWORD });
    tokens[role] = auth.createToken({ name: `t-${role}`, role }).token;
  }
  const reinstated: string[] = [];
  const deps: ApiDeps = {
    health: () => ({ status: 'ok' }),
    metricsText: () => 'gt_frames_accepted_total 3\n',
    store,
    auth,
    trust: state,
    events: createEventHub(),
    ingestStats: () => ({ accepted: 3, rejected: { BAD_TAG: 1 } }),
    reinstate: async (id, actor, reason) => {
      reinstated.push(id);
      return store.setTerminalStatus({
        id: id as TerminalId,
        status: 'active',
        at: clock.now(),
        actor,
        reason,
      });
    },
    lastSeen: (id) => (id === METER ? T0 + 1800_000 : undefined),
    now: () => clock.now(),
    log: () => undefined,
  };
  const app = buildApiApp(deps);
  const signIn = async (role: Role) => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: role, password: PASSWORD },
    });
    const set = String(r.headers['set-cookie']);
    return { cookie: set.split(';')[0] ?? '', csrf: r.json<{ csrfToken: string }>().csrfToken };
  };
  return { app, deps, auth, clock, tokens, signIn, reinstated };
}
