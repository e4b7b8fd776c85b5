// Group commit: many callers' batches written in one SQLite transaction, each promise settled after COMMIT.
import type Database from 'better-sqlite3';
import { StorageError } from '../errors.ts';
import type { GroupCommitOptions } from '../types.ts';

export type { GroupCommitOptions };

interface Pending<B, R> {
  readonly batch: B;
  readonly resolve: (r: R) => void;
  readonly reject: (e: Error) => void;
}

/** Collects batches and writes them together; `apply` runs once per batch inside one transaction. */
export interface GroupCommitter<B, R> {
  submit(batch: B, items: number): Promise<R>;
  /** Writes everything pending now; resolves when it is committed. */
  flush(): Promise<void>;
  /** Number of transactions committed so far (for metrics and the benchmark). */
  readonly groups: number;
}

/**
 * Creates a batcher over one connection. Each caller's batch runs in its own SAVEPOINT inside the
 * group's transaction, so an invalid batch fails only its caller; callers are resolved only after
 * the group's COMMIT returned — with `synchronous=FULL` that is after the WAL fsync — which is the
 * moment ingestion may acknowledge a frame.
 */
export function createGroupCommitter<B, R>(
  db: Database.Database,
  apply: (batch: B) => R,
  options: GroupCommitOptions = {},
): GroupCommitter<B, R> {
  const maxDelayMs = options.maxDelayMs ?? 2;
  const maxItems = options.maxItems ?? 2000;
  let queue: Pending<B, R>[] = [];
  let items = 0;
  let timer: NodeJS.Timeout | undefined;
  let groups = 0;
  // Fast path: the whole group without savepoints (batches were validated before queueing, so a
  // failure is rare); on any failure nothing was committed and the group is redone batch by batch.
  const fast = db.transaction((ps: readonly Pending<B, R>[]) =>
    ps.map((p): { ok: true; value: R } => ({ ok: true, value: apply(p.batch) })),
  );
  const one = db.transaction((b: B) => apply(b));
  const isolated = db.transaction((ps: readonly Pending<B, R>[]) =>
    ps.map((p): { ok: true; value: R } | { ok: false; error: Error } => {
      try {
        return { ok: true, value: one(p.batch) };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
  const flushNow = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const ps = queue;
    queue = [];
    items = 0;
    if (ps.length === 0) return;
    let outcomes: ReturnType<typeof isolated>;
    try {
      try {
        outcomes = fast(ps);
      } catch {
        outcomes = isolated(ps);
      }
      groups += 1;
    } catch (cause) {
      const e = new StorageError('GT_ERR_STORAGE_WRITE', 'the group commit transaction failed', {
        hint: 'check free disk space and that no other process holds a write lock on the database',
        cause,
      });
      for (const p of ps) p.reject(e);
      return;
    }
    outcomes.forEach((o, i) => {
      const p = ps[i];
      if (p === undefined) return;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  };
  return {
    submit(batch, n) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ batch, resolve, reject });
        items += Math.max(1, n);
        if (items >= maxItems) flushNow();
        else timer ??= setTimeout(flushNow, maxDelayMs);
      });
    },
    flush() {
      flushNow();
      return Promise.resolve();
    },
    get groups() {
      return groups;
    },
  };
}
