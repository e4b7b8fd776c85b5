// The PostgreSQL store passes the store conformance suite against the real server (PostgreSQL 15, db `test`).
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId } from '../../src/core/index.ts';
import { describeStoreConformance, sampleReading, sampleTerminal } from '../../src/storage/conformance.ts';
import { openPostgresStore } from '../../src/storage/index.ts';
import { applyPgMigrations, PG_MIGRATIONS } from '../../src/storage/postgres/migrations.ts';

const URL = process.env.GRIDTRUST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `gt_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
const fresh = (): string => {
  const s = `${RUN}_${schemas.length}`;
  schemas.push(s);
  return s;
};

afterAll(async () => {
  const pool = new pg.Pool({ connectionString: URL });
  for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await pool.end();
});

describeStoreConformance('postgres', () =>
  openPostgresStore({ connectionString: URL, schema: fresh(), groupCommit: { maxDelayMs: 1 } }),
);

describe('postgres store', () => {
  it('groups concurrent commits and keeps dedup across groups and reopen', async () => {
    const schema = fresh();
    const a = await openPostgresStore({ connectionString: URL, schema, groupCommit: { maxDelayMs: 5 } });
    const T = '00000000000000c1' as TerminalId;
    await a.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    const rs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => a.commitBatch({ readings: [sampleReading(T, (i % 150) + 1)] })),
    );
    expect(rs.reduce((n, r) => n + r.stored, 0)).toBe(150);
    expect(a.groupCommits).toBeLessThan(50);
    await a.close();
    const b = await openPostgresStore({ connectionString: URL, schema });
    expect(await b.countReadings(T)).toBe(150);
    expect(await b.commitBatch({ readings: [sampleReading(T, 1)] })).toEqual({ stored: 0, duplicates: [0] });
    await b.close();
  });

  it('refuses UPDATE on the audit log and detects a row changed behind its back', async () => {
    const schema = fresh();
    const s = await openPostgresStore({ connectionString: URL, schema });
    const e = { at: 1 as never, actor: 'a', action: 'x', subject: 's', details: { k: 1 } };
    await s.appendAudit([e, e, e]);
    const pool = new pg.Pool({ connectionString: URL, options: `-c search_path=${schema}` });
    await expect(pool.query(`UPDATE audit_log SET actor = 'm' WHERE seq = 2`)).rejects.toThrow(/append-only/);
    await pool.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
    await pool.query(`UPDATE audit_log SET details = '{"k":2}' WHERE seq = 2`);
    await pool.end();
    expect(await s.verifyAudit()).toEqual({ ok: false, brokenAt: 2, reason: 'BAD_HASH' });
    await s.close();
  });
});

describe('postgres readings partitions', () => {
  const MONTH = 31 * 86_400_000;
  const count = async (schema: string, table: string): Promise<number> => {
    const pool = new pg.Pool({ connectionString: URL, options: `-c search_path=${schema}` });
    const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    await pool.end();
    return Number(r.rows[0]!.n);
  };

  it('creates months ahead, a past month on demand, parks far-future rows and moves them in later', async () => {
    const schema = fresh();
    const s = await openPostgresStore({ connectionString: URL, schema, partitions: { monthsAhead: 1 } });
    const T = '00000000000000d1' as TerminalId;
    await s.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    const now = Date.now();
    const old = Date.UTC(2020, 1, 15);
    const far = now + 14 * MONTH;
    const r = await s.commitBatch({
      readings: [
        sampleReading(T, 1, { ts: now as never }),
        sampleReading(T, 2, { ts: old as never }),
        sampleReading(T, 3, { ts: far as never }),
      ],
    });
    expect(r).toEqual({ stored: 3, duplicates: [] });
    const { partitions } = await s.maintainPartitions(now);
    expect(partitions).toContain('readings_202002');
    expect(partitions.length).toBe(3); // Feb 2020, this month, next month
    expect(await count(schema, 'readings_default')).toBe(1);
    expect(await count(schema, 'readings_202002')).toBe(1);
    // A resend of the same frame (same ts) is still a duplicate across the partitioned table.
    expect(await s.commitBatch({ readings: [sampleReading(T, 2, { ts: old as never })] })).toEqual({
      stored: 0,
      duplicates: [0],
    });
    // Time passes: the far month comes within reach and its parked row moves into its own partition.
    await s.maintainPartitions(far);
    expect(await count(schema, 'readings_default')).toBe(0);
    expect(await s.countReadings(T)).toBe(3);
    const got = await s.queryReadings({ terminal: T, from: (far - 1) as never, to: (far + 1) as never });
    expect(got.map((x) => x.fc)).toEqual([3]);
    await s.close();
  });

  it('drops the months older than the retention and keeps the rest', async () => {
    const schema = fresh();
    const s = await openPostgresStore({ connectionString: URL, schema, partitions: { retentionMonths: 3 } });
    const T = '00000000000000d2' as TerminalId;
    await s.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    const now = Date.UTC(2026, 11, 4);
    const months = [0, 1, 2, 3, 5].map((k) => Date.UTC(2026, 11 - k, 10));
    await s.commitBatch({ readings: months.map((ts, i) => sampleReading(T, i + 1, { ts: ts as never })) });
    const { dropped } = await s.maintainPartitions(now);
    expect(dropped).toEqual(['readings_202607', 'readings_202609']);
    expect(await s.countReadings(T)).toBe(3);
    await s.close();
  });

  it('migrates a version-1 readings table into the partitioned one, rows and dedup kept', async () => {
    const schema = fresh();
    const admin = new pg.Pool({ connectionString: URL, options: `-c search_path=${schema}` });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const c = await admin.connect();
    await applyPgMigrations(c, PG_MIGRATIONS.slice(0, 1));
    c.release();
    await admin.query(
      `INSERT INTO terminals VALUES ('00000000000000d3', 'smart-meter', NULL, 0, 0, 'active');
       INSERT INTO readings (terminal, purpose, key_version, fc, ts, received_at)
       VALUES ('00000000000000d3', 1, 1, 1, ${Date.UTC(2025, 0, 5)}, 0),
              ('00000000000000d3', 1, 1, 2, ${Date.UTC(2025, 2, 5)}, 0)`,
    );
    await admin.end();
    const s = await openPostgresStore({ connectionString: URL, schema });
    const T = '00000000000000d3' as TerminalId;
    expect(await s.countReadings(T)).toBe(2);
    const { partitions } = await s.maintainPartitions();
    expect(partitions).toEqual(
      expect.arrayContaining(['readings_202501', 'readings_202502', 'readings_202503']),
    );
    const again = sampleReading(T, 1, { ts: Date.UTC(2025, 0, 5) as never });
    expect(await s.commitBatch({ readings: [again] })).toEqual({ stored: 0, duplicates: [0] });
    await s.close();
  });
});
