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
  {
    version: 2,
    name: 'readings range-partitioned by month on ts; dedup key (terminal, ts, purpose, key_version, fc); BRIN on ts',
    // A partitioned table's unique keys must hold the partition column. A resent frame carries the same
    // ts, so exact resends still dedup here; a different frame reusing an fc is the replay window's to
    // refuse (it is updated in the same transaction). No foreign key to terminals: the group committer
    // refuses unknown terminals before writing and terminals are never deleted, so a per-row check would
    // only cost time. The month partitions themselves are created by
    // pg-partitions.ts (at open, ahead of time, and on demand), which knows the calendar.
    sql: `
ALTER TABLE readings RENAME TO readings_v1;
ALTER INDEX readings_terminal_ts RENAME TO readings_v1_terminal_ts;
CREATE TABLE readings (
  terminal TEXT NOT NULL, purpose INT NOT NULL, key_version INT NOT NULL, fc BIGINT NOT NULL,
  ts BIGINT NOT NULL, received_at BIGINT NOT NULL,
  voltage DOUBLE PRECISION, current DOUBLE PRECISION, active_power DOUBLE PRECISION,
  reactive_power DOUBLE PRECISION, power_factor DOUBLE PRECISION, frequency DOUBLE PRECISION,
  energy_import DOUBLE PRECISION, energy_export DOUBLE PRECISION, raw BYTEA,
  UNIQUE (terminal, ts, purpose, key_version, fc)) PARTITION BY RANGE (ts);
CREATE INDEX readings_ts_brin ON readings USING brin (ts);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;
DO $$
DECLARE lo BIGINT; hi BIGINT; m TIMESTAMPTZ;
BEGIN
  SELECT min(ts), max(ts) INTO lo, hi FROM readings_v1 WHERE ts >= 0 AND ts < 253402300800000;
  IF lo IS NOT NULL THEN
    m := date_trunc('month', to_timestamp(lo / 1000.0) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    WHILE m <= to_timestamp(hi / 1000.0) LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%s) TO (%s)',
        'readings_' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM'),
        (extract(epoch FROM m) * 1000)::bigint,
        (extract(epoch FROM m + interval '1 month') * 1000)::bigint);
      m := m + interval '1 month';
    END LOOP;
  END IF;
END $$;
INSERT INTO readings (terminal, purpose, key_version, fc, ts, received_at, voltage, current, active_power,
  reactive_power, power_factor, frequency, energy_import, energy_export, raw)
SELECT terminal, purpose, key_version, fc, ts, received_at, voltage, current, active_power,
  reactive_power, power_factor, frequency, energy_import, energy_export, raw FROM readings_v1 ORDER BY id;
DROP TABLE readings_v1;
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
