// Versioned schema of the SQLite store; applied in order, each in its own transaction, recorded in `migrations`.
import type Database from 'better-sqlite3';
import { StorageError } from '../errors.ts';

/** One schema step. Never edit a released migration: append a new version. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const KEY_STATES = `'pre-activation','active','suspended','deactivated','compromised','destroyed'`;

/** The columns of a stored reading, in table order (readings and readings_inbox). */
export const READING_FIELDS = `terminal, purpose, key_version, fc, ts, received_at, voltage, current,
  active_power, reactive_power, power_factor, frequency, energy_import, energy_export, raw`;

/** The schema history. STRICT tables reject a value of the wrong type instead of coercing it. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'terminals, keys, replay state, readings, evidence, reject counters, audit log',
    sql: `
CREATE TABLE terminals (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, fusion_terminal TEXT, tenant INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','quarantined','retired'))
) STRICT;
CREATE TABLE keys (
  terminal TEXT NOT NULL REFERENCES terminals(id), purpose INTEGER NOT NULL, version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${KEY_STATES})), wrapped BLOB,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (terminal, purpose, version)
) STRICT, WITHOUT ROWID;
CREATE TABLE replay_state (
  terminal TEXT NOT NULL REFERENCES terminals(id), purpose INTEGER NOT NULL, dir INTEGER NOT NULL,
  version INTEGER NOT NULL, highest INTEGER NOT NULL, bitmap TEXT NOT NULL,
  PRIMARY KEY (terminal, purpose, dir, version)
) STRICT, WITHOUT ROWID;
CREATE TABLE readings (
  id INTEGER PRIMARY KEY, terminal TEXT NOT NULL REFERENCES terminals(id), purpose INTEGER NOT NULL,
  key_version INTEGER NOT NULL, fc INTEGER NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
  voltage REAL, current REAL, active_power REAL, reactive_power REAL, power_factor REAL,
  frequency REAL, energy_import REAL, energy_export REAL, raw BLOB
) STRICT;
CREATE UNIQUE INDEX readings_dedup ON readings (terminal, purpose, key_version, fc);
CREATE INDEX readings_terminal_ts ON readings (terminal, ts);
CREATE TABLE evidence (
  terminal TEXT NOT NULL REFERENCES terminals(id), cycle INTEGER NOT NULL,
  requests INTEGER NOT NULL, replies INTEGER NOT NULL, duplicates INTEGER NOT NULL, late INTEGER NOT NULL,
  integrity_failures INTEGER NOT NULL, delay_sum_ms REAL NOT NULL, delay_count INTEGER NOT NULL,
  PRIMARY KEY (terminal, cycle)
) STRICT, WITHOUT ROWID;
CREATE TABLE reject_counts (
  reason TEXT NOT NULL, terminal TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL,
  PRIMARY KEY (reason, terminal)
) STRICT, WITHOUT ROWID;
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  subject TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`,
  },
  {
    version: 2,
    name: 'key grace window (spec §2.3): deactivated keys still process frames until grace_until',
    sql: 'ALTER TABLE keys ADD COLUMN grace_until INTEGER;',
  },
  {
    version: 3,
    name: 'arrival-ordered readings inbox (merged into readings later); evidence keyed by cycle first',
    sql: `
CREATE TABLE readings_inbox (
  id INTEGER PRIMARY KEY, terminal TEXT NOT NULL, purpose INTEGER NOT NULL,
  key_version INTEGER NOT NULL, fc INTEGER NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
  voltage REAL, current REAL, active_power REAL, reactive_power REAL, power_factor REAL,
  frequency REAL, energy_import REAL, energy_export REAL, raw BLOB
) STRICT;
CREATE VIEW readings_all AS
  SELECT ${READING_FIELDS} FROM readings UNION ALL SELECT ${READING_FIELDS} FROM readings_inbox;
CREATE TABLE evidence_by_cycle (
  cycle INTEGER NOT NULL, terminal TEXT NOT NULL REFERENCES terminals(id),
  requests INTEGER NOT NULL, replies INTEGER NOT NULL, duplicates INTEGER NOT NULL, late INTEGER NOT NULL,
  integrity_failures INTEGER NOT NULL, delay_sum_ms REAL NOT NULL, delay_count INTEGER NOT NULL,
  PRIMARY KEY (cycle, terminal)
) STRICT, WITHOUT ROWID;
INSERT INTO evidence_by_cycle SELECT cycle, terminal, requests, replies, duplicates, late,
  integrity_failures, delay_sum_ms, delay_count FROM evidence;
DROP TABLE evidence;
ALTER TABLE evidence_by_cycle RENAME TO evidence;
CREATE INDEX evidence_terminal ON evidence (terminal, cycle);
`,
  },
];

/**
 * Brings the database up to the newest migration; returns the versions applied now. Refuses a
 * database that has versions this code does not know (written by a newer gridtrust).
 */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const done = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM migrations')
      .all()
      .map((r) => r.version),
  );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...done].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new StorageError(
      'GT_ERR_STORAGE_SCHEMA_TOO_NEW',
      `database has unknown schema versions ${unknown.join(', ')}`,
      {
        hint: 'this data directory was written by a newer gridtrust: upgrade, or use another --data-dir',
      },
    );
  }
  const record = db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    })();
    applied.push(m.version);
  }
  return applied;
}
