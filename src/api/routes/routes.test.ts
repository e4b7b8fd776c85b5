// The resources answer with their contract's field names (inject, schemas applied).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD, DIRECT, FUSION, METER, createFixture, type Fixture } from '../app.fixture.ts';

describe('api routes', () => {
  let f: Fixture;
  let get: (url: string) => Promise<{ status: number; body: Record<string, unknown> }>;
  beforeAll(async () => {
    f = await createFixture();
    get = async (url) => {
      const r = await f.app.inject({ url, headers: { authorization: `Bearer ${f.tokens.viewer}` } });
      return { status: r.statusCode, body: r.json() };
    };
  });
  afterAll(() => f.app.close());

  it('lists terminals with filters, search and cursor pages', async () => {
    const all = await get('/api/v1/terminals');
    expect(all.body).toMatchObject({ total: 4 });
    expect((all.body.terminals as unknown[])[1]).toEqual({
      id: METER,
      type: 'smart-meter',
      fusionTerminal: FUSION,
      status: 'active',
      trust: 0.91,
      trustBand: 'high',
      lastSeen: '2026-01-05T12:30:00.000Z',
    });
    expect((await get('/api/v1/terminals?status=quarantined')).body).toMatchObject({
      total: 1,
      terminals: [{ id: BAD, trust: 0.31, trustBand: 'low' }],
    });
    expect((await get(`/api/v1/terminals?fusionTerminal=${FUSION}`)).body.total).toBe(2);
    expect((await get('/api/v1/terminals?fusionTerminal=none')).body.total).toBe(2);
    expect((await get('/api/v1/terminals?type=ev-charger')).body).toMatchObject({
      terminals: [{ id: DIRECT, trustBand: 'unscored' }],
    });
    expect((await get('/api/v1/terminals?q=socket')).body.total).toBe(1);
    expect((await get('/api/v1/terminals?trustBand=high')).body.total).toBe(1);
    const p1 = await get('/api/v1/terminals?limit=3');
    expect((p1.body.terminals as unknown[]).length).toBe(3);
    const p2 = await get(`/api/v1/terminals?limit=3&cursor=${String(p1.body.nextCursor)}`);
    expect(p2.body).toMatchObject({ total: 4, terminals: [{ id: DIRECT }] });
    expect(p2.body.nextCursor).toBeUndefined();
    expect((await get('/api/v1/terminals?limit=0')).status).toBe(400);
    expect((await get('/api/v1/terminals?colour=red')).status).toBe(400);
  });

  it('gives a terminal’s trust with factors, reasons and history', async () => {
    const t = await get(`/api/v1/terminals/${BAD}/trust`);
    expect(t.body).toMatchObject({
      terminal: BAD,
      score: 0.31,
      factors: { static: 1, dynamic: 0.2, energy: 0.5 },
      reasons: [{ cycle: 7, code: 'LOW_TRUST', detail: 'dtm 0.20 below 0.5' }],
      history: [{ cycle: 7, score: 0.31, quarantined: true, flag: 'LOW_TRUST' }],
    });
    expect(
      ((await get(`/api/v1/terminals/${METER}/trust`)).body.history as { cycle: number }[]).map(
        (h) => h.cycle,
      ),
    ).toEqual([7, 6]);
    expect((await get('/api/v1/terminals/4754530000000099/trust')).status).toBe(404);
  });

  it('shows the quarantine queue with the flag’s evidence, the fleet summary and fusion terminals', async () => {
    expect((await get('/api/v1/quarantine')).body).toMatchObject({
      terminals: [
        { id: BAD, reason: 'LOW_TRUST', flaggedCycle: 7, evidence: { requests: 10, integrityFailures: 4 } },
      ],
    });
    expect((await get('/api/v1/trust')).body).toMatchObject({
      cycle: 7,
      distribution: { high: 1, low: 1 },
      recentFlags: [{ terminal: BAD, reason: 'LOW_TRUST' }],
    });
    expect((await get('/api/v1/fusion-terminals')).body).toMatchObject({
      fusionTerminals: [{ id: FUSION, terminals: 2, quarantined: 1 }],
    });
  });

  it('returns readings in a range with ISO times and units, and aggregates per bucket', async () => {
    const r = await get(
      `/api/v1/terminals/${METER}/readings?from=2026-01-05T12:10:00Z&to=2026-01-05T13:00:00Z`,
    );
    expect(r.body).toMatchObject({
      units: { activePower: 'W' },
      readings: [{ ts: '2026-01-05T12:15:00.000Z', activePower: 101 }, { ts: '2026-01-05T12:30:00.000Z' }],
    });
    expect((await get(`/api/v1/terminals/${METER}/readings?from=yesterday`)).body).toMatchObject({
      error: 'BAD_REQUEST',
      hint: expect.stringContaining('ISO 8601'),
    });
    const a = await get(
      '/api/v1/readings/aggregate?from=2026-01-05T12:00:00Z&to=2026-01-05T13:00:00Z&bucket=1800',
    );
    expect(a.body).toMatchObject({
      bucketSeconds: 1800,
      buckets: [{ start: '2026-01-05T12:00:00.000Z', count: 2, meanActivePowerW: 100.5 }, { count: 1 }],
    });
  });

  it('lists rejects, the audit log (with verify) and the metrics; the detail has keys', async () => {
    expect((await get('/api/v1/rejects')).body).toMatchObject({ totals: {}, series: [] });
    expect((await get('/api/v1/audit/verify')).body).toMatchObject({ ok: true });
    expect((await get('/api/v1/metrics')).body).toEqual({
      framesAccepted: 3,
      framesRejected: { BAD_TAG: 1 },
      liveClients: 0,
    });
    expect((await get(`/api/v1/terminals/${METER}`)).body).toMatchObject({
      id: METER,
      keys: [],
      createdAt: '2026-01-05T12:00:00.000Z',
    });
  });

  it('audits every mutating request with its actor', async () => {
    await f.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'ci', role: 'viewer' },
      headers: { authorization: `Bearer ${f.tokens.admin}` },
    });
    await new Promise((r) => setImmediate(r));
    const audit = (await get('/api/v1/audit?limit=1000')).body.records as { actor: string; action: string }[];
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'token:t-admin', action: 'api.POST /api/v1/tokens' }),
    );
  });

  it('answers an unknown route with the error shape', async () => {
    expect((await get('/api/v1/nope')).body).toMatchObject({
      error: 'NOT_FOUND',
      message: expect.any(String),
    });
  });
});
