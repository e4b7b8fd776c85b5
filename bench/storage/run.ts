// `gridtrust bench storage`: SQLite store commitBatch (group commit) vs raw better-sqlite3 inserts, same run.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.ts';
import { createProgress } from '../../src/cli/progress.ts';
import type { TenantId, TerminalId, UnixMillis } from '../../src/core/index.ts';
import { openSqliteStore, type CommitBatch, type SqliteStore } from '../../src/storage/index.ts';

/** The BenchContext of `gridtrust bench` (structural, so this module does not depend on where it lives). */
interface BenchContext {
  readonly io: CliIo;
  readonly quiet: boolean;
  readonly scale: number;
}

const ROUNDS = 3;
const TERMINALS = 1000;
const T0 = Date.UTC(2026, 0, 1);
type Sync = 'full' | 'normal';

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

async function openFresh(dir: string, name: string, sync: Sync): Promise<SqliteStore> {
  const store = await openSqliteStore({
    path: join(dir, name),
    synchronous: sync,
    groupCommit: { maxDelayMs: 1, maxItems: 2000 },
  });
  const terminals = Array.from({ length: TERMINALS }, (_, i) => ({
    id: idOf(i),
    type: 'smart-meter',
    fusionTerminal: null,
    tenant: 1 as TenantId,
    createdAt: T0 as UnixMillis,
    status: 'active' as const,
  }));
  await store.addTerminals({ terminals, keys: [], audit: [] });
  return store;
}

/** Raw reference: the same readings rows, same schema and pragmas, plain prepared INSERTs, 1000 per transaction. */
function rawInsertRate(path: string, rows: number): number {
  const db = new Database(path);
  db.pragma('synchronous = FULL');
  const ins = db.prepare(
    `INSERT INTO readings (terminal, purpose, key_version, fc, ts, received_at, voltage, current, active_power,
      reactive_power, power_factor, frequency, energy_import, energy_export, raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
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
async function storeRate(store: SqliteStore, frames: number, inFlight: number) {
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
  store: SqliteStore,
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

async function oneRound(dir: string, r: number, frames: number) {
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
  return out;
}

/** Runs the storage benchmark (see bench/storage/README.md). */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const frames = Math.max(2000, Math.round(40_000 * ctx.scale));
  const dir = mkdtempSync(join(tmpdir(), 'gt-bench-storage-'));
  const progress = createProgress(ctx.io, 'bench storage', ROUNDS, ctx.quiet);
  const rounds: Record<string, number>[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      rounds.push(await oneRound(dir, r, frames));
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
  };
}
