// Small pure helpers shared by the store adapters: record ids, evidence sums, aggregation, audit entries.
import type { UnixMillis } from '../core/index.ts';
import type { AuditInput, KeyRef, KeyTransitionRequest, TerminalRecord } from '../keys/index.ts';
import type {
  AggregateBucket,
  AggregateQuery,
  EvidenceDelta,
  EvidenceRecord,
  Reading,
  ReadingInput,
  ReplayKey,
  TerminalStatusChange,
} from './types.ts';

/** `<terminal>/<purpose>/<version>`: the subject of key audit entries. */
export const keyId = (k: KeyRef): string => `${k.terminal}/${k.purpose}/${k.version}`;
export const replayId = (k: ReplayKey): string => `${k.terminal}/${k.purpose}/${k.dir}/${k.version}`;
/** The dedup key of readings: (terminal, purpose, key version, fc). */
export const readingKey = (r: ReadingInput): string => `${r.terminal}/${r.purpose}/${r.keyVersion}/${r.fc}`;
export const evidenceKey = (e: { terminal: string; cycle: number }): string => `${e.terminal}/${e.cycle}`;

/** Adds a delta to an evidence record (or starts one). */
export function sumEvidence(prev: EvidenceRecord | undefined, d: EvidenceDelta): EvidenceRecord {
  const add = (a: number | undefined, b: number | undefined): number => (a ?? 0) + (b ?? 0);
  const delaySumMs = add(prev?.delaySumMs, d.delaySumMs);
  const delayCount = add(prev?.delayCount, d.delayCount);
  return {
    terminal: d.terminal,
    cycle: d.cycle,
    requests: add(prev?.requests, d.requests),
    replies: add(prev?.replies, d.replies),
    duplicates: add(prev?.duplicates, d.duplicates),
    late: add(prev?.late, d.late),
    integrityFailures: add(prev?.integrityFailures, d.integrityFailures),
    delaySumMs,
    delayCount,
    meanDelayMs: delayCount > 0 ? delaySumMs / delayCount : null,
  };
}

/** A reading input with every optional field made explicit (null). */
export function toReading(r: ReadingInput): Reading {
  return {
    terminal: r.terminal,
    purpose: r.purpose,
    keyVersion: r.keyVersion,
    fc: r.fc,
    ts: r.ts,
    receivedAt: r.receivedAt,
    voltage: r.voltage ?? null,
    current: r.current ?? null,
    activePower: r.activePower ?? null,
    reactivePower: r.reactivePower ?? null,
    powerFactor: r.powerFactor ?? null,
    frequency: r.frequency ?? null,
    energyImport: r.energyImport ?? null,
    energyExport: r.energyExport ?? null,
    raw: r.raw ?? null,
  };
}

/** Buckets readings by `floor((ts − from) / bucketMs)`: the reference the SQL adapters must match. */
export function aggregate(readings: readonly Reading[], q: AggregateQuery): AggregateBucket[] {
  const buckets = new Map<number, { count: number; sum: number; n: number; max: number | null }>();
  for (const r of readings) {
    if (r.ts < q.from || r.ts >= q.to || (q.terminal !== undefined && r.terminal !== q.terminal)) continue;
    const start = q.from + Math.floor((r.ts - q.from) / q.bucketMs) * q.bucketMs;
    const b = buckets.get(start) ?? { count: 0, sum: 0, n: 0, max: null };
    b.count += 1;
    if (r.activePower !== null) {
      b.sum += r.activePower;
      b.n += 1;
      b.max = b.max === null ? r.activePower : Math.max(b.max, r.activePower);
    }
    buckets.set(start, b);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, b]) => ({
      start: start as UnixMillis,
      count: b.count,
      meanActivePower: b.n > 0 ? b.sum / b.n : null,
      maxActivePower: b.max,
    }));
}

/** The audit entry of one key transition: time, actor, reason [spec §3.1]. */
export function transitionAudit(req: KeyTransitionRequest, from: string): AuditInput {
  return {
    at: req.at,
    actor: req.actor,
    action: 'key.transition',
    subject: keyId(req.key),
    details: { from, to: req.to, reason: req.reason },
  };
}

/** The audit entry of a terminal status change. */
export function statusAudit(t: TerminalRecord, c: TerminalStatusChange): AuditInput {
  return {
    at: c.at,
    actor: c.actor,
    action: 'terminal.status',
    subject: t.id,
    details: { from: t.status, to: c.status, reason: c.reason },
  };
}
