// Reads of the PostgreSQL store: point lookups, reading ranges, aggregates, counters, evidence, audit pages.
import type pg from 'pg';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import { createAuditVerifier } from '../audit-chain.ts';
import { bitmapFromHex } from '../replay-merge.ts';
import type { AuditRecord, EvidenceRecord, Reading, RejectCounts, ReplayUpdate, Store } from '../types.ts';
import { inTransaction, appendAuditPg } from './pg-writes.ts';

const READING_COLS = `terminal, purpose, key_version AS "keyVersion", fc, ts, received_at AS "receivedAt", voltage, current,
  active_power AS "activePower", reactive_power AS "reactivePower", power_factor AS "powerFactor", frequency,
  energy_import AS "energyImport", energy_export AS "energyExport", raw`;

async function listAuditPg(
  pool: pg.Pool,
  f: { afterSeq?: number; limit?: number } = {},
): Promise<AuditRecord[]> {
  const r = await pool.query<AuditRecord & { details: string }>(
    `SELECT seq, at, actor, action, subject, details, prev_hash AS "prevHash", hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [f.afterSeq ?? 0, f.limit ?? 1000],
  );
  return r.rows.map((x) => ({ ...x, details: JSON.parse(x.details) as AuditRecord['details'] }));
}

async function verifyAuditPg(pool: pg.Pool) {
  const v = createAuditVerifier();
  for (let after = 0; ;) {
    const page = await listAuditPg(pool, { afterSeq: after, limit: 5000 });
    if (page.length === 0) return v.finish();
    for (const r of page) if (!v.push(r)) return v.finish();
    after = page.at(-1)?.seq ?? after;
  }
}

/** The read methods (and audit append) of the PostgreSQL store over its pool. */
export function readPart(pool: pg.Pool) {
  return {
    getReplayState: async (k: Parameters<Store['getReplayState']>[0]) => {
      const r = (
        await pool.query<{ highest: number; bitmap: string }>(
          'SELECT highest, bitmap FROM replay_state WHERE terminal = $1 AND purpose = $2 AND dir = $3 AND version = $4',
          [k.terminal, k.purpose, k.dir, k.version],
        )
      ).rows[0];
      return r === undefined ? undefined : { highest: r.highest, bitmap: bitmapFromHex(r.bitmap) };
    },
    listReplayStates: async (terminal?: TerminalId) =>
      (
        await pool.query<{
          terminal: TerminalId;
          purpose: number;
          dir: number;
          version: number;
          highest: number;
          bitmap: string;
        }>(
          'SELECT terminal, purpose, dir, version, highest, bitmap FROM replay_state WHERE ($1::text IS NULL OR terminal = $1)',
          [terminal ?? null],
        )
      ).rows.map((r): ReplayUpdate => ({
        terminal: r.terminal,
        purpose: r.purpose,
        dir: r.dir === 1 ? 1 : 0,
        version: r.version,
        state: { highest: r.highest, bitmap: bitmapFromHex(r.bitmap) },
      })),
    queryReadings: async (q: Parameters<Store['queryReadings']>[0]) =>
      (
        await pool.query<Reading & { raw: Buffer | null }>(
          `SELECT ${READING_COLS} FROM readings WHERE terminal = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, fc LIMIT $4`,
          [q.terminal, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, q.limit ?? 10_000],
        )
      ).rows.map((r): Reading => ({ ...r, raw: r.raw === null ? null : new Uint8Array(r.raw) })),
    countReadings: async (terminal?: TerminalId) =>
      (
        await pool.query<{ n: number }>(
          'SELECT COUNT(*)::bigint AS n FROM readings WHERE ($1::text IS NULL OR terminal = $1)',
          [terminal ?? null],
        )
      ).rows[0]?.n ?? 0,
    aggregateReadings: async (q: Parameters<Store['aggregateReadings']>[0]) =>
      (
        await pool.query<{
          start: UnixMillis;
          count: number;
          meanActivePower: number | null;
          maxActivePower: number | null;
        }>(
          `SELECT $1::bigint + ((ts - $1::bigint) / $2::bigint) * $2::bigint AS start, COUNT(*)::bigint AS count,
           AVG(active_power) AS "meanActivePower", MAX(active_power) AS "maxActivePower"
         FROM readings WHERE ts >= $1 AND ts < $3 AND ($4::text IS NULL OR terminal = $4) GROUP BY 1 ORDER BY 1`,
          [q.from, q.bucketMs, q.to, q.terminal ?? null],
        )
      ).rows,
    getRejectCounts: async (): Promise<RejectCounts> => {
      const rows = (
        await pool.query<{ reason: string; terminal: string; count: number }>(
          'SELECT reason, terminal, count FROM reject_counts ORDER BY terminal, reason',
        )
      ).rows;
      const byReason: Record<string, number> = {};
      for (const r of rows) byReason[r.reason] = (byReason[r.reason] ?? 0) + r.count;
      return {
        byReason,
        byTerminal: rows
          .filter((r) => r.terminal !== '')
          .map((r) => ({ terminal: r.terminal as TerminalId, reason: r.reason, count: r.count })),
      };
    },
    getEvidence: async (f: Parameters<Store['getEvidence']>[0] = {}) =>
      (
        await pool.query<Omit<EvidenceRecord, 'meanDelayMs'>>(
          `SELECT terminal, cycle, requests, replies, duplicates, late, integrity_failures AS "integrityFailures",
           delay_sum_ms AS "delaySumMs", delay_count AS "delayCount" FROM evidence
         WHERE ($1::text IS NULL OR terminal = $1) AND cycle >= $2 AND cycle <= $3 ORDER BY cycle, terminal`,
          [f.terminal ?? null, f.fromCycle ?? 0, f.toCycle ?? Number.MAX_SAFE_INTEGER],
        )
      ).rows.map((e): EvidenceRecord => ({
        ...e,
        meanDelayMs: e.delayCount > 0 ? e.delaySumMs / e.delayCount : null,
      })),
    appendAudit: (entries: Parameters<Store['appendAudit']>[0]) =>
      inTransaction(pool, (c) => appendAuditPg(c, entries)),
    listAudit: (f?: Parameters<Store['listAudit']>[0]) => listAuditPg(pool, f),
    verifyAudit: () => verifyAuditPg(pool),
  };
}
