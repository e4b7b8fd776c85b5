// Terminals: filtered, searched, cursor-paged list; one terminal's detail with its keys; fusion terminals.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TerminalId } from '../../core/index.ts';
import type { TerminalRecord } from '../../keys/index.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from '../deps.ts';
import { TerminalIdParam, TrustBand, bandOf, withErrors } from '../schemas.ts';

const Status = Type.Union([Type.Literal('active'), Type.Literal('quarantined'), Type.Literal('retired')]);
const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    type: Type.Optional(Type.String({ maxLength: 64 })),
    fusionTerminal: Type.Optional(
      Type.String({ pattern: '^([0-9a-fA-F]{16}|none)$', description: '`none` = direct terminals' }),
    ),
    trustBand: Type.Optional(TrustBand),
    q: Type.Optional(Type.String({ maxLength: 64, description: 'substring of the id or type' })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
const TerminalItem = Type.Object({
  id: Type.String(),
  type: Type.String(),
  fusionTerminal: Type.Union([Type.String(), Type.Null()]),
  status: Status,
  trust: Type.Optional(Type.Number({ description: 'combined trust of the newest scored cycle, 0..1' })),
  trustBand: TrustBand,
  lastSeen: Type.Optional(Type.String({ format: 'date-time' })),
});
const TerminalList = Type.Object({
  terminals: Type.Array(TerminalItem),
  total: Type.Integer({ description: 'terminals matching the filters (all pages)' }),
  nextCursor: Type.Optional(Type.String()),
});
const KeyView = Type.Object({
  purpose: Type.Integer(),
  version: Type.Integer(),
  state: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
  graceUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const TerminalDetail = Type.Composite([
  TerminalItem,
  Type.Object({ createdAt: Type.String({ format: 'date-time' }), keys: Type.Array(KeyView) }),
]);
const FusionList = Type.Object({
  fusionTerminals: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.Union([Status, Type.Literal('unknown')]),
      terminals: Type.Integer(),
      quarantined: Type.Integer(),
      meanTrust: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

const iso = (ms: number): string => new Date(ms).toISOString();

/** Current scores by terminal (newest trust history entry). */
export function currentScores(deps: ApiDeps): Map<string, number | null> {
  return new Map(deps.trust.latestTrust().map((e) => [e.terminal, e.score]));
}

function toItem(
  t: TerminalRecord,
  scores: Map<string, number | null>,
  deps: ApiDeps,
): Static<typeof TerminalItem> {
  const score = scores.get(t.id);
  const seen = deps.lastSeen(t.id);
  return {
    id: t.id,
    type: t.type,
    fusionTerminal: t.fusionTerminal,
    status: t.status,
    ...(typeof score === 'number' ? { trust: score } : {}),
    trustBand: bandOf(score),
    ...(seen !== undefined ? { lastSeen: iso(seen) } : {}),
  };
}

function matches(q: Static<typeof ListQuery>, t: Static<typeof TerminalItem>): boolean {
  if (q.status !== undefined && t.status !== q.status) return false;
  if (q.type !== undefined && t.type !== q.type) return false;
  if (q.fusionTerminal !== undefined && (t.fusionTerminal ?? 'none') !== q.fusionTerminal.toLowerCase())
    return false;
  if (q.trustBand !== undefined && t.trustBand !== q.trustBand) return false;
  const s = q.q?.toLowerCase();
  return s === undefined || t.id.includes(s) || t.type.toLowerCase().includes(s);
}

export function registerTerminalRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/terminals',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'terminals by status, type, fusion terminal, trust band; search; cursor pages',
        tags: ['terminals'],
        querystring: ListQuery,
        response: withErrors({ 200: TerminalList }),
      },
    },
    async (req) => {
      const q = req.query;
      const scores = currentScores(deps);
      const all = (await deps.store.listTerminals())
        .map((t) => toItem(t, scores, deps))
        .filter((t) => matches(q, t))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const after = q.cursor === undefined ? '' : Buffer.from(q.cursor, 'base64url').toString();
      const start = after === '' ? 0 : all.findIndex((t) => t.id > after);
      const page = start < 0 ? [] : all.slice(start, start + q.limit);
      const last = page.at(-1);
      const more = start >= 0 && start + q.limit < all.length && last !== undefined;
      return {
        terminals: page,
        total: all.length,
        ...(more ? { nextCursor: Buffer.from(last.id).toString('base64url') } : {}),
      };
    },
  );
  app.get<{ Params: Static<typeof TerminalIdParam> }>(
    '/api/v1/terminals/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'one terminal with its keys and their states',
        tags: ['terminals'],
        params: TerminalIdParam,
        response: withErrors({ 200: TerminalDetail }),
      },
    },
    async (req) => {
      const id = req.params.id.toLowerCase() as TerminalId;
      const t = await deps.store.getTerminal(id);
      if (t === undefined)
        throw new HttpError('NOT_FOUND', `no terminal ${id}`, 'GET /api/v1/terminals lists them');
      const keys = (await deps.store.listKeys(id)).map((k) => ({
        purpose: k.purpose,
        version: k.version,
        state: k.state,
        updatedAt: iso(k.updatedAt),
        graceUntil: k.graceUntil === null ? null : iso(k.graceUntil),
      }));
      return { ...toItem(t, currentScores(deps), deps), createdAt: iso(t.createdAt), keys };
    },
  );
  app.get(
    '/api/v1/fusion-terminals',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'fusion terminals with their terminal counts and mean trust',
        tags: ['terminals'],
        response: withErrors({ 200: FusionList }),
      },
    },
    async () => {
      const all = await deps.store.listTerminals();
      const scores = currentScores(deps);
      const byId = new Map(all.map((t) => [t.id as string, t]));
      const groups = new Map<string, TerminalRecord[]>();
      for (const t of all)
        if (t.fusionTerminal !== null)
          groups.set(t.fusionTerminal, [...(groups.get(t.fusionTerminal) ?? []), t]);
      const fusionTerminals = [...groups]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, ts]) => {
          const s = ts.map((t) => scores.get(t.id)).filter((x): x is number => typeof x === 'number');
          return {
            id,
            status: byId.get(id)?.status ?? ('unknown' as const),
            terminals: ts.length,
            quarantined: ts.filter((t) => t.status === 'quarantined').length,
            meanTrust: s.length === 0 ? null : s.reduce((a, b) => a + b, 0) / s.length,
          };
        });
      return { fusionTerminals };
    },
  );
}
