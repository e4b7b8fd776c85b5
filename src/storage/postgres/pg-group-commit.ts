// Group commit over PostgreSQL: one transaction per group, one flush in flight; isolation retry on failure.
import type pg from 'pg';
import type { CommitBatch, CommitResult, GroupCommitOptions } from '../types.ts';
import { batchTerminals, unknownTerminal } from '../validate.ts';
import type { ReadingPartitions } from './pg-partitions.ts';
import { commitGroupPg, inTransaction } from './pg-writes.ts';

interface Pending {
  readonly batch: CommitBatch;
  readonly resolve: (r: CommitResult) => void;
  readonly reject: (e: Error) => void;
}

export interface PgGroupCommitter {
  submit(batch: CommitBatch): Promise<CommitResult>;
  /** Resolves once everything queued so far is committed. */
  flush(): Promise<void>;
  readonly groups: number;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Rejects (individually) the batches naming a terminal the database does not know. */
async function dropUnknown(pool: pg.Pool, known: Set<string>, ps: readonly Pending[]): Promise<Pending[]> {
  // Terminals are never deleted, so ids seen once are cached and only new ones cost a query.
  const ask = [...new Set(ps.flatMap((p) => [...batchTerminals(p.batch)]))].filter((t) => !known.has(t));
  if (ask.length > 0) {
    const rows = await pool.query<{ id: string }>('SELECT id FROM terminals WHERE id = ANY($1::text[])', [
      ask,
    ]);
    for (const r of rows.rows) known.add(r.id);
  }
  return ps.filter((p) => {
    const missing = [...batchTerminals(p.batch)].find((t) => !known.has(t));
    if (missing === undefined) return true;
    try {
      unknownTerminal(missing);
    } catch (e) {
      p.reject(asError(e));
    }
    return false;
  });
}

/**
 * Like the SQLite group committer (same options), but asynchronous: up to `concurrency` group
 * transactions run at once on the pool; while they are in flight the next group gathers, so slower
 * commits make groups larger. Concurrent groups are safe: readings dedup on the unique key, replay
 * rows are locked in sorted order and merged commutatively, counters add.
 */
export function createPgGroupCommitter(
  pool: pg.Pool,
  options: GroupCommitOptions & { concurrency?: number; partitions?: ReadingPartitions } = {},
): PgGroupCommitter {
  const maxDelayMs = options.maxDelayMs ?? 2;
  const maxItems = options.maxItems ?? 2000;
  const concurrency = options.concurrency ?? 3;
  const known = new Set<string>();
  let queue: Pending[] = [];
  let items = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  let groups = 0;
  const write = async (ps: readonly Pending[]): Promise<void> => {
    const live = await dropUnknown(pool, known, ps).catch((e: unknown) => {
      ps.forEach((p) => p.reject(asError(e)));
      return [];
    });
    if (live.length === 0) return;
    try {
      await options.partitions?.prepare(live.flatMap((p) => (p.batch.readings ?? []).map((r) => r.ts)));
      const results = await inTransaction(pool, (c) =>
        commitGroupPg(
          c,
          live.map((p) => p.batch),
        ),
      );
      groups += 1;
      live.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      if (live.length === 1) live[0]!.reject(asError(e));
      else for (const p of live) await write([p]); // isolate the failing batch
    }
  };
  const kick = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0 || inFlight >= concurrency) return;
    const ps = queue;
    queue = [];
    items = 0;
    inFlight += 1;
    const job: Promise<void> = write(ps).finally(() => {
      inFlight -= 1;
      running.delete(job);
      kick();
    });
    running.add(job);
  };
  return {
    submit(batch) {
      return new Promise<CommitResult>((resolve, reject) => {
        queue.push({ batch, resolve, reject });
        items += Math.max(1, batch.readings?.length ?? 1);
        if (items >= maxItems) kick();
        else timer ??= setTimeout(kick, maxDelayMs);
      });
    },
    async flush() {
      kick();
      while (running.size > 0 || queue.length > 0) {
        await Promise.all([...running]);
        kick();
      }
    },
    get groups() {
      return groups;
    },
  };
}
