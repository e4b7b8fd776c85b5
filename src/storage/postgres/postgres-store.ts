// PostgresStore: the cluster store (pg pool, multi-row unnest writes, group commit, advisory-locked audit chain).
import pg from 'pg';
import type { TerminalId } from '../../core/index.ts';
import {
  checkKeyTransition,
  type KeyRecord,
  type KeyTransitionRequest,
  type KeyTransitionResult,
  type TerminalRecord,
} from '../../keys/index.ts';
import { StorageError } from '../errors.ts';
import { statusAudit, transitionAudit } from '../store-helpers.ts';
import type { GroupCommitOptions, Store, TerminalStatusChange } from '../types.ts';
import { validateBatch, validateKey, validateTerminal } from '../validate.ts';
import { applyPgMigrations } from './migrations.ts';
import { createPgGroupCommitter } from './pg-group-commit.ts';
import { listMonths, openReadingPartitions, type PartitionOptions } from './pg-partitions.ts';
import { readPart } from './pg-reads.ts';
import { appendAuditPg, inTransaction, insertKeysPg, insertTerminalsPg } from './pg-writes.ts';

export interface PostgresStoreOptions {
  /** e.g. `postgres://user@127.0.0.1:5432/gridtrust` */
  readonly connectionString: string;
  /** Schema holding the tables (created if missing). @default 'public' */
  readonly schema?: string;
  /** @default 8 */
  readonly poolSize?: number;
  readonly groupCommit?: GroupCommitOptions;
  /** Monthly partitions of the readings table: months created ahead, retention. */
  readonly partitions?: PartitionOptions;
}

export interface PostgresStore extends Store {
  readonly groupCommits: number;
  /**
   * Creates the months ahead and drops the partitions older than the retention (if one is set).
   * Runs at open and then at most hourly on the write path; call it from a scheduler for idle stores.
   */
  maintainPartitions(now?: number): Promise<{ dropped: string[]; partitions: string[] }>;
}

const MAINTAIN_EVERY_MS = 3_600_000;

// BIGINT columns hold ms timestamps, counters and fc: all below 2^53, so they are read as numbers.
const parseBigint = (v: string): number => Number(v);
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? parseBigint
      : (pg.types.getTypeParser(oid, format) as (
          v: string,
        ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

const TERMINAL_COLS =
  'id, type, fusion_terminal AS "fusionTerminal", tenant, created_at AS "createdAt", status';
const KEY_COLS = `terminal, purpose, version, state, wrapped, created_at AS "createdAt", updated_at AS "updatedAt",
  grace_until AS "graceUntil"`;
const toKey = (r: KeyRecord & { wrapped: Buffer | null }): KeyRecord => ({
  ...r,
  wrapped: r.wrapped === null ? null : new Uint8Array(r.wrapped),
});

async function openPool(o: PostgresStoreOptions): Promise<pg.Pool> {
  const schema = o.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StorageError('GT_ERR_STORAGE_OPEN', `schema name "${schema}" is not a plain identifier`, {
      hint: 'use lower-case letters, digits and _',
    });
  }
  const pool = new pg.Pool({
    connectionString: o.connectionString,
    max: o.poolSize ?? 8,
    types: TYPES,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', () => undefined); // an idle client's network error: the next query reports it
  try {
    const c = await pool.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await applyPgMigrations(c);
    } finally {
      c.release();
    }
    return pool;
  } catch (cause) {
    await pool.end().catch(() => undefined);
    if (cause instanceof StorageError) throw cause;
    throw new StorageError('GT_ERR_STORAGE_OPEN', 'cannot open the PostgreSQL store', {
      hint: 'check the connection string (host, port, user, database) and that PostgreSQL runs',
      cause,
    });
  }
}

async function transitionPg(pool: pg.Pool, req: KeyTransitionRequest): Promise<KeyTransitionResult> {
  return inTransaction(pool, async (c) => {
    const { terminal, purpose, version } = req.key;
    const k = (
      await c.query<KeyRecord>(
        `SELECT state FROM keys WHERE terminal = $1 AND purpose = $2 AND version = $3 FOR UPDATE`,
        [terminal, purpose, version],
      )
    ).rows[0];
    if (k === undefined) return { ok: false, reason: 'UNKNOWN_KEY' };
    const check = checkKeyTransition(k.state, req.to);
    if (!check.ok) return { ok: false, reason: check.reason, from: k.state };
    await c.query(
      `UPDATE keys SET state = $1, wrapped = CASE WHEN $1 = 'destroyed' THEN NULL ELSE wrapped END, updated_at = $2,
         grace_until = $3 WHERE terminal = $4 AND purpose = $5 AND version = $6`,
      [
        req.to,
        req.at,
        req.to === 'deactivated' ? (req.graceUntil ?? null) : null,
        terminal,
        purpose,
        version,
      ],
    );
    await appendAuditPg(c, [transitionAudit(req, k.state)]);
    return { ok: true, from: k.state, to: req.to };
  });
}

async function statusPg(pool: pg.Pool, ch: TerminalStatusChange): Promise<boolean> {
  return inTransaction(pool, async (c) => {
    const t = (
      await c.query<TerminalRecord>(`SELECT ${TERMINAL_COLS} FROM terminals WHERE id = $1 FOR UPDATE`, [
        ch.id,
      ])
    ).rows[0];
    if (t === undefined) return false;
    await c.query('UPDATE terminals SET status = $1 WHERE id = $2', [ch.status, ch.id]);
    await appendAuditPg(c, [statusAudit(t, ch)]);
    return true;
  });
}

function registryPart(pool: pg.Pool) {
  return {
    addTerminals: async (input: Parameters<Store['addTerminals']>[0]) => {
      input.terminals.forEach(validateTerminal);
      input.keys.forEach(validateKey);
      await inTransaction(pool, async (c) => {
        await insertTerminalsPg(c, input.terminals);
        await insertKeysPg(c, input.keys);
        await appendAuditPg(c, input.audit);
      });
    },
    getTerminal: async (id: TerminalId) =>
      (await pool.query<TerminalRecord>(`SELECT ${TERMINAL_COLS} FROM terminals WHERE id = $1`, [id]))
        .rows[0],
    listTerminals: async (f: { tenant?: number } = {}) =>
      (
        await pool.query<TerminalRecord>(
          `SELECT ${TERMINAL_COLS} FROM terminals WHERE ($1::bigint IS NULL OR tenant = $1) ORDER BY id`,
          [f.tenant ?? null],
        )
      ).rows,
    addKeys: async (input: Parameters<Store['addKeys']>[0]) => {
      input.keys.forEach(validateKey);
      await inTransaction(pool, async (c) => {
        await insertKeysPg(c, input.keys);
        await appendAuditPg(c, input.audit);
      });
    },
    getKey: async (ref: Parameters<Store['getKey']>[0]) => {
      const r = await pool.query<KeyRecord & { wrapped: Buffer | null }>(
        `SELECT ${KEY_COLS} FROM keys WHERE terminal = $1 AND purpose = $2 AND version = $3`,
        [ref.terminal, ref.purpose, ref.version],
      );
      return r.rows[0] === undefined ? undefined : toKey(r.rows[0]);
    },
    listKeys: async (terminal: TerminalId) =>
      (
        await pool.query<KeyRecord & { wrapped: Buffer | null }>(
          `SELECT ${KEY_COLS} FROM keys WHERE terminal = $1 ORDER BY purpose, version`,
          [terminal],
        )
      ).rows.map(toKey),
    transitionKey: (req: KeyTransitionRequest) => transitionPg(pool, req),
    setTerminalStatus: (ch: TerminalStatusChange) => statusPg(pool, ch),
  };
}

/**
 * Opens a PostgreSQL store (creating the schema and migrating it if needed).
 * @example
 * const store = await openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1/gridtrust' });
 */
export async function openPostgresStore(o: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = await openPool(o);
  const partitions = await openReadingPartitions(pool, { ...o.partitions, now: Date.now() }).catch(
    async (cause: unknown) => {
      await pool.end().catch(() => undefined);
      throw new StorageError('GT_ERR_STORAGE_OPEN', 'cannot create the monthly partitions of readings', {
        hint: 'the database user needs CREATE on the schema',
        cause,
      });
    },
  );
  const committer = createPgGroupCommitter(pool, { ...o.groupCommit, partitions });
  const maintainPartitions = async (now = Date.now()) => {
    nextMaintenance = now + MAINTAIN_EVERY_MS;
    const dropped = await partitions.maintain(now);
    return { dropped, partitions: await listMonths(pool) };
  };
  let nextMaintenance = Date.now() + MAINTAIN_EVERY_MS;
  let closed = false;
  const guard =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      closed
        ? Promise.reject(
            new StorageError('GT_ERR_STORAGE_CLOSED', 'the store is closed', { hint: 'open a new store' }),
          )
        : fn(...a);
  const parts = { ...registryPart(pool), ...readPart(pool) };
  const guarded = Object.fromEntries(
    Object.entries(parts).map(([k, f]) => [k, guard(f as (...a: unknown[]) => Promise<unknown>)]),
  ) as typeof parts;
  return {
    ...guarded,
    get groupCommits() {
      return committer.groups;
    },
    maintainPartitions: guard(maintainPartitions),
    commitBatch: guard(async (batch: Parameters<Store['commitBatch']>[0]) => {
      validateBatch(batch);
      if (Date.now() >= nextMaintenance) void maintainPartitions().catch(() => undefined);
      return committer.submit(batch);
    }),
    close: async () => {
      if (closed) return;
      closed = true; // refuse new work first, then write what was accepted before
      await committer.flush();
      await pool.end();
    },
  };
}
