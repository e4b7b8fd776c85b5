// Versioned schema of the PostgreSQL store (same logical schema as SQLite); applied under an advisory lock.
import type pg from 'pg';
import { StorageError } from '../errors.ts';

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const KEY_STATES = `'pre-activation','active','suspended','deactivated','compromised','destroyed'`;
/** Serialises concurrent `openPostgresStore` calls (several gateways starting together). */
const MIGRATION_LOCK = 7_152_001;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'terminals, keys (with grace), replay state, readings, evidence, reject counters, audit log',
    sql: `
CREATE TABLE terminals (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, fusion_terminal TEXT, tenant BIGINT NOT NULL,
  created_at BIGINT NOT NULL, status TEXT NOT NULL CHECK (status IN ('active','quarantined','retired')));
CREATE TABLE keys (
  terminal TEXT NOT NULL REFERENCES terminals(id), purpose INT NOT NULL, version INT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${KEY_STATES})), wrapped BYTEA,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, grace_until BIGINT,
  PRIMARY KEY (terminal, purpose, version));
CREATE TABLE replay_state (
  terminal TEXT NOT NULL REFERENCES terminals(id), purpose INT NOT NULL, dir INT NOT NULL, version INT NOT NULL,
  highest BIGINT NOT NULL, bitmap TEXT NOT NULL, PRIMARY KEY (terminal, purpose, dir, version));
CREATE TABLE readings (
  id BIGSERIAL PRIMARY KEY, terminal TEXT NOT NULL REFERENCES terminals(id), purpose INT NOT NULL,
  key_version INT NOT NULL, fc BIGINT NOT NULL, ts BIGINT NOT NULL, received_at BIGINT NOT NULL,
  voltage DOUBLE PRECISION, current DOUBLE PRECISION, active_power DOUBLE PRECISION,
  reactive_power DOUBLE PRECISION, power_factor DOUBLE PRECISION, frequency DOUBLE PRECISION,
  energy_import DOUBLE PRECISION, energy_export DOUBLE PRECISION, raw BYTEA,
  UNIQUE (terminal, purpose, key_version, fc));
CREATE INDEX readings_terminal_ts ON readings (terminal, ts);
CREATE TABLE evidence (
  terminal TEXT NOT NULL REFERENCES terminals(id), cycle BIGINT NOT NULL,
  requests BIGINT NOT NULL, replies BIGINT NOT NULL, duplicates BIGINT NOT NULL, late BIGINT NOT NULL,
  integrity_failures BIGINT NOT NULL, delay_sum_ms DOUBLE PRECISION NOT NULL, delay_count BIGINT NOT NULL,
  PRIMARY KEY (terminal, cycle));
CREATE TABLE reject_counts (
  reason TEXT NOT NULL, terminal TEXT NOT NULL DEFAULT '', count BIGINT NOT NULL, PRIMARY KEY (reason, terminal));
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
  details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE FUNCTION gt_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION gt_audit_append_only();
`,
  },
];

/** Applies missing migrations in one transaction under an advisory lock; refuses unknown versions. */
export async function applyPgMigrations(
  client: pg.PoolClient,
  migrations = PG_MIGRATIONS,
): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS migrations (
      version INT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM migrations')).rows.map((r) => r.version),
    );
    const unknown = [...done].filter((v) => !migrations.some((m) => m.version === v));
    if (unknown.length > 0) {
      throw new StorageError(
        'GT_ERR_STORAGE_SCHEMA_TOO_NEW',
        `database has unknown schema versions ${unknown.join(', ')}`,
        {
          hint: 'this database was written by a newer gridtrust: upgrade, or use another schema',
        },
      );
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}
