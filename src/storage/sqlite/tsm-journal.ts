// The TSM job journal in SQLite (its own database file, WAL, synchronous FULL): a job's cursor is on
// disk before `save` resolves, so a platform killed at any moment resumes from it.
import Database from 'better-sqlite3';
import { HOLDING, type CreateResult, type Job, type JobFilter, type JobJournal } from '../../tsm/index.ts';
import { StorageError } from '../errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tsm_jobs (
  job_id TEXT PRIMARY KEY,
  se_id TEXT NOT NULL,
  status TEXT NOT NULL,
  doc TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS tsm_jobs_one_holding ON tsm_jobs(se_id)
  WHERE status IN (${HOLDING.map((s) => `'${s}'`).join(',')});
CREATE INDEX IF NOT EXISTS tsm_jobs_se ON tsm_jobs(se_id);`;

/** Opens (creating when absent) the journal at `path`. */
export function openSqliteJobJournal(o: { path: string }): JobJournal {
  let db: Database.Database;
  try {
    db = new Database(o.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
  } catch (cause) {
    throw new StorageError('GT_ERR_STORAGE_OPEN', `cannot open the TSM journal ${o.path}`, {
      hint: 'check the data directory exists and is writable',
      cause,
    });
  }
  const ins = db.prepare('INSERT INTO tsm_jobs (job_id, se_id, status, doc) VALUES (?, ?, ?, ?)');
  const upd = db.prepare(
    'INSERT INTO tsm_jobs (job_id, se_id, status, doc) VALUES (?, ?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET status = excluded.status, doc = excluded.doc',
  );
  const one = db.prepare<[string], { doc: string }>('SELECT doc FROM tsm_jobs WHERE job_id = ?');
  const holding = db.prepare<[string], { job_id: string }>(
    `SELECT job_id FROM tsm_jobs WHERE se_id = ? AND status IN (${HOLDING.map((s) => `'${s}'`).join(',')})`,
  );
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM tsm_jobs ORDER BY rowid');
  const parse = (r: { doc: string } | undefined) => (r ? (JSON.parse(r.doc) as Job) : undefined);
  const guard = <T>(what: string, f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (cause) {
      if (cause instanceof StorageError) return Promise.reject(cause);
      return Promise.reject(
        new StorageError('GT_ERR_STORAGE_WRITE', `TSM journal: ${what} failed`, {
          hint: 'check the disk',
          cause,
        }),
      );
    }
  };
  return {
    create: (job) =>
      guard('create', (): CreateResult => {
        const busy = holding.get(job.seId);
        if (busy && job.status !== 'paused')
          return { ok: false, reason: 'SE_BUSY', activeJobId: busy.job_id };
        ins.run(job.jobId, job.seId, job.status, JSON.stringify(job));
        return { ok: true };
      }),
    save: (job) =>
      guard('save', () => {
        upd.run(job.jobId, job.seId, job.status, JSON.stringify(job));
      }),
    get: (id) => guard('get', () => parse(one.get(id))),
    list: (f: JobFilter = {}) =>
      guard('list', () =>
        all
          .all()
          .map((r) => parse(r)!)
          .filter(
            (j) =>
              (f.seId === undefined || j.seId === f.seId) &&
              (f.status === undefined || j.status === f.status),
          ),
      ),
    close: () => guard('close', () => void db.close()),
  };
}
