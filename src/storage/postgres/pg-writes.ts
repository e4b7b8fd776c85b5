// The PostgreSQL store's writes: one multi-row statement per table per group (unnest), audit under a lock.
import type pg from 'pg';
import type { AuditInput, KeyRecord, TerminalRecord } from '../../keys/index.ts';
import { GENESIS_HASH, chainAuditRecords } from '../audit-chain.ts';
import { StorageError } from '../errors.ts';
import { bitmapFromHex, bitmapToHex, mergeReplayStates, readingUpdates } from '../replay-merge.ts';
import { evidenceKey, readingKey, replayId, sumEvidence } from '../store-helpers.ts';
import type { AuditRecord, CommitBatch, CommitResult, EvidenceRecord, ReplayUpdate } from '../types.ts';
import { duplicate, unknownTerminal } from '../validate.ts';

/** Serialises appends to the audit chain across processes (transaction-scoped advisory lock). */
const AUDIT_LOCK = 7_152_002;

/** Runs `fn` in one transaction on a pooled client; rolls back and rethrows on any failure. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw mapPgError(e);
  } finally {
    c.release();
  }
}

/** Unique and foreign-key violations raced past our checks become the port's errors. */
function mapPgError(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  if (code === '23505')
    return new StorageError('GT_ERR_STORAGE_DUPLICATE', 'record exists already', { cause: e });
  if (code === '23503')
    return new StorageError('GT_ERR_STORAGE_UNKNOWN_TERMINAL', 'unknown terminal', { cause: e });
  return e;
}

export async function appendAuditPg(
  c: pg.PoolClient,
  entries: readonly AuditInput[],
): Promise<AuditRecord[]> {
  if (entries.length === 0) return [];
  await c.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const head = (
    await c.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
  ).rows[0];
  const recs = chainAuditRecords(head?.seq ?? 0, head?.hash ?? GENESIS_HASH, entries);
  await c.query(
    `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      recs.map((r) => r.seq),
      recs.map((r) => r.at),
      recs.map((r) => r.actor),
      recs.map((r) => r.action),
      recs.map((r) => r.subject),
      recs.map((r) => JSON.stringify(r.details)),
      recs.map((r) => r.prevHash),
      recs.map((r) => r.hash),
    ],
  );
  return recs;
}

export async function insertTerminalsPg(c: pg.PoolClient, ts: readonly TerminalRecord[]): Promise<void> {
  if (ts.length === 0) return;
  const ids = ts.map((t) => t.id);
  const existing = await c.query<{ id: string }>('SELECT id FROM terminals WHERE id = ANY($1::text[])', [
    ids,
  ]);
  const first = existing.rows[0];
  if (first !== undefined) duplicate(`terminal ${first.id}`);
  if (new Set(ids).size !== ids.length) duplicate('terminal (twice in one call)');
  await c.query(
    `INSERT INTO terminals (id, type, fusion_terminal, tenant, created_at, status)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])`,
    [
      ids,
      ts.map((t) => t.type),
      ts.map((t) => t.fusionTerminal),
      ts.map((t) => t.tenant),
      ts.map((t) => t.createdAt),
      ts.map((t) => t.status),
    ],
  );
}

export async function insertKeysPg(c: pg.PoolClient, ks: readonly KeyRecord[]): Promise<void> {
  if (ks.length === 0) return;
  const terms = [...new Set(ks.map((k) => k.terminal))];
  const known = new Set(
    (await c.query<{ id: string }>('SELECT id FROM terminals WHERE id = ANY($1::text[])', [terms])).rows.map(
      (r) => r.id,
    ),
  );
  for (const t of terms) if (!known.has(t)) unknownTerminal(t);
  const cols = [ks.map((k) => k.terminal), ks.map((k) => k.purpose), ks.map((k) => k.version)];
  const clash = await c.query<{ terminal: string; purpose: number; version: number }>(
    `SELECT terminal, purpose, version FROM keys WHERE (terminal, purpose, version) IN
       (SELECT * FROM unnest($1::text[], $2::int[], $3::int[]))`,
    cols,
  );
  const k0 = clash.rows[0];
  if (k0 !== undefined) duplicate(`key ${k0.terminal}/${k0.purpose}/${k0.version}`);
  await c.query(
    `INSERT INTO keys (terminal, purpose, version, state, wrapped, created_at, updated_at, grace_until)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::bytea[], $6::bigint[], $7::bigint[], $8::bigint[])`,
    [
      ...cols,
      ks.map((k) => k.state),
      ks.map((k) => (k.wrapped === null ? null : Buffer.from(k.wrapped))),
      ks.map((k) => k.createdAt),
      ks.map((k) => k.updatedAt),
      ks.map((k) => k.graceUntil),
    ],
  );
}

const READING_COLS = [
  ['terminal', 'text'],
  ['purpose', 'int'],
  ['key_version', 'int'],
  ['fc', 'bigint'],
  ['ts', 'bigint'],
  ['received_at', 'bigint'],
  ['voltage', 'float8'],
  ['current', 'float8'],
  ['active_power', 'float8'],
  ['reactive_power', 'float8'],
  ['power_factor', 'float8'],
  ['frequency', 'float8'],
  ['energy_import', 'float8'],
  ['energy_export', 'float8'],
  ['raw', 'bytea'],
] as const;
const INSERT_READINGS = `INSERT INTO readings (${READING_COLS.map(([n]) => n).join(', ')})
  SELECT * FROM unnest(${READING_COLS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})
  ON CONFLICT DO NOTHING RETURNING terminal, purpose, key_version AS "keyVersion", fc`;

/** Inserts every reading of the group in one statement; returns each batch's stored count and duplicates. */
async function insertReadingsPg(c: pg.PoolClient, batches: readonly CommitBatch[]): Promise<CommitResult[]> {
  // Sorted by key (stable) so that concurrent groups take index locks in one order: no deadlock.
  const rows = batches
    .flatMap((b, bi) => (b.readings ?? []).map((r, ri) => ({ bi, ri, r, k: readingKey(r) })))
    .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  const results = batches.map(() => ({ stored: 0, duplicates: [] as number[] }));
  if (rows.length === 0) return results;
  const v = rows.map((x) => x.r);
  const res = await c.query<{ terminal: string; purpose: number; keyVersion: number; fc: number }>(
    INSERT_READINGS,
    [
      v.map((r) => r.terminal),
      v.map((r) => r.purpose),
      v.map((r) => r.keyVersion),
      v.map((r) => r.fc),
      v.map((r) => r.ts),
      v.map((r) => r.receivedAt),
      v.map((r) => r.voltage ?? null),
      v.map((r) => r.current ?? null),
      v.map((r) => r.activePower ?? null),
      v.map((r) => r.reactivePower ?? null),
      v.map((r) => r.powerFactor ?? null),
      v.map((r) => r.frequency ?? null),
      v.map((r) => r.energyImport ?? null),
      v.map((r) => r.energyExport ?? null),
      v.map((r) => (r.raw == null ? null : Buffer.from(r.raw))),
    ],
  );
  // The first occurrence in input order is the one inserted; any later one in the group is a duplicate.
  const inserted = new Set(res.rows.map((r) => `${r.terminal}/${r.purpose}/${r.keyVersion}/${r.fc}`));
  for (const { bi, ri, k } of rows) {
    const out = results[bi]!;
    if (inserted.delete(k)) out.stored += 1;
    else out.duplicates.push(ri);
  }
  for (const r of results) r.duplicates.sort((a, b) => a - b);
  return results;
}

async function mergeReplayPg(c: pg.PoolClient, updates: readonly ReplayUpdate[]): Promise<void> {
  const merged = new Map<string, ReplayUpdate>();
  for (const u of updates) {
    const prev = merged.get(replayId(u));
    merged.set(replayId(u), prev === undefined ? u : { ...u, state: mergeReplayStates(prev.state, u.state) });
  }
  if (merged.size === 0) return;
  // Sorted so that concurrent writers lock rows in the same order (no deadlock).
  const us = [...merged.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, u]) => u);
  const keys = [
    us.map((u) => u.terminal),
    us.map((u) => u.purpose),
    us.map((u) => u.dir),
    us.map((u) => u.version),
  ];
  const cur = await c.query<{
    terminal: string;
    purpose: number;
    dir: number;
    version: number;
    highest: number;
    bitmap: string;
  }>(
    `SELECT terminal, purpose, dir, version, highest, bitmap FROM replay_state WHERE (terminal, purpose, dir, version) IN
       (SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[])) ORDER BY terminal, purpose, dir, version FOR UPDATE`,
    keys,
  );
  const stored = new Map(
    cur.rows.map((r) => [replayId({ ...r, terminal: r.terminal as never, dir: r.dir === 1 ? 1 : 0 }), r]),
  );
  const next = us.map((u) => {
    const row = stored.get(replayId(u));
    return row === undefined
      ? u.state
      : mergeReplayStates({ highest: row.highest, bitmap: bitmapFromHex(row.bitmap) }, u.state);
  });
  await c.query(
    `INSERT INTO replay_state (terminal, purpose, dir, version, highest, bitmap)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::bigint[], $6::text[])
     ON CONFLICT (terminal, purpose, dir, version) DO UPDATE SET highest = excluded.highest, bitmap = excluded.bitmap`,
    [...keys, next.map((s) => s.highest), next.map((s) => bitmapToHex(s.bitmap))],
  );
}

async function addEvidencePg(c: pg.PoolClient, batches: readonly CommitBatch[]): Promise<void> {
  const sums = new Map<string, EvidenceRecord>();
  for (const d of batches.flatMap((b) => b.evidenceDeltas ?? []))
    sums.set(evidenceKey(d), sumEvidence(sums.get(evidenceKey(d)), d));
  if (sums.size === 0) return;
  const es = [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e);
  const col = (k: keyof EvidenceRecord) => es.map((e) => e[k]);
  await c.query(
    `INSERT INTO evidence (terminal, cycle, requests, replies, duplicates, late, integrity_failures, delay_sum_ms, delay_count)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
       $8::float8[], $9::bigint[])
     ON CONFLICT (terminal, cycle) DO UPDATE SET requests = evidence.requests + excluded.requests,
       replies = evidence.replies + excluded.replies, duplicates = evidence.duplicates + excluded.duplicates,
       late = evidence.late + excluded.late, integrity_failures = evidence.integrity_failures + excluded.integrity_failures,
       delay_sum_ms = evidence.delay_sum_ms + excluded.delay_sum_ms, delay_count = evidence.delay_count + excluded.delay_count`,
    [
      col('terminal'),
      col('cycle'),
      col('requests'),
      col('replies'),
      col('duplicates'),
      col('late'),
      col('integrityFailures'),
      col('delaySumMs'),
      col('delayCount'),
    ],
  );
}

async function addRejectsPg(c: pg.PoolClient, batches: readonly CommitBatch[]): Promise<void> {
  const sums = new Map<string, number>();
  for (const r of batches.flatMap((b) => b.rejectCounts ?? [])) {
    const k = `${r.reason}\u0000${r.terminal ?? ''}`;
    sums.set(k, (sums.get(k) ?? 0) + r.count);
  }
  if (sums.size === 0) return;
  const ks = [...sums.keys()].sort();
  await c.query(
    `INSERT INTO reject_counts (reason, terminal, count) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
     ON CONFLICT (reason, terminal) DO UPDATE SET count = reject_counts.count + excluded.count`,
    [ks.map((k) => k.split('\u0000')[0]), ks.map((k) => k.split('\u0000')[1]), ks.map((k) => sums.get(k))],
  );
}

/** Writes a whole group of (validated, known-terminal) batches inside the caller's transaction. */
export async function commitGroupPg(
  c: pg.PoolClient,
  batches: readonly CommitBatch[],
): Promise<CommitResult[]> {
  const results = await insertReadingsPg(c, batches);
  await mergeReplayPg(
    c,
    batches.flatMap((b) => [...readingUpdates(b.readings), ...(b.replayUpdates ?? [])]),
  );
  await addEvidencePg(c, batches);
  await addRejectsPg(c, batches);
  await appendAuditPg(
    c,
    batches.flatMap((b) => b.audit ?? []),
  );
  return results;
}
