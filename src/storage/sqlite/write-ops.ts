// Prepared write statements of the SQLite store and the synchronous steps each transaction runs.
import type Database from 'better-sqlite3';
import type { AuditInput, KeyRecord, TerminalRecord } from '../../keys/index.ts';
import { GENESIS_HASH, chainAuditRecords } from '../audit-chain.ts';
import { duplicate, unknownTerminal } from '../validate.ts';
import type { AuditRecord } from '../types.ts';

/** The statements one connection prepares once and reuses for every write. */
export type WriteOps = ReturnType<typeof prepareWriteOps>;

export function prepareWriteOps(db: Database.Database) {
  return {
    terminalExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM terminals WHERE id = ?'),
    insertTerminal: db.prepare(
      `INSERT INTO terminals (id, type, fusion_terminal, tenant, created_at, status)
       VALUES (@id, @type, @fusionTerminal, @tenant, @createdAt, @status)`,
    ),
    keyExists: db.prepare<[string, number, number], { one: number }>(
      'SELECT 1 AS one FROM keys WHERE terminal = ? AND purpose = ? AND version = ?',
    ),
    insertKey: db.prepare(
      `INSERT INTO keys (terminal, purpose, version, state, wrapped, created_at, updated_at, grace_until)
       VALUES (@terminal, @purpose, @version, @state, @wrapped, @createdAt, @updatedAt, @graceUntil)`,
    ),
    getReplay: db.prepare<[string, number, number, number], { highest: number; bitmap: string }>(
      'SELECT highest, bitmap FROM replay_state WHERE terminal = ? AND purpose = ? AND dir = ? AND version = ?',
    ),
    putReplay: db.prepare(
      `INSERT INTO replay_state (terminal, purpose, dir, version, highest, bitmap) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (terminal, purpose, dir, version) DO UPDATE SET highest = excluded.highest, bitmap = excluded.bitmap`,
    ),
    addEvidence: db.prepare(
      `INSERT INTO evidence (terminal, cycle, requests, replies, duplicates, late, integrity_failures,
         delay_sum_ms, delay_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cycle, terminal) DO UPDATE SET requests = requests + excluded.requests,
         replies = replies + excluded.replies, duplicates = duplicates + excluded.duplicates,
         late = late + excluded.late, integrity_failures = integrity_failures + excluded.integrity_failures,
         delay_sum_ms = delay_sum_ms + excluded.delay_sum_ms, delay_count = delay_count + excluded.delay_count`,
    ),
    addReject: db.prepare(
      `INSERT INTO reject_counts (reason, terminal, count) VALUES (?, ?, ?)
       ON CONFLICT (reason, terminal) DO UPDATE SET count = count + excluded.count`,
    ),
    auditHead: db.prepare<[], { seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    ),
    insertAudit: db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @subject, @details, @prevHash, @hash)`,
    ),
  };
}

/** Appends audit entries after the current head (inside the caller's transaction). */
export function appendAuditSync(ops: WriteOps, entries: readonly AuditInput[]): AuditRecord[] {
  if (entries.length === 0) return [];
  const head = ops.auditHead.get();
  const recs = chainAuditRecords(head?.seq ?? 0, head?.hash ?? GENESIS_HASH, entries);
  for (const r of recs) ops.insertAudit.run({ ...r, details: JSON.stringify(r.details) });
  return recs;
}

export function insertTerminalsSync(ops: WriteOps, terminals: readonly TerminalRecord[]): void {
  for (const t of terminals) {
    if (ops.terminalExists.get(t.id) !== undefined) duplicate(`terminal ${t.id}`);
    ops.insertTerminal.run(t);
  }
}

export function insertKeysSync(ops: WriteOps, keys: readonly KeyRecord[]): void {
  for (const k of keys) {
    if (ops.terminalExists.get(k.terminal) === undefined) unknownTerminal(k.terminal);
    if (ops.keyExists.get(k.terminal, k.purpose, k.version) !== undefined) {
      duplicate(`key ${k.terminal}/${k.purpose}/${k.version}`);
    }
    ops.insertKey.run({ ...k, wrapped: k.wrapped === null ? null : Buffer.from(k.wrapped) });
  }
}
