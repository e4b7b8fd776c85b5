// The SQLite store's terminal and key methods (the RegistryStore part of the port).
import type Database from 'better-sqlite3';
import {
  checkKeyTransition,
  type KeyRecord,
  type KeyTransitionRequest,
  type KeyTransitionResult,
  type RegistryStore,
  type TerminalRecord,
} from '../../keys/index.ts';
import { statusAudit, transitionAudit } from '../store-helpers.ts';
import type { Store, TerminalStatusChange } from '../types.ts';
import { validateKey, validateTerminal } from '../validate.ts';
import { appendAuditSync, insertKeysSync, insertTerminalsSync, type WriteOps } from './write-ops.ts';

/** Wraps a synchronous step: rejects when the store is closed, turns a throw into a rejection. */
export type Live = <T>(fn: () => T | Promise<T>) => Promise<T>;

const TERMINAL_COLUMNS = `id, type, fusion_terminal AS fusionTerminal, tenant, created_at AS createdAt, status`;
const KEY_COLUMNS = `terminal, purpose, version, state, wrapped, created_at AS createdAt, updated_at AS updatedAt,
  grace_until AS graceUntil`;

interface KeyRow extends Omit<KeyRecord, 'wrapped'> {
  wrapped: Buffer | null;
}

function toKey(row: KeyRow): KeyRecord {
  return { ...row, wrapped: row.wrapped === null ? null : new Uint8Array(row.wrapped) };
}

function prepare(db: Database.Database) {
  return {
    terminal: db.prepare<[string], TerminalRecord>(`SELECT ${TERMINAL_COLUMNS} FROM terminals WHERE id = ?`),
    terminals: db.prepare<[number | null, number | null], TerminalRecord>(
      `SELECT ${TERMINAL_COLUMNS} FROM terminals WHERE (? IS NULL OR tenant = ?) ORDER BY id`,
    ),
    key: db.prepare<[string, number, number], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE terminal = ? AND purpose = ? AND version = ?`,
    ),
    keys: db.prepare<[string], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE terminal = ? ORDER BY purpose, version`,
    ),
    setKeyState: db.prepare(
      `UPDATE keys SET state = ?, wrapped = CASE WHEN ? = 1 THEN NULL ELSE wrapped END, updated_at = ?,
         grace_until = ? WHERE terminal = ? AND purpose = ? AND version = ?`,
    ),
    setStatus: db.prepare('UPDATE terminals SET status = ? WHERE id = ?'),
  };
}

type Queries = ReturnType<typeof prepare>;

/** One §3.1-checked transition and its audit record (runs inside the caller's transaction). */
function transitionSync(q: Queries, ops: WriteOps, req: KeyTransitionRequest): KeyTransitionResult {
  const k = q.key.get(req.key.terminal, req.key.purpose, req.key.version);
  if (k === undefined) return { ok: false, reason: 'UNKNOWN_KEY' };
  const check = checkKeyTransition(k.state, req.to);
  if (!check.ok) return { ok: false, reason: check.reason, from: k.state };
  const erase = req.to === 'destroyed' ? 1 : 0;
  const grace = req.to === 'deactivated' ? (req.graceUntil ?? null) : null;
  q.setKeyState.run(req.to, erase, req.at, grace, req.key.terminal, req.key.purpose, req.key.version);
  appendAuditSync(ops, [transitionAudit(req, k.state)]);
  return { ok: true, from: k.state, to: req.to };
}

function statusSync(q: Queries, ops: WriteOps, c: TerminalStatusChange): boolean {
  const t = q.terminal.get(c.id);
  if (t === undefined) return false;
  q.setStatus.run(c.status, c.id);
  appendAuditSync(ops, [statusAudit(t, c)]);
  return true;
}

/** The terminal and key methods of the SQLite store, on the main (writing) connection. */
export function createRegistryPart(
  db: Database.Database,
  ops: WriteOps,
  live: Live,
): RegistryStore & Pick<Store, 'setTerminalStatus'> {
  const q = prepare(db);
  return {
    addTerminals: (input) =>
      live(() => {
        input.terminals.forEach(validateTerminal);
        input.keys.forEach(validateKey);
        db.transaction(() => {
          insertTerminalsSync(ops, input.terminals);
          insertKeysSync(ops, input.keys);
          appendAuditSync(ops, input.audit);
        }).immediate();
      }),
    getTerminal: (id) => live(() => q.terminal.get(id)),
    listTerminals: (f = {}) => live(() => q.terminals.all(f.tenant ?? null, f.tenant ?? null)),
    addKeys: (input) =>
      live(() => {
        input.keys.forEach(validateKey);
        db.transaction(() => {
          insertKeysSync(ops, input.keys);
          appendAuditSync(ops, input.audit);
        }).immediate();
      }),
    getKey: (ref) =>
      live(() => {
        const row = q.key.get(ref.terminal, ref.purpose, ref.version);
        return row === undefined ? undefined : toKey(row);
      }),
    listKeys: (terminal) => live(() => q.keys.all(terminal).map(toKey)),
    transitionKey: (req) => live(() => db.transaction(() => transitionSync(q, ops, req)).immediate()),
    setTerminalStatus: (c) => live(() => db.transaction(() => statusSync(q, ops, c)).immediate()),
  };
}
