// The PostgreSQL store passes the store conformance suite against the real server (PostgreSQL 15, db `test`).
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId } from '../../src/core/index.ts';
import { describeStoreConformance, sampleReading, sampleTerminal } from '../../src/storage/conformance.ts';
import { openPostgresStore } from '../../src/storage/index.ts';

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
