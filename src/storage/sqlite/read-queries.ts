// SQL of the heavy reads (run on the read worker) and the mapping of their rows to port records.
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import type { AuditRecord, AggregateQuery, EvidenceRecord, Reading, ReadingQuery } from '../types.ts';
import type { SqlReader } from './read-worker.ts';

const READING_COLUMNS = `terminal, purpose, key_version AS keyVersion, fc, ts, received_at AS receivedAt,
  voltage, current, active_power AS activePower, reactive_power AS reactivePower,
  power_factor AS powerFactor, frequency, energy_import AS energyImport, energy_export AS energyExport, raw`;

/*
 * Readings live in two tables: `readings` (indexed) and `readings_inbox` (the newest, in arrival order,
 * until the write worker merges them); the view `readings_all` is their union, and SQLite pushes each
 * WHERE term into both halves (the indexed half keeps using readings_terminal_ts).
 */

/** Readings of one terminal in [from, to), oldest first. */
export async function queryReadingsSql(r: SqlReader, q: ReadingQuery): Promise<Reading[]> {
  const rows = await r.all<Reading>(
    `SELECT ${READING_COLUMNS} FROM readings_all WHERE terminal = ? AND ts >= ? AND ts < ? ORDER BY ts, fc LIMIT ?`,
    [q.terminal, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, q.limit ?? 10_000],
  );
  return rows.map((x) => ({ ...x, raw: x.raw === null ? null : new Uint8Array(x.raw) }));
}

export async function countReadingsSql(r: SqlReader, terminal?: TerminalId): Promise<number> {
  const rows =
    terminal === undefined
      ? await r.all<{ n: number }>('SELECT COUNT(*) AS n FROM readings_all', [])
      : await r.all<{ n: number }>('SELECT COUNT(*) AS n FROM readings_all WHERE terminal = ?', [terminal]);
  return rows[0]?.n ?? 0;
}

/** Buckets of `floor((ts − from) / bucketMs)`, the same arithmetic as the memory reference. */
export function aggregateReadingsSql(r: SqlReader, q: AggregateQuery) {
  const byTerminal = q.terminal === undefined ? '' : 'AND terminal = ?';
  return r.all<{
    start: UnixMillis;
    count: number;
    meanActivePower: number | null;
    maxActivePower: number | null;
  }>(
    `SELECT CAST(? AS INTEGER) + ((ts - CAST(? AS INTEGER)) / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS start, COUNT(*) AS count, AVG(active_power) AS meanActivePower,
       MAX(active_power) AS maxActivePower
     FROM readings_all WHERE ts >= ? AND ts < ? ${byTerminal} GROUP BY start ORDER BY start`,
    [q.from, q.from, q.bucketMs, q.bucketMs, q.from, q.to, ...(q.terminal === undefined ? [] : [q.terminal])],
  );
}

export async function getEvidenceSql(
  r: SqlReader,
  f: { terminal?: TerminalId; fromCycle?: number; toCycle?: number },
): Promise<EvidenceRecord[]> {
  const rows = await r.all<Omit<EvidenceRecord, 'meanDelayMs'>>(
    `SELECT terminal, cycle, requests, replies, duplicates, late, integrity_failures AS integrityFailures,
       delay_sum_ms AS delaySumMs, delay_count AS delayCount
     FROM evidence WHERE (? IS NULL OR terminal = ?) AND cycle >= ? AND cycle <= ? ORDER BY cycle, terminal`,
    [f.terminal ?? null, f.terminal ?? null, f.fromCycle ?? 0, f.toCycle ?? Number.MAX_SAFE_INTEGER],
  );
  return rows.map((e) => ({ ...e, meanDelayMs: e.delayCount > 0 ? e.delaySumMs / e.delayCount : null }));
}

interface AuditRow extends Omit<AuditRecord, 'details'> {
  details: string;
}

export async function listAuditSql(
  r: SqlReader,
  f: { afterSeq?: number; limit?: number },
): Promise<AuditRecord[]> {
  const rows = await r.all<AuditRow>(
    `SELECT seq, at, actor, action, subject, details, prev_hash AS prevHash, hash
     FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
    [f.afterSeq ?? 0, f.limit ?? 1000],
  );
  return rows.map((x) => ({ ...x, details: JSON.parse(x.details) as AuditRecord['details'] }));
}
