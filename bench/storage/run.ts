// `gridtrust bench storage`: SQLite store commitBatch (group commit) vs raw better-sqlite3 inserts, same run.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createProgress } from '../../src/cli/progress.ts';
import type { TenantId, TerminalId, UnixMillis } from '../../src/core/index.ts';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPostgresStore, openSqliteStore, type CommitBatch, type Store } from '../../src/storage/index.ts';

const ROUNDS = 3;
const TERMINALS = 1000;
const T0 = Date.UTC(2026, 0, 1);
type Sync = 'full' | 'normal';
/** PostgreSQL for the optional cluster-store figures; skipped when unreachable. */
const PG_URL = process.env.GRIDTRUST_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2 === 1
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, d = 0): number => Number(x.toFixed(d));
const idOf = (i: number): TerminalId => i.toString(16).padStart(16, '0') as TerminalId;

/** One ingested frame: a reading, its replay window and its evidence, as the pipeline commits it. */
function frameBatch(seq: number): CommitBatch {
  const terminal = idOf(seq % TERMINALS);
  const fc = Math.floor(seq / TERMINALS) + 1;
  const ts = (T0 + fc * 60_000) as UnixMillis;
  return {
    readings: [
      {
        terminal,
        purpose: 1,
        keyVersion: 1,
        fc,
        ts,
        receivedAt: ts,
        voltage: 230.4,
        current: 4.2,
        activePower: 950 + (seq % 100),
        reactivePower: 40,
        powerFactor: 0.97,
        frequency: 50,
        energyImport: 1e6 + fc,
        energyExport: 0,
      },
    ],
    replayUpdates: [{ terminal, purpose: 1, dir: 0, version: 1, state: { highest: fc, bitmap: 1n } }],
    evidenceDeltas: [
      { terminal, cycle: Math.floor(fc / 15), requests: 1, replies: 1, delaySumMs: 120, delayCount: 1 },
    ],
  };
}

const terminalsOf = () =>
  Array.from({ length: TERMINALS }, (_, i) => ({
    id: idOf(i),
    type: 'smart-meter',
    fusionTerminal: null,
    tenant: 1 as TenantId,
    createdAt: T0 as UnixMillis,
    status: 'active' as const,
  }));

async function openFresh(dir: string, name: string, sync: Sync) {
  const store = await openSqliteStore({
    path: join(dir, name),
    synchronous: sync,
    groupCommit: { maxDelayMs: 1, maxItems: 2000 },
  });
  await store.addTerminals({ terminals: terminalsOf(), keys: [], audit: [] });
  return store;
}

/**
 * Raw reference: the same reading rows into the same table the store's write worker inserts into
 * (`readings_inbox`, ADR 0008), same pragmas, plain prepared INSERTs, 1000 per transaction.
 */
function rawInsertRate(path: string, rows: number): number {
  const db = new Database(path);
  db.pragma('synchronous = FULL');
  const ins = db.prepare(
    `INSERT INTO readings_inbox (terminal, purpose, key_version, fc, ts, received_at, voltage, current,
      active_power, reactive_power, power_factor, frequency, energy_import, energy_export, raw)
      VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const tx = db.transaction((from: number, to: number) => {
    for (let s = from; s < to; s++) {
      const r = frameBatch(s).readings![0]!;
      ins.run(
        r.terminal,
        1,
        1,
        r.fc,
        r.ts,
        r.receivedAt,
        230.4,
        4.2,
        r.activePower,
        40,
        0.97,
        50,
        r.energyImport,
        0,
        null,
      );
    }
  });
  const t = performance.now();
  for (let s = 0; s < rows; s += 1000) tx(s, Math.min(rows, s + 1000));
  const rate = rows / ((performance.now() - t) / 1000);
  db.close();
  return rate;
}

/** Ingestion-shaped load: one commitBatch per frame, `inFlight` callers at a time; commit latency per call. */
async function storeRate(store: Store & { readonly groupCommits: number }, frames: number, inFlight: number) {
  const latencies: number[] = [];
  let next = 0;
  const groupsBefore = store.groupCommits;
  const worker = async (): Promise<void> => {
    while (next < frames) {
      const seq = next++;
      const t = performance.now();
      await store.commitBatch(frameBatch(seq));
      latencies.push(performance.now() - t);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - t) / 1000;
  const groups = store.groupCommits - groupsBefore;
  return {
    rate: frames / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    perGroup: frames / groups,
  };
}

/** Commit latency while a heavy aggregate over every reading runs, repeatedly, on the read worker. */
async function latencyUnderQueries(
  store: Store & { readonly groupCommits: number },
  frames: number,
): Promise<{ p99: number; queries: number }> {
  let stop = false;
  let queries = 0;
  const heavy = (async () => {
    while (!stop) {
      await store.aggregateReadings({
        from: T0 as UnixMillis,
        to: (T0 + 1e10) as UnixMillis,
        bucketMs: 3_600_000,
      });
      queries += 1;
    }
  })();
  const r = await storeRate(store, frames, 256);
  stop = true;
  await heavy;
  return { p99: r.p99, queries };
}

/** PostgreSQL figures in a throw-away schema: store frames/s and the raw multi-row INSERT reference. */
async function postgresRound(frames: number): Promise<Record<string, number>> {
  const schema = `gt_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  try {
    const store = await openPostgresStore({
      connectionString: PG_URL,
      schema,
      groupCommit: { maxDelayMs: 2 },
    });
    await store.addTerminals({ terminals: terminalsOf(), keys: [], audit: [] });
    const m = await storeRate(store, frames, 256);
    await admin.query('TRUNCATE readings, replay_state, evidence');
    const workerRate = await workerShapedRate(store, frames);
    await store.close();
    await admin.query('TRUNCATE readings');
    const t = performance.now();
    for (let s = 0; s < frames; s += 1000) {
      const rows = Array.from(
        { length: Math.min(1000, frames - s) },
        (_, i) => frameBatch(s + i).readings![0]!,
      );
      await admin.query(
        `INSERT INTO readings (terminal, purpose, key_version, fc, ts, received_at, active_power)
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[], $7::float8[])`,
        [
          rows.map((r) => r.terminal),
          rows.map(() => 1),
          rows.map(() => 1),
          rows.map((r) => r.fc),
          rows.map((r) => r.ts),
          rows.map((r) => r.receivedAt),
          rows.map((r) => r.activePower),
        ],
      );
    }
    const raw = frames / ((performance.now() - t) / 1000);
    await admin.query('TRUNCATE readings');
    const copy = await rawCopyRate(admin, frames);
    return { 'pg.rate': m.rate, 'pg.p99': m.p99, 'pg.raw': raw, 'pg.copy': copy, 'pg.worker': workerRate };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/**
 * Worker-shaped load: what a cluster worker hands the store after one JetStream fetch — one
 * `commitBatch` of 500 frames (readings, replay updates, evidence deltas), 4 such batches in flight.
 */
async function workerShapedRate(store: Store, frames: number): Promise<number> {
  const PER = 500;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < frames) {
      const from = next;
      next = Math.min(frames, next + PER);
      const parts = Array.from({ length: next - from }, (_, i) => frameBatch(from + i));
      await store.commitBatch({
        readings: parts.flatMap((b) => b.readings ?? []),
        replayUpdates: parts.flatMap((b) => b.replayUpdates ?? []),
        evidenceDeltas: parts.flatMap((b) => b.evidenceDeltas ?? []),
      });
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: 4 }, worker));
  return frames / ((performance.now() - t) / 1000);
}

/** The same reading rows through one bare `COPY … FROM STDIN` (text format) on one connection: rows/s. */
async function rawCopyRate(admin: pg.Pool, frames: number): Promise<number> {
  const c = await admin.connect();
  try {
    const t = performance.now();
    const sink = c.query(
      copyFrom(
        `COPY readings (terminal, purpose, key_version, fc, ts, received_at, voltage, current, active_power,
           reactive_power, power_factor, frequency, energy_import, energy_export) FROM STDIN`,
      ),
    );
    const lines = function* (): Generator<string> {
      for (let s = 0; s < frames; s += 1000) {
        let chunk = '';
        for (let i = s; i < Math.min(frames, s + 1000); i += 1) {
          const r = frameBatch(i).readings![0]!;
          const v = [r.terminal, 1, 1, r.fc, r.ts, r.receivedAt, r.voltage, r.current, r.activePower]
            .concat([r.reactivePower, r.powerFactor, r.frequency, r.energyImport, r.energyExport])
            .join('\t');
          chunk += `${v}\n`;
        }
        yield chunk;
      }
    };
    await pipeline(Readable.from(lines()), sink);
    return frames / ((performance.now() - t) / 1000);
  } finally {
    c.release();
  }
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function oneRound(dir: string, r: number, frames: number, withPg: boolean) {
  const out: Record<string, number> = {};
  for (const sync of ['full', 'normal'] as const) {
    const store = await openFresh(dir, `s-${r}-${sync}.db`, sync);
    const m = await storeRate(store, frames, 256);
    out[`${sync}.rate`] = m.rate;
    out[`${sync}.p50`] = m.p50;
    out[`${sync}.p99`] = m.p99;
    out[`${sync}.perGroup`] = m.perGroup;
    if (sync === 'full') {
      const q = await latencyUnderQueries(store, frames);
      out['full.p99UnderQueries'] = q.p99;
      out['full.queries'] = q.queries;
    }
    await store.close();
  }
  const ref = await openFresh(dir, `raw-${r}.db`, 'full');
  await ref.close();
  out['raw.rate'] = rawInsertRate(join(dir, `raw-${r}.db`), frames);
  return withPg ? { ...out, ...(await postgresRound(frames)) } : out;
}

/** Runs the storage benchmark (see bench/storage/README.md). */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const frames = Math.max(2000, Math.round(40_000 * ctx.scale));
  const dir = mkdtempSync(join(tmpdir(), 'gt-bench-storage-'));
  const progress = createProgress(ctx.io, 'bench storage', ROUNDS, ctx.quiet);
  const rounds: Record<string, number>[] = [];
  const withPg = await postgresReachable();
  try {
    for (let r = 0; r < ROUNDS; r++) {
      rounds.push(await oneRound(dir, r, frames, withPg));
      progress.update(r + 1);
    }
  } finally {
    progress.done();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (k: string): number => median(rounds.map((x) => x[k] ?? NaN));
  return {
    framesPerRound: frames,
    rounds: ROUNDS,
    rawInsertRowsPerSec: round(m('raw.rate')),
    commitBatchFramesPerSec: round(m('full.rate')),
    ratioToRawInsert: round(m('full.rate') / m('raw.rate'), 3),
    commitP50Ms: round(m('full.p50'), 2),
    commitP99Ms: round(m('full.p99'), 2),
    framesPerGroupCommit: round(m('full.perGroup'), 1),
    commitP99WhileHeavyQueriesMs: round(m('full.p99UnderQueries'), 2),
    heavyQueriesDuringThatRun: round(m('full.queries')),
    synchronousNormalFramesPerSec: round(m('normal.rate')),
    synchronousNormalCommitP99Ms: round(m('normal.p99'), 2),
    postgres: withPg
      ? {
          commitBatchFramesPerSec: round(m('pg.rate')),
          commitP99Ms: round(m('pg.p99'), 2),
          rawMultiRowInsertRowsPerSec: round(m('pg.raw')),
          ratioToRawInsert: round(m('pg.rate') / m('pg.raw'), 3),
          rawCopyRowsPerSec: round(m('pg.copy')),
          ratioToRawCopy: round(m('pg.rate') / m('pg.copy'), 3),
          workerShapedFramesPerSec: round(m('pg.worker')),
          workerShapedVsRawCopy: round(m('pg.worker') / m('pg.copy'), 3),
        }
      : { skipped: `no PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//')} (set GRIDTRUST_BENCH_PG_URL)` },
  };
}
