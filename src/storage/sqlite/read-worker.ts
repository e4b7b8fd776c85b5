// Heavy reads (reading ranges, aggregates, audit pages) on a second, read-only connection in a worker thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { StorageError } from '../errors.ts';

/** Runs a read-only SQL query and returns its rows. */
export interface SqlReader {
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/*
 * The worker body is plain CommonJS evaluated from a string: it then runs the same under tsx, vitest
 * and plain node (a .ts worker file would need a loader in each). It only executes SQL it is given.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const cache = new Map();
parentPort.on('message', (m) => {
  try {
    let st = cache.get(m.sql);
    if (st === undefined) { st = db.prepare(m.sql); cache.set(m.sql, st); }
    parentPort.postMessage({ id: m.id, rows: st.all(...m.params) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Reply {
  id: number;
  rows?: unknown[];
  error?: string;
}

const workerFailed = (what: string, cause?: unknown): StorageError =>
  new StorageError('GT_ERR_STORAGE_READ_WORKER', `read worker: ${what}`, {
    hint: 'ingestion is not affected; retry the query, restart the process if it persists',
    cause,
  });

/**
 * Starts a worker thread with its own read-only connection to `path` (WAL lets it read while the
 * main connection writes, so a long range query never delays a group commit).
 */
export function createWorkerReader(path: string): SqlReader {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path } });
  worker.unref();
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>();
  let next = 1;
  let failure: StorageError | undefined;
  const failAll = (e: StorageError): void => {
    failure = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(workerFailed(m.error));
    else w?.resolve(m.rows ?? []);
  });
  worker.on('error', (e) => failAll(workerFailed('crashed', e)));
  worker.on('exit', (code) => failAll(workerFailed(`exited with code ${code}`)));
  return {
    all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      if (failure !== undefined) return Promise.reject(failure);
      const id = next++;
      return new Promise<T[]>((resolve, reject) => {
        waiting.set(id, { resolve: (rows) => resolve(rows as T[]), reject });
        if (waiting.size === 1) worker.ref();
        worker.postMessage({ id, sql, params });
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
