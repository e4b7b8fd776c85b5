// Monthly range partitions of `readings` on `ts` (UTC months): created ahead and on demand, dropped for retention.
import type pg from 'pg';

/** One UTC calendar month as the half-open range [from, to) of ms timestamps. */
export interface MonthRange {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

export interface PartitionOptions {
  /** Months created ahead of the current one at open and at each maintenance. @default 2 */
  readonly monthsAhead?: number;
  /**
   * Months of readings kept (the current month included); older partitions are dropped at maintenance.
   * @default undefined (keep everything)
   */
  readonly retentionMonths?: number;
  /**
   * Rows further than this many months ahead of now go to `readings_default` instead of a partition of
   * their own, so that a terminal with a wild clock cannot create partitions without bound. @default 12
   */
  readonly maxMonthsAhead?: number;
}

/** Serialises partition DDL between the processes sharing a database. */
const PARTITION_LOCK = 7_152_002;

/** The UTC month holding `ms`. */
export function monthOf(ms: number): MonthRange {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const from = Date.UTC(y, m, 1);
  const to = Date.UTC(y, m + 1, 1);
  return { name: `readings_${String(y).padStart(4, '0')}${String(m + 1).padStart(2, '0')}`, from, to };
}

/** `n` months after the month holding `ms` (negative: before). */
export function monthsAfter(ms: number, n: number): MonthRange {
  const d = new Date(ms);
  return monthOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}

const isCheckViolation = (e: unknown): boolean => (e as { code?: string }).code === '23514';

/**
 * Creates the partition for `m` if it does not exist. Rows already parked in the default partition for
 * that month are moved into it in the same transaction (PostgreSQL refuses the new partition otherwise).
 */
async function createMonth(c: pg.PoolClient, m: MonthRange): Promise<void> {
  const create = `CREATE TABLE IF NOT EXISTS ${m.name} PARTITION OF readings FOR VALUES FROM (${m.from}) TO (${m.to})`;
  await c.query('SAVEPOINT gt_part');
  try {
    await c.query(create);
    await c.query('RELEASE SAVEPOINT gt_part');
    return;
  } catch (e) {
    await c.query('ROLLBACK TO SAVEPOINT gt_part');
    if (!isCheckViolation(e)) throw e;
  }
  await c.query(`CREATE TEMP TABLE gt_parked ON COMMIT DROP AS
    WITH moved AS (DELETE FROM readings_default WHERE ts >= ${m.from} AND ts < ${m.to} RETURNING *)
    SELECT * FROM moved`);
  await c.query(create);
  await c.query('INSERT INTO readings SELECT * FROM gt_parked');
  await c.query('DROP TABLE gt_parked');
}

/** Creates, in one transaction under an advisory lock, every missing month partition of `months`. */
export async function ensureMonths(pool: pg.Pool, months: readonly MonthRange[]): Promise<void> {
  if (months.length === 0) return;
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    for (const m of months) await createMonth(c, m);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** The month partitions that exist, oldest first. */
export async function listMonths(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'readings' AND p.relnamespace = current_schema()::regnamespace
       AND c.relname ~ '^readings_[0-9]{6}$' ORDER BY c.relname`,
  );
  return r.rows.map((x) => x.name);
}

/**
 * Keeps the partitions of `readings` for a store: knows which months exist, creates the months a batch
 * needs before it is written, creates months ahead and drops expired ones at `maintain()`.
 */
export interface ReadingPartitions {
  /** Creates the partitions the timestamps fall into (those within `maxMonthsAhead`), if missing. */
  prepare(timestamps: readonly number[]): Promise<void>;
  /** Months ahead created, expired months dropped; returns the names dropped. */
  maintain(now: number): Promise<string[]>;
}

export async function openReadingPartitions(
  pool: pg.Pool,
  o: PartitionOptions & { now: number },
): Promise<ReadingPartitions> {
  const ahead = o.monthsAhead ?? 2;
  const maxAhead = o.maxMonthsAhead ?? 12;
  const known = new Set(await listMonths(pool));
  let nowMs = o.now;
  const ensure = async (ms: readonly MonthRange[]): Promise<void> => {
    const missing = ms.filter((m) => !known.has(m.name));
    await ensureMonths(pool, missing);
    for (const m of missing) known.add(m.name);
  };
  const maintain = async (now: number): Promise<string[]> => {
    nowMs = now;
    await ensure(Array.from({ length: ahead + 1 }, (_, i) => monthsAfter(now, i)));
    if (o.retentionMonths === undefined) return [];
    const keep = monthsAfter(now, -(o.retentionMonths - 1));
    const expired = (await listMonths(pool)).filter((n) => n < keep.name);
    for (const n of expired) {
      await pool.query(`DROP TABLE IF EXISTS ${n}`);
      known.delete(n);
    }
    await pool.query('DELETE FROM readings_default WHERE ts < $1', [keep.from]);
    return expired;
  };
  await maintain(o.now);
  return {
    prepare: async (timestamps) => {
      const limit = monthsAfter(nowMs, maxAhead).to;
      const need = new Map<string, MonthRange>();
      for (const t of timestamps) {
        if (t >= limit || t < 0) continue;
        const m = monthOf(t);
        if (!known.has(m.name)) need.set(m.name, m);
      }
      await ensure([...need.values()]);
    },
    maintain,
  };
}
