// Trust: one terminal's score, factors, reasons and per-cycle history; the fleet's distribution; the
// quarantine queue with its evidence; reinstatement (operator).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TerminalId } from '../../core/index.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from '../deps.ts';
import type { TrustHistoryEntry } from '../state/port.ts';
import { TerminalIdParam, bandOf, withErrors } from '../schemas.ts';

const Factor = Type.Union([Type.Number(), Type.Null()]);
const Factors = Type.Object({ static: Factor, dynamic: Factor, energy: Factor });
const Reason = Type.Object({
  cycle: Type.Integer(),
  code: Type.String({ description: 'the flag reason, or the explanation item code' }),
  detail: Type.String(),
});
const HistoryItem = Type.Object({
  cycle: Type.Integer(),
  score: Type.Union([Type.Number(), Type.Null()]),
  factors: Factors,
  quarantined: Type.Boolean(),
  flag: Type.Optional(Type.String()),
});
const TrustView = Type.Object({
  terminal: Type.String(),
  score: Type.Union([Type.Number(), Type.Null()]),
  band: Type.String(),
  cycle: Type.Union([Type.Integer(), Type.Null()]),
  factors: Factors,
  reasons: Type.Array(Reason),
  explanation: Type.Optional(
    Type.Unknown({ description: 'the engine’s own explanation of the newest decision, when it gives one' }),
  ),
  history: Type.Array(HistoryItem),
});
const HistoryQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 2000, default: 200 }) },
  { additionalProperties: false },
);
const Reinstate = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 500 }) },
  { additionalProperties: false },
);
const QuarantineList = Type.Object({
  terminals: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      fusionTerminal: Type.Union([Type.String(), Type.Null()]),
      flaggedCycle: Type.Union([Type.Integer(), Type.Null()]),
      reason: Type.String(),
      detail: Type.String(),
      factors: Factors,
      evidence: Type.Union([
        Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null(), Type.String()])),
        Type.Null(),
      ]),
    }),
  ),
});
const Summary = Type.Object({
  cycle: Type.Union([Type.Integer(), Type.Null()]),
  scored: Type.Integer(),
  distribution: Type.Object({
    high: Type.Integer(),
    medium: Type.Integer(),
    low: Type.Integer(),
    unscored: Type.Integer(),
  }),
  histogram: Type.Array(Type.Integer(), { description: '10 bins of width 0.1 over [0, 1]' }),
  recentFlags: Type.Array(
    Type.Object({ terminal: Type.String(), cycle: Type.Integer(), reason: Type.String() }),
  ),
});

/** A string, a number as text, else JSON (never `[object Object]`). */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function factorsOf(d: Readonly<Record<string, unknown>>): Static<typeof Factors> {
  const c = (d.components ?? {}) as Record<string, unknown>;
  return { static: num(c.stm), dynamic: num(c.dtm), energy: num(c.etm) };
}

function flagOf(d: Readonly<Record<string, unknown>>): { reason: string; detail: string } | undefined {
  const f = d.flag as { reason?: unknown; detail?: unknown } | null | undefined;
  return f === null || f === undefined ? undefined : { reason: text(f.reason), detail: text(f.detail) };
}

/** Flags of the history, plus the items of an explanation the engine attached (trust #15), newest first. */
function reasonsOf(h: readonly TrustHistoryEntry[]): Static<typeof Reason>[] {
  const out: Static<typeof Reason>[] = [];
  for (const e of h) {
    const f = flagOf(e.decision);
    if (f !== undefined) out.push({ cycle: e.cycle, code: f.reason, detail: f.detail });
    const items =
      e.decision.reasons ?? (e.decision.explanation as { reasons?: unknown } | undefined)?.reasons;
    if (e === h[0] && Array.isArray(items))
      for (const r of items as { code?: unknown; reason?: unknown; detail?: unknown; text?: unknown }[])
        out.push({
          cycle: e.cycle,
          code: text(r.code ?? r.reason) || 'explanation',
          detail: text(r.detail ?? r.text),
        });
  }
  return out;
}

function toHistory(e: TrustHistoryEntry): Static<typeof HistoryItem> {
  const f = flagOf(e.decision);
  return {
    cycle: e.cycle,
    score: e.score,
    factors: factorsOf(e.decision),
    quarantined: e.decision.quarantined === true,
    ...(f ? { flag: f.reason } : {}),
  };
}

function summary(deps: ApiDeps): Static<typeof Summary> {
  const latest = deps.trust.latestTrust();
  const distribution = { high: 0, medium: 0, low: 0, unscored: 0 };
  const histogram = new Array<number>(10).fill(0);
  let cycle: number | null = null;
  const recentFlags: Static<typeof Summary>['recentFlags'] = [];
  for (const e of latest) {
    distribution[bandOf(e.score)]++;
    if (e.score !== null) histogram[Math.min(9, Math.max(0, Math.floor(e.score * 10)))]!++;
    cycle = Math.max(cycle ?? e.cycle, e.cycle);
  }
  for (const e of latest) {
    if (e.decision.quarantined !== true) continue;
    const flagged = deps.trust.trustHistory(e.terminal, 2000).find((x) => flagOf(x.decision) !== undefined);
    if (flagged !== undefined)
      recentFlags.push({
        terminal: e.terminal,
        cycle: flagged.cycle,
        reason: flagOf(flagged.decision)!.reason,
      });
  }
  recentFlags.sort((a, b) => b.cycle - a.cycle);
  return { cycle, scored: latest.length, distribution, histogram, recentFlags: recentFlags.slice(0, 20) };
}

export function registerTrustRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: Static<typeof TerminalIdParam>; Querystring: Static<typeof HistoryQuery> }>(
    '/api/v1/terminals/:id/trust',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'current trust with static / dynamic / energy factors, reasons and per-cycle history',
        tags: ['trust'],
        params: TerminalIdParam,
        querystring: HistoryQuery,
        response: withErrors({ 200: TrustView }),
      },
    },
    async (req) => {
      const id = req.params.id.toLowerCase();
      if ((await deps.store.getTerminal(id as TerminalId)) === undefined)
        throw new HttpError('NOT_FOUND', `no terminal ${id}`);
      const h = deps.trust.trustHistory(id, req.query.limit);
      const newest = h[0];
      const explanation = newest?.decision.explanation;
      return {
        terminal: id,
        score: newest?.score ?? null,
        band: bandOf(newest?.score),
        cycle: newest?.cycle ?? null,
        factors:
          newest === undefined ? { static: null, dynamic: null, energy: null } : factorsOf(newest.decision),
        reasons: reasonsOf(h),
        ...(explanation !== undefined ? { explanation } : {}),
        history: h.map(toHistory),
      };
    },
  );
  app.get(
    '/api/v1/trust',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'trust distribution of the fleet and recent flags',
        tags: ['trust'],
        response: withErrors({ 200: Summary }),
      },
    },
    () => summary(deps),
  );
  app.get(
    '/api/v1/quarantine',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'quarantined terminals with the flag and the evidence it rests on',
        tags: ['trust'],
        response: withErrors({ 200: QuarantineList }),
      },
    },
    async () => {
      const q = (await deps.store.listTerminals()).filter((t) => t.status === 'quarantined');
      const terminals = [];
      for (const t of q) {
        const flagged = deps.trust.trustHistory(t.id, 2000).find((x) => flagOf(x.decision) !== undefined);
        const f = flagged === undefined ? undefined : flagOf(flagged.decision);
        const ev =
          flagged === undefined
            ? undefined
            : (
                await deps.store.getEvidence({
                  terminal: t.id,
                  fromCycle: flagged.cycle,
                  toCycle: flagged.cycle,
                })
              )[0];
        terminals.push({
          id: t.id,
          type: t.type,
          fusionTerminal: t.fusionTerminal,
          flaggedCycle: flagged?.cycle ?? null,
          reason: f?.reason ?? 'OPERATOR',
          detail: f?.detail ?? 'quarantined outside the trust engine (see the audit log)',
          factors:
            flagged === undefined
              ? { static: null, dynamic: null, energy: null }
              : factorsOf(flagged.decision),
          evidence: ev === undefined ? null : { ...ev },
        });
      }
      return { terminals };
    },
  );
  app.post<{ Params: Static<typeof TerminalIdParam>; Body: Static<typeof Reinstate> }>(
    '/api/v1/terminals/:id/reinstate',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'lift a quarantine (audited with your reason)',
        tags: ['trust'],
        params: TerminalIdParam,
        body: Reinstate,
        response: withErrors({ 200: Type.Object({ terminal: Type.String(), status: Type.String() }) }),
      },
    },
    async (req) => {
      const id = req.params.id.toLowerCase();
      const t = await deps.store.getTerminal(id as TerminalId);
      if (t === undefined) throw new HttpError('NOT_FOUND', `no terminal ${id}`);
      if (t.status !== 'quarantined')
        throw new HttpError('CONFLICT', `terminal ${id} is ${t.status}, not quarantined`);
      const actor = req.principal?.actor ?? 'anonymous';
      if (!(await deps.reinstate(id, actor, req.body.reason)))
        throw new HttpError('NOT_FOUND', `no terminal ${id}`);
      deps.events.publish({
        type: 'release',
        at: deps.now(),
        data: { terminal: id, actor, reason: req.body.reason },
      });
      return { terminal: id, status: 'active' };
    },
  );
}
