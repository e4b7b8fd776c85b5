// Readings (range with ISO times, aggregates per bucket), rejected frames over time, keys, audit (list,
// verify) and the metrics as JSON.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from '../deps.ts';
import type { FrameSampler } from '../events/sampler.ts';
import { TerminalIdParam, TimeParam, withErrors } from '../schemas.ts';
import { iso, parseTime } from '../time.ts';

const Range = Type.Object(
  {
    from: Type.Optional(TimeParam),
    to: Type.Optional(TimeParam),
    limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 2000 }),
  },
  { additionalProperties: false },
);
const Num = Type.Union([Type.Number(), Type.Null()]);
const ReadingView = Type.Object({
  ts: Type.String({ format: 'date-time' }),
  receivedAt: Type.String({ format: 'date-time' }),
  voltage: Num,
  current: Num,
  activePower: Num,
  reactivePower: Num,
  powerFactor: Num,
  frequency: Num,
  energyImport: Num,
  energyExport: Num,
});
const Readings = Type.Object({
  terminal: Type.String(),
  units: Type.Record(Type.String(), Type.String()),
  readings: Type.Array(ReadingView),
});
const AggQuery = Type.Object(
  {
    from: TimeParam,
    to: TimeParam,
    bucket: Type.Integer({ minimum: 60, maximum: 31 * 86400, default: 3600, description: 'bucket width, s' }),
    terminal: Type.Optional(
      Type.String({ pattern: '^[0-9a-fA-F]{16}$', description: 'one terminal; none = the fleet' }),
    ),
  },
  { additionalProperties: false },
);
const Aggregates = Type.Object({
  bucketSeconds: Type.Integer(),
  buckets: Type.Array(
    Type.Object({
      start: Type.String({ format: 'date-time' }),
      count: Type.Integer(),
      meanActivePowerW: Num,
      maxActivePowerW: Num,
    }),
  ),
});
const RejectsQuery = Type.Object(
  { window: Type.Integer({ minimum: 1, maximum: 3600, default: 300, description: 'seconds back' }) },
  { additionalProperties: false },
);
const Rejects = Type.Object({
  totals: Type.Record(Type.String(), Type.Integer()),
  series: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      accepted: Type.Integer(),
      rejected: Type.Record(Type.String(), Type.Integer()),
    }),
  ),
});
const AuditQuery = Type.Object(
  {
    afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
const AuditList = Type.Object({
  records: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
      actor: Type.String(),
      action: Type.String(),
      subject: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
      hash: Type.String(),
    }),
  ),
});
const AuditVerify = Type.Object({
  ok: Type.Boolean(),
  count: Type.Optional(Type.Integer()),
  head: Type.Optional(Type.String()),
  brokenAt: Type.Optional(Type.Integer()),
  reason: Type.Optional(Type.String()),
});
const Metrics = Type.Object({
  framesAccepted: Type.Integer(),
  framesRejected: Type.Record(Type.String(), Type.Integer()),
  liveClients: Type.Integer(),
});

const UNITS = {
  voltage: 'V',
  current: 'A',
  activePower: 'W',
  reactivePower: 'var',
  powerFactor: '1',
  frequency: 'Hz',
  energyImport: 'Wh',
  energyExport: 'Wh',
};

function registerReadings(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: Static<typeof TerminalIdParam>; Querystring: Static<typeof Range> }>(
    '/api/v1/terminals/:id/readings',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'readings of a terminal in [from, to), oldest first, SI units',
        tags: ['readings'],
        params: TerminalIdParam,
        querystring: Range,
        response: withErrors({ 200: Readings }),
      },
    },
    async (req) => {
      const id = req.params.id.toLowerCase() as TerminalId;
      const q = req.query;
      const rows = await deps.store.queryReadings({
        terminal: id,
        ...(q.from !== undefined ? { from: parseTime('from', q.from) as UnixMillis } : {}),
        ...(q.to !== undefined ? { to: parseTime('to', q.to) as UnixMillis } : {}),
        limit: q.limit,
      });
      const readings = rows.map((r) => ({
        ts: iso(r.ts),
        receivedAt: iso(r.receivedAt),
        voltage: r.voltage,
        current: r.current,
        activePower: r.activePower,
        reactivePower: r.reactivePower,
        powerFactor: r.powerFactor,
        frequency: r.frequency,
        energyImport: r.energyImport,
        energyExport: r.energyExport,
      }));
      return { terminal: id, units: UNITS, readings };
    },
  );
  app.get<{ Querystring: Static<typeof AggQuery> }>(
    '/api/v1/readings/aggregate',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'readings per time bucket (count, mean and max active power)',
        tags: ['readings'],
        querystring: AggQuery,
        response: withErrors({ 200: Aggregates }),
      },
    },
    async (req) => {
      const q = req.query;
      const from = parseTime('from', q.from);
      const to = parseTime('to', q.to);
      if (to <= from) throw new HttpError('BAD_REQUEST', 'to must be after from');
      if ((to - from) / (q.bucket * 1000) > 10_000)
        throw new HttpError('BAD_REQUEST', 'more than 10000 buckets', 'widen bucket or narrow the range');
      const b = await deps.store.aggregateReadings({
        from: from as UnixMillis,
        to: to as UnixMillis,
        bucketMs: q.bucket * 1000,
        ...(q.terminal ? { terminal: q.terminal.toLowerCase() as TerminalId } : {}),
      });
      return {
        bucketSeconds: q.bucket,
        buckets: b.map((x) => ({
          start: iso(x.start),
          count: x.count,
          meanActivePowerW: x.meanActivePower,
          maxActivePowerW: x.maxActivePower,
        })),
      };
    },
  );
}

function registerAudit(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/audit',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'the hash-chained audit log, oldest first after afterSeq',
        tags: ['audit'],
        querystring: AuditQuery,
        response: withErrors({ 200: AuditList }),
      },
    },
    async (req) => ({
      records: (
        await deps.store.listAudit({
          ...(req.query.afterSeq !== undefined ? { afterSeq: req.query.afterSeq } : {}),
          limit: req.query.limit,
        })
      ).map((r) => ({
        seq: r.seq,
        at: iso(r.at),
        actor: r.actor,
        action: r.action,
        subject: r.subject,
        details: { ...r.details },
        hash: r.hash,
      })),
    }),
  );
  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'recompute the hash chain',
        tags: ['audit'],
        response: withErrors({ 200: AuditVerify }),
      },
    },
    async () => deps.store.verifyAudit(),
  );
}

export function registerDataRoutes(app: FastifyInstance, deps: ApiDeps, sampler: FrameSampler): void {
  registerReadings(app, deps);
  registerAudit(app, deps);
  app.get<{ Querystring: Static<typeof RejectsQuery> }>(
    '/api/v1/rejects',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'rejected frames by reason: stored totals and per-second series of this process',
        tags: ['ingest'],
        querystring: RejectsQuery,
        response: withErrors({ 200: Rejects }),
      },
    },
    async (req) => ({
      totals: { ...(await deps.store.getRejectCounts()).byReason },
      series: sampler
        .since(deps.now() - req.query.window * 1000)
        .map((s) => ({ at: iso(s.at), accepted: s.accepted, rejected: { ...s.rejected } })),
    }),
  );
  app.get(
    '/api/v1/metrics',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'ingest counters as JSON',
        tags: ['ingest'],
        response: withErrors({ 200: Metrics }),
      },
    },
    () => {
      const s = deps.ingestStats();
      return {
        framesAccepted: s.accepted,
        framesRejected: { ...s.rejected },
        liveClients: deps.events.clients,
      };
    },
  );
}
