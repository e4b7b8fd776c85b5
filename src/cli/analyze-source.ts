// Where `analyze` reads its load data (a file or a data directory's stored readings) and the trust it
// applies (a JSON file or the store's terminal status) [analytics §1, §4 trust-aware; issue 22].
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  applyTrust,
  parseTrustScores,
  type TrustMode,
  type TrustedData,
  type TrustReport,
} from '../analytics/index.ts';
import type { UnixMillis } from '../core/index.ts';
import { DATABASE_FILE, openSqliteStore, resolveDataDir, type Store } from '../storage/index.ts';
import type { CommandContext } from './command.ts';
import { parseIsoTimestamp, readTableFile, type WideTable } from './data-files.ts';
import { CliError } from './errors.ts';
import { parseNumberArg } from './io.ts';
import { conceptOption } from './vocabulary.ts';

/** The flags of {@link addSourceOptions}. */
export interface SourceFlags {
  input?: string;
  dataDir?: string;
  groupBy?: string;
  from?: string;
  to?: string;
  trust?: string;
  trustThreshold?: string;
  trustMode?: string;
  exportCsv?: string;
}

/** Half-hour grid of the data-directory source. */
export const HALF_HOUR_MS = 1_800_000;

/** Adds the source and trust options shared by every `analyze` command. */
export function addSourceOptions(cmd: Command, inputHelp: string): Command {
  return cmd
    .option('--input <file>', inputHelp)
    .addOption(
      conceptOption('dataDir', {
        derivedDefault: 'none: read --input',
        detail:
          'instead of --input: its stored readings (gridtrust serve / demo --data-dir), mean active power per half-hour as kWh',
      }),
    )
    .option(
      '--group-by <what>',
      'with --data-dir: terminal (one column each) or fusion (summed per fusion terminal)',
      'terminal',
    )
    .addOption(conceptOption('from', { derivedDefault: 'the first reading', detail: 'with --data-dir' }))
    .addOption(conceptOption('to', { derivedDefault: 'after the last reading', detail: 'with --data-dir' }))
    .option(
      '--trust <file|store>',
      'terminal trust: a JSON file {"<customer or terminal id>": score in [0,1]} or "store" (quarantined/retired terminals 0, others 1; what --data-dir uses)',
    )
    .option('--trust-threshold <x>', 'customers with trust below this are excluded (or down-weighted)', '0.5')
    .option(
      '--trust-mode <how>',
      'exclude: drop their data, estimate their share of totals; weight: weight by the score',
      'exclude',
    )
    .option(
      '--export-csv <file>',
      'also write the table that was analysed (before the trust filter) as a wide CSV',
    );
}

function parseTime(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIsoTimestamp(text);
  if (ms === undefined)
    throw new CliError('GT_ERR_CLI_USAGE', `${flag} is not an ISO 8601 time: "${text}"`, {
      hint: `e.g. ${flag} 2026-11-22T00:00Z`,
    });
  return ms;
}

/** Half-hourly kWh per terminal (mean active power in W × 0.5 h / 1000); NaN where nothing was stored. */
async function storeTable(store: Store, o: { from: number; to: number; source: string }): Promise<WideTable> {
  const terminals = (await store.listTerminals()).map((t) => t.id).sort();
  const series = new Map<string, Map<number, number>>();
  let [lo, hi] = [Infinity, -Infinity];
  for (const id of terminals) {
    const buckets = await store.aggregateReadings({
      terminal: id,
      from: o.from as UnixMillis,
      to: o.to as UnixMillis,
      bucketMs: HALF_HOUR_MS,
    });
    const m = new Map<number, number>();
    for (const b of buckets) {
      if (b.meanActivePower === null) continue;
      m.set(b.start, (b.meanActivePower * 0.5) / 1000);
      [lo, hi] = [Math.min(lo, b.start), Math.max(hi, b.start)];
    }
    if (m.size > 0) series.set(id, m);
  }
  if (series.size === 0)
    throw new CliError('GT_ERR_CLI_BAD_DATA_FILE', `no readings with active power in ${o.source}`, {
      hint: 'run gridtrust serve (or demo --data-dir) until terminals have reported, or widen --from/--to',
    });
  const n = (hi - lo) / HALF_HOUR_MS + 1;
  const timestamps = Float64Array.from({ length: n }, (_, i) => lo + i * HALF_HOUR_MS);
  const ids = [...series.keys()];
  const columns = ids.map((id) => {
    const m = series.get(id) ?? new Map<number, number>();
    return Float64Array.from(timestamps, (ts) => m.get(ts) ?? NaN);
  });
  return { source: o.source, timestamps, ids, columns };
}

/** Sums terminal columns per fusion terminal (a direct terminal is its own group); missing = 0 unless all are. */
function groupByFusion(t: WideTable, fusionOf: ReadonlyMap<string, string>): WideTable {
  const groups = new Map<string, number[]>();
  t.ids.forEach((id, c) => {
    const g = fusionOf.get(id) ?? id;
    groups.set(g, [...(groups.get(g) ?? []), c]);
  });
  const ids = [...groups.keys()].sort();
  const columns = ids.map((g) => {
    const cs = groups.get(g) ?? [];
    return Float64Array.from(t.timestamps, (_, i) => {
      const vs = cs.map((c) => t.columns[c]?.[i] ?? NaN).filter((v) => !Number.isNaN(v));
      return vs.length === 0 ? NaN : vs.reduce((a, b) => a + b, 0);
    });
  });
  return { source: t.source, timestamps: t.timestamps, ids, columns };
}

/** What {@link loadSource} read. */
export interface LoadedSource {
  table: WideTable;
  /** The trust filter's outcome, when trust was given (or implied by --data-dir). */
  trust?: TrustedData;
}

interface DirRead {
  table: WideTable;
  scores: Map<string, number>;
  /** With --group-by fusion: trust was applied per terminal before the columns were summed. */
  grouped?: TrustedData;
}

async function readDataDir(f: SourceFlags, ctx: CommandContext): Promise<DirRead> {
  const dir = resolveDataDir(f.dataDir, ctx.io.env);
  const path = join(dir, DATABASE_FILE);
  if (!existsSync(path))
    throw new CliError('GT_ERR_CLI_USAGE', `no gridtrust database in ${dir}`, {
      hint: 'pass the --data-dir that gridtrust serve or demo --data-dir used',
    });
  const store = await openSqliteStore({ path, readWorker: false });
  try {
    const from = parseTime('--from', f.from) ?? 0;
    const to = parseTime('--to', f.to) ?? Number.MAX_SAFE_INTEGER;
    let table = await storeTable(store, {
      from: Math.floor(from / HALF_HOUR_MS) * HALF_HOUR_MS,
      to,
      source: dir,
    });
    const records = await store.listTerminals();
    const scores = new Map(records.map((r) => [r.id as string, r.status === 'active' ? 1 : 0]));
    if (f.groupBy === 'fusion') {
      const fusionOf = new Map(records.map((r) => [r.id as string, (r.fusionTerminal ?? r.id) as string]));
      const fileScores = f.trust === undefined || f.trust === 'store' ? scores : readTrustFile(f.trust);
      const d = applyTrustFlags(table, f, fileScores, f.trust ?? 'store (terminal status)');
      const grouped = groupByFusion(replaceDistrusted(table, d), fusionOf);
      table = groupByFusion(table, fusionOf);
      const report = {
        ...d.report,
        estimate: `${d.report.estimate}, inside its fusion terminal's group before the group is summed`,
      };
      const n = grouped.timestamps.length;
      return {
        table,
        scores,
        grouped: { trusted: grouped, estimatedDistrusted: new Float64Array(n), report },
      };
    }
    return { table, scores };
  } finally {
    await store.close();
  }
}

/** Distrusted columns replaced by the mean trusted column (the estimate), for grouping afterwards. */
function replaceDistrusted(t: WideTable, d: TrustedData): WideTable {
  const bad = new Set(d.report.distrusted);
  const k = Math.max(1, bad.size);
  const est = Float64Array.from(d.estimatedDistrusted, (v) => v / k);
  return { ...t, columns: t.columns.map((c, i) => (bad.has(t.ids[i] ?? '') ? est : c)) };
}

function applyTrustFlags(
  t: WideTable,
  f: SourceFlags,
  scores: Map<string, number>,
  source: string,
): TrustedData {
  const modes: readonly TrustMode[] = ['exclude', 'weight'];
  const mode = modes.find((m) => m === (f.trustMode ?? 'exclude'));
  if (mode === undefined)
    throw new CliError('GT_ERR_CLI_USAGE', `--trust-mode must be exclude or weight, got "${f.trustMode}"`, {
      hint: 'e.g. --trust-mode exclude',
    });
  const threshold = parseNumberArg('--trust-threshold', f.trustThreshold ?? '0.5', { min: 0, max: 1 });
  return applyTrust(t, { scores, threshold, mode, source });
}

function readTrustFile(path: string): Map<string, number> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_USAGE', `cannot read the trust file ${path}`, {
      hint: 'give a readable JSON file { "<id>": score in [0,1], ... }',
      cause,
    });
  }
  return parseTrustScores(json, path);
}

/** Writes a wide table as `timestamp,<id>...` CSV (empty cell = missing), readable by --input. */
export function writeTableCsv(path: string, t: WideTable): void {
  const lines = [['timestamp', ...t.ids].join(',')];
  t.timestamps.forEach((ts, i) =>
    lines.push(
      [
        new Date(ts).toISOString(),
        ...t.columns.map((c) => (Number.isNaN(c[i] ?? NaN) ? '' : String(c[i]))),
      ].join(','),
    ),
  );
  writeFileSync(path, lines.join('\n') + '\n');
}

/**
 * Reads the table (--input or --data-dir) and applies the trust filter: --trust FILE, --trust store,
 * or (with --data-dir and no --trust) the store's terminal status.
 */
export async function loadSource(f: SourceFlags, ctx: CommandContext): Promise<LoadedSource> {
  if ((f.input === undefined) === (f.dataDir === undefined))
    throw new CliError('GT_ERR_CLI_USAGE', 'give exactly one of --input FILE and --data-dir DIR', {
      hint: 'e.g. --input ../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz',
    });
  if (f.groupBy !== undefined && f.groupBy !== 'terminal' && f.groupBy !== 'fusion')
    throw new CliError('GT_ERR_CLI_USAGE', `--group-by must be terminal or fusion, got "${f.groupBy}"`, {
      hint: 'e.g. --group-by fusion',
    });
  const fromDir = f.dataDir === undefined ? undefined : await readDataDir(f, ctx);
  const table = fromDir?.table ?? readTableFile(f.input ?? '');
  if (f.exportCsv !== undefined) writeTableCsv(f.exportCsv, table);
  if (fromDir?.grouped !== undefined) return { table, trust: fromDir.grouped };
  if (f.trust === 'store' && fromDir === undefined)
    throw new CliError('GT_ERR_CLI_USAGE', '--trust store needs --data-dir', {
      hint: 'give --trust FILE.json with --input',
    });
  if (f.trust !== undefined && f.trust !== 'store')
    return { table, trust: applyTrustFlags(table, f, readTrustFile(f.trust), f.trust) };
  if (fromDir !== undefined && fromDir.scores.size > 0)
    return { table, trust: applyTrustFlags(table, f, fromDir.scores, 'store (terminal status)') };
  return { table };
}

/** One line for the text output: how much of the data was trusted. */
export function trustLine(r: TrustReport): string {
  return `trust (${r.source}, threshold ${r.threshold}, ${r.mode}): ${r.trustedCustomers} of ${r.customers} customers trusted, ${(100 * r.trustedEnergyShare).toFixed(1)} % of the energy${r.distrusted.length > 0 ? `; distrusted: ${r.distrusted.slice(0, 6).join(', ')}${r.distrusted.length > 6 ? ', ...' : ''}` : ''}`;
}

/** The ids whose data the analysis may use per customer (all, or the trusted ones). */
export function analysedTable(s: LoadedSource): WideTable {
  return s.trust === undefined ? s.table : { ...s.table, ...s.trust.trusted };
}
