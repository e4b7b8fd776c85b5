// `gridtrust analyze clusters|flexibility|forecast`: demand-side analytics on real load files [analytics spec].
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import {
  chooseK,
  createDayCalendar,
  createWorkerExecutor,
  daviesBouldin,
  prepareDailyCurves,
  runKmeans,
  silhouette,
  summarisePatterns,
  seasonSubset,
  SEASONS,
  type CleaningReport,
  type CurveMatrix,
  type DailyCurves,
  type KCandidate,
  type KmeansAlgorithm,
  type KmeansExecutor,
  type KmeansResult,
  type Normalisation,
  type PrepareOptions,
  type TrustReport,
} from '../../analytics/index.ts';
import { createRandom, type Random } from '../../core/index.ts';
import { drawCentres, drawCrossTab, openOutDir } from '../analyze-output.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import {
  addSourceOptions,
  analysedTable,
  loadSource,
  trustLine,
  type SourceFlags,
} from '../analyze-source.ts';
import { readNpyFile, writeNpyFile } from '../data-files.ts';
import { CliError } from '../errors.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { conceptOption } from '../vocabulary.ts';
import { createProgress } from '../progress.ts';
import { registerFdi } from './analyze-fdi.ts';
import { registerFlexibility } from './analyze-flexibility.ts';
import { registerForecast } from './analyze-forecast.ts';

/** Cleaning options shared by clusters and flexibility. */
export interface CleaningFlags {
  maxMissing: string;
  interpolate?: boolean;
  minCoverage: string;
  normalise: string;
  utcOffset: string;
}

/** Adds the cleaning options of analytics §1 to a command. */
export function addCleaningOptions(cmd: Command): Command {
  return cmd
    .option('--max-missing <n>', 'drop days with more missing intervals than this', '0')
    .option('--interpolate', 'fill gaps of up to 2 intervals linearly before counting missing ones')
    .option('--min-coverage <x>', 'drop customers with fewer usable days than this share (0..1)', '0')
    .option('--normalise <how>', 'curve normalisation: peak | sum | zscore | none', 'peak')
    .option('--utc-offset <minutes>', 'local day = UTC + this many minutes', '0');
}

/** Validates the cleaning flags into PrepareOptions. */
export function toPrepareOptions(f: CleaningFlags): PrepareOptions {
  const norms: readonly Normalisation[] = ['peak', 'sum', 'zscore', 'none'];
  if (!norms.includes(f.normalise as Normalisation)) {
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--normalise must be one of ${norms.join(', ')}, got "${f.normalise}"`,
      { hint: 'e.g. --normalise peak' },
    );
  }
  return {
    maxMissing: parseNumberArg('--max-missing', f.maxMissing, { min: 0, integer: true }),
    interpolate: f.interpolate === true,
    minCoverage: parseNumberArg('--min-coverage', f.minCoverage, { min: 0, max: 1 }),
    normalisation: f.normalise as Normalisation,
    utcOffsetMinutes: parseNumberArg('--utc-offset', f.utcOffset, { min: -840, max: 840, integer: true }),
  };
}

interface ClusterFlags extends CleaningFlags, SourceFlags {
  k: string;
  kRange: string;
  seed: string;
  nInit: string;
  initCenters?: string;
  maxIter: string;
  tol: string;
  algorithm: string;
  threads?: string;
  exportCurves?: string;
  bySeason?: boolean;
  out?: string;
  json?: boolean;
}

interface LoadedCurves {
  matrix: CurveMatrix;
  curves?: DailyCurves;
  report?: CleaningReport;
  trust?: TrustReport;
}

async function loadCurves(f: ClusterFlags, ctx: CommandContext): Promise<LoadedCurves> {
  if (f.input?.endsWith('.npy') === true) {
    const m = readNpyFile(f.input);
    return { matrix: { data: m.data, n: m.rows, d: m.cols } };
  }
  // distrusted customers' curves are left out before cleaning: patterns are of trusted data only
  const src = await loadSource(f, ctx);
  const curves = prepareDailyCurves(analysedTable(src), toPrepareOptions(f));
  return {
    matrix: { data: curves.data, n: curves.n, d: curves.d },
    curves,
    report: curves.report,
    ...(src.trust === undefined ? {} : { trust: src.trust.report }),
  };
}

function parseRange(text: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const [lo, hi] = [Number(m?.[1]), Number(m?.[2])];
  if (m === null || lo < 2 || hi < lo || hi > 40)
    throw new CliError('GT_ERR_CLI_USAGE', `--k-range must look like 2-12, got "${text}"`, {
      hint: 'give two integers 2 ≤ from ≤ to ≤ 40',
    });
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

interface RunSetup {
  ex: KmeansExecutor;
  random: Random;
  opts: { maxIter: number; tol: number; nInit: number; algorithm: KmeansAlgorithm };
  init?: Float64Array;
}

async function selectK(
  m: CurveMatrix,
  range: readonly number[],
  s: RunSetup,
  ctx: { io: CommandContext['io']; quiet: boolean },
): Promise<ReturnType<typeof chooseK>> {
  const progress = createProgress(ctx.io, 'k selection', range.length, ctx.quiet);
  const candidates: KCandidate[] = [];
  for (const k of range) {
    const r = await runKmeans(m, { k, random: s.random.fork(), ...s.opts }, s.ex);
    candidates.push({
      k,
      inertia: r.inertia,
      daviesBouldin: daviesBouldin(m, r),
      silhouette: silhouette(m, r, createRandom(k)),
    });
    progress.update(candidates.length, `k=${k}`);
  }
  progress.done();
  return chooseK(candidates);
}

function toSetup(f: ClusterFlags, ex: KmeansExecutor): RunSetup {
  const algorithms = ['lloyd-simd', 'lloyd', 'hamerly', 'elkan'] as const;
  const algorithm = algorithms.find((a) => a === f.algorithm);
  if (algorithm === undefined) {
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--algorithm must be lloyd-simd, lloyd, hamerly or elkan, got "${f.algorithm}"`,
      { hint: 'e.g. --algorithm hamerly' },
    );
  }
  const setup: RunSetup = {
    ex,
    random: createRandom(parseNumberArg('--seed', f.seed, { integer: true, min: 0 })),
    opts: {
      maxIter: parseNumberArg('--max-iter', f.maxIter, { integer: true, min: 1 }),
      tol: parseNumberArg('--tol', f.tol, { min: 0 }),
      nInit: parseNumberArg('--n-init', f.nInit, { integer: true, min: 1, max: 100 }),
      algorithm,
    },
  };
  if (f.initCenters !== undefined) setup.init = Float64Array.from(readNpyFile(f.initCenters).data);
  return setup;
}

function centresOf(r: KmeansResult, d: number): number[][] {
  return Array.from({ length: r.k }, (_, j) => Array.from(r.centres.subarray(j * d, j * d + d)));
}

async function runClusters(f: ClusterFlags, ctx: CommandContext): Promise<void> {
  const loaded = await loadCurves(f, ctx);
  const { matrix } = loaded;
  if (f.exportCurves !== undefined)
    writeNpyFile(f.exportCurves, { rows: matrix.n, cols: matrix.d, data: matrix.data });
  const threads =
    f.threads === undefined
      ? availableParallelism()
      : parseNumberArg('--threads', f.threads, { integer: true, min: 1, max: 64 });
  const ex = createWorkerExecutor(threads);
  try {
    const setup = toSetup(f, ex);
    const selection =
      f.k === 'auto'
        ? await selectK(matrix, parseRange(f.kRange), setup, { io: ctx.io, quiet: f.json === true })
        : undefined;
    const k = selection?.chosen ?? parseNumberArg('--k', f.k, { integer: true, min: 1 });
    const t0 = performance.now();
    const r = await runKmeans(
      matrix,
      {
        k,
        random: setup.random.fork(),
        ...setup.opts,
        ...(setup.init === undefined ? {} : { initCentres: setup.init }),
      },
      ex,
    );
    const seconds = (performance.now() - t0) / 1000;
    const seasons =
      f.bySeason === true && loaded.curves !== undefined
        ? await clusterSeasons(loaded.curves, k, setup)
        : undefined;
    report(f, ctx, { loaded, r, seconds, selection, threads, seasons });
  } finally {
    await ex.close();
  }
}

interface SeasonClusters {
  season: string;
  curves: number;
  inertia: number;
  iterations: number;
  shares: number[];
  centroids: number[][];
}

/** "Cluster within each season" [analytics §2]: one k-means per meteorological season. */
async function clusterSeasons(curves: DailyCurves, k: number, s: RunSetup): Promise<SeasonClusters[]> {
  const cal = createDayCalendar();
  const out: SeasonClusters[] = [];
  for (const season of SEASONS) {
    const m = seasonSubset(curves, cal, season);
    if (m.n < k) continue;
    const r = await runKmeans(m, { k, random: s.random.fork(), ...s.opts }, s.ex);
    out.push({
      season,
      curves: m.n,
      inertia: r.inertia,
      iterations: r.iterations,
      shares: r.sizes.map((v) => v / m.n),
      centroids: centresOf(r, m.d),
    });
  }
  return out;
}

function report(
  f: ClusterFlags,
  ctx: CommandContext,
  o: {
    seasons?: SeasonClusters[] | undefined;
    loaded: LoadedCurves;
    r: KmeansResult;
    seconds: number;
    selection: ReturnType<typeof chooseK> | undefined;
    threads: number;
  },
): void {
  const { loaded, r } = o;
  const centroids = centresOf(r, loaded.matrix.d);
  const patterns =
    loaded.curves === undefined
      ? undefined
      : summarisePatterns(loaded.curves, r.labels, r.k, createDayCalendar());
  const shares = r.sizes.map((s) => s / loaded.matrix.n);
  const rep = loaded.report;
  const doc = {
    k: r.k,
    inertia: r.inertia,
    iterations: r.iterations,
    daysUsed: loaded.matrix.n,
    daysDropped: rep === undefined ? 0 : rep.customerDays - rep.kept,
    centroids,
    seconds: o.seconds,
    sizes: r.sizes,
    shares,
    emptyRepairs: r.emptyRepairs,
    algorithm: f.algorithm,
    threads: o.threads,
    normalisation: rep?.normalisation ?? 'as given (.npy)',
    cleaning: rep,
    ...(loaded.trust === undefined ? {} : { trust: loaded.trust }),
    kSelection: o.selection,
    patterns,
    seasons: o.seasons,
  };
  if (f.out !== undefined) {
    const out = openOutDir(f.out);
    drawCentres(out, centroids, shares, doc.normalisation);
    if (patterns !== undefined) {
      drawCrossTab(
        out,
        'season-by-pattern',
        'Share of days per load pattern, by season',
        patterns.bySeason.rows,
        patterns.bySeason.shares,
      );
      drawCrossTab(
        out,
        'daytype-by-pattern',
        'Share of days per load pattern, by day type',
        patterns.byDayType.rows,
        patterns.byDayType.shares,
      );
    }
    Object.assign(doc, { files: out.written });
  }
  if (f.json === true) return printJson(ctx.io, doc);
  ctx.io.out(
    `k = ${r.k}, inertia ${r.inertia.toFixed(3)}, ${r.iterations} iterations, ${o.seconds.toFixed(3)} s on ${o.threads} threads (${f.algorithm})\n`,
  );
  ctx.io.out(
    `curves used ${doc.daysUsed}, dropped ${doc.daysDropped}${rep === undefined ? '' : ` (missing ${rep.droppedMissing}, all-zero ${rep.droppedAllZero}, outlier ${rep.droppedOutlier}, negative ${rep.droppedNegative}, low coverage ${rep.droppedLowCoverageDays})`}\n`,
  );
  if (loaded.trust !== undefined) ctx.io.out(trustLine(loaded.trust) + '\n');
  if (o.selection !== undefined)
    ctx.io.out(
      `k auto: silhouette → ${o.selection.bySilhouette}, Davies–Bouldin → ${o.selection.byDaviesBouldin}, elbow → ${o.selection.byElbow}\n`,
    );
  shares.forEach((s, j) =>
    ctx.io.out(
      `  P${j + 1}: ${(100 * s).toFixed(1)} % of curves, peak at ${centroids[j]?.indexOf(Math.max(...(centroids[j] ?? []))) ?? 0}:00\n`,
    ),
  );
}

function registerClusters(analyze: Command, ctx: CommandContext): void {
  const cmd = describe(analyze.command('clusters'), {
    purpose: 'cluster 24-hour daily load curves into typical load patterns (k-means)',
    details:
      'Cleans the daily curves (missing intervals, all-zero and outlier days), normalises them and runs\n' +
      'k-means++ with --n-init restarts; --k auto picks k by silhouette, Davies–Bouldin and the elbow.\n' +
      'Prints each pattern with its share of curves and its peak hour; --out draws them.',
    examples: [
      'gridtrust analyze clusters --input ../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz --k 4',
      'gridtrust analyze clusters --input ../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz --k auto --out clusters --json',
    ],
    docs: ['docs/analytics.md'],
  })
    .option(
      '--k <n|auto>',
      'number of clusters, or auto (Davies–Bouldin, silhouette, elbow over --k-range)',
      '6',
    )
    .option('--k-range <a-b>', 'range evaluated by --k auto', '2-12')
    .addOption(conceptOption('seed', { detail: 'seeds k-means++ and the samples' }))
    .option('--n-init <n>', 'k-means++ restarts; the lowest inertia is kept', '3')
    .option('--init-centers <file.npy>', 'start from these k × d centres (one run)')
    .option('--max-iter <n>', 'maximum Lloyd iterations', '300')
    .option('--tol <x>', 'stop when J changes by less than this ratio; 0 runs exactly --max-iter', '1e-6')
    .option(
      '--algorithm <name>',
      'lloyd-simd (WebAssembly SIMD distance block, f32), lloyd (JavaScript, blocked expanded form, double), elkan or hamerly (exact, triangle-inequality bounds skip distance computations)',
      'lloyd-simd',
    )
    .addOption(withDerivedDefault(new Option('--threads <n>', 'worker threads'), 'all cores'))
    .option(
      '--by-season',
      'also cluster the curves of each season separately (DJF, MAM, JJA, SON) with the same k',
    )
    .option(
      '--export-curves <file.npy>',
      'write the clustered matrix (after cleaning and normalisation) as float64 .npy',
    )
    .addOption(conceptOption('out', { detail: 'figures (SVG + PNG) and CSVs' }))
    .addOption(conceptOption('json'));
  addSourceOptions(
    addCleaningOptions(cmd),
    'wide CSV(.gz) timestamp,<customer>...; or a .npy float32/float64 matrix of ready curves (one row per curve)',
  ).action((f: ClusterFlags) => runClusters(f, ctx));
}

export const registerAnalyze: RegisterCommand = (program, ctx) => {
  const analyze = describe(program.command('analyze'), {
    purpose: 'demand-side analytics: load patterns, flexibility, forecasts',
    examples: [
      'gridtrust analyze clusters --input ../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz --k 4',
      'gridtrust analyze forecast --input ../shared/data/taylor/taylor_gb_demand_2000_halfhourly.csv --train-until 2000-07-31 --horizon 48',
    ],
    docs: ['docs/analytics.md'],
  });
  registerClusters(analyze, ctx);
  registerFlexibility(analyze, ctx);
  registerForecast(analyze, ctx);
  registerFdi(analyze, ctx);
};
