// Group commit over PostgreSQL: one transaction per group, one flush in flight; isolation retry on failure.
import type pg from 'pg';
import type { CommitBatch, CommitResult, GroupCommitOptions } from '../types.ts';
import { batchTerminals, unknownTerminal } from '../validate.ts';
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
async function dropUnknown(pool: pg.Pool, ps: readonly Pending[]): Promise<Pending[]> {
  const ids = [...new Set(ps.flatMap((p) => [...batchTerminals(p.batch)]))];
  if (ids.length === 0) return [...ps];
  const known = new Set(
    (await pool.query<{ id: string }>('SELECT id FROM terminals WHERE id = ANY($1::text[])', [ids])).rows.map(
      (r) => r.id,
    ),
  );
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
 * Like the SQLite group committer (same options), but asynchronous: while one group's transaction is
 * in flight the next group gathers, so a slower commit automatically makes groups larger.
 */
export function createPgGroupCommitter(pool: pg.Pool, options: GroupCommitOptions = {}): PgGroupCommitter {
  const maxDelayMs = options.maxDelayMs ?? 2;
  const maxItems = options.maxItems ?? 2000;
  let queue: Pending[] = [];
  let items = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let groups = 0;
  const write = async (ps: readonly Pending[]): Promise<void> => {
    const live = await dropUnknown(pool, ps).catch((e: unknown) => {
      ps.forEach((p) => p.reject(asError(e)));
      return [];
    });
    if (live.length === 0) return;
    try {
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
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const ps = queue;
    queue = [];
    items = 0;
    if (ps.length > 0) running = running.then(() => write(ps));
  };
  return {
    submit(batch) {
      return new Promise<CommitResult>((resolve, reject) => {
        queue.push({ batch, resolve, reject });
        items += Math.max(1, batch.readings?.length ?? 1);
        if (items >= maxItems) schedule();
        else timer ??= setTimeout(schedule, maxDelayMs);
      });
    },
    async flush() {
      schedule();
      await running;
    },
    get groups() {
      return groups;
    },
  };
}
