// `gridtrust bench kmeans`: gridtrust k-means (Hamerly and Lloyd, all cores) vs scikit-learn on the same matrix and centres.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createWorkerExecutor,
  kmeansPlusPlus,
  prepareDailyCurves,
  runKmeans,
  type KmeansAlgorithm,
} from '../../src/analytics/index.ts';
import { readLclFile, writeNpyFile } from '../../src/cli/data-files.ts';
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createProgress } from '../../src/cli/progress.ts';
import { createRandom } from '../../src/core/index.ts';

const K = 8;
const ITERATIONS = 20;
const REPEATS = 3;
const PYTHON = '/usr/bin/python3';

interface Run {
  seconds: number;
  inertia: number;
  iterations: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Rows drawn (seeded) from the real LCL peak-normalised daily curves, with N(0, 0.03) jitter, clamped at 0. */
function buildMatrix(rows: number): Float32Array {
  const curves = prepareDailyCurves(readLclFile());
  const rnd = createRandom(2013);
  const out = new Float32Array(new SharedArrayBuffer(rows * 24 * 4));
  for (let i = 0; i < rows; i++) {
    const src = rnd.int(0, curves.n - 1) * 24;
    for (let t = 0; t < 24; t++) out[i * 24 + t] = Math.max(0, curves.data[src + t]! + rnd.normal(0, 0.03));
  }
  return out;
}

function sklearnAvailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3-sklearn is not installed (apt-get install -y python3-sklearn)';
  }
}

function summarise(runs: readonly Run[]): Run & { runs: number } {
  return {
    seconds: median(runs.map((r) => r.seconds)),
    inertia: runs[0]!.inertia,
    iterations: runs[0]!.iterations,
    runs: runs.length,
  };
}

/** One timed run (worker start-up excluded: the workers are booted before the clock starts). */
async function timeGridtrust(
  data: Float32Array,
  n: number,
  init: Float64Array,
  algorithm: KmeansAlgorithm,
  threads: number,
): Promise<Run> {
  const ex = createWorkerExecutor(threads);
  try {
    // Boot the workers (tsx loads the kernel) before the clock starts, as fit() excludes Python's imports.
    const warm = { data: data.subarray(0, 64 * 24), n: 64, d: 24 };
    await runKmeans(
      warm,
      { k: K, random: createRandom(1), initCentres: init, maxIter: 1, tol: 0, algorithm },
      ex,
    );
    const t0 = performance.now();
    const res = await runKmeans(
      { data, n, d: 24 },
      { k: K, random: createRandom(1), initCentres: init, maxIter: ITERATIONS, tol: 0, algorithm },
      ex,
    );
    return { seconds: (performance.now() - t0) / 1000, inertia: res.inertia, iterations: res.iterations };
  } finally {
    await ex.close();
  }
}

/** Runs the benchmark: 3 interleaved rounds (gridtrust lloyd, elkan, hamerly, then scikit-learn); medians. */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const n = Math.max(1000, Math.round(1_000_000 * ctx.scale));
  const threads = availableParallelism();
  const progress = createProgress(ctx.io, 'bench kmeans', REPEATS, ctx.quiet);
  const data = buildMatrix(n);
  const init = kmeansPlusPlus(
    { data: data.subarray(0, Math.min(n, 20_000) * 24), n: Math.min(n, 20_000), d: 24 },
    K,
    createRandom(8),
  );
  const skipped = sklearnAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'gt-kmeans-'));
  const runs: Record<KmeansAlgorithm | 'sklearn', Run[]> = {
    lloyd: [],
    hamerly: [],
    elkan: [],
    'lloyd-simd': [],
    sklearn: [],
  };
  let version = '';
  try {
    writeNpyFile(join(dir, 'x.npy'), { rows: n, cols: 24, data });
    writeNpyFile(join(dir, 'c.npy'), { rows: K, cols: 24, data: init });
    // Interleaved rounds, so that load from other processes hits every implementation alike.
    for (let round = 0; round < REPEATS; round++) {
      progress.update(round, `round ${round + 1} of ${REPEATS}`);
      for (const algorithm of ['lloyd-simd', 'lloyd', 'elkan', 'hamerly'] as const) {
        runs[algorithm].push(await timeGridtrust(data, n, init, algorithm, threads));
      }
      if (skipped === undefined) {
        const script = fileURLToPath(new URL('./sklearn_kmeans.py', import.meta.url));
        const out = execFileSync(
          PYTHON,
          [script, join(dir, 'x.npy'), join(dir, 'c.npy'), String(ITERATIONS), '1'],
          { encoding: 'utf8' },
        );
        const parsed = JSON.parse(out) as { version: string; runs: Run[] };
        version = parsed.version;
        runs.sklearn.push(...parsed.runs);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const simd = summarise(runs['lloyd-simd']);
  const lloyd = summarise(runs.lloyd);
  const elkan = summarise(runs.elkan);
  const hamerly = summarise(runs.hamerly);
  const sklearn = skipped === undefined ? { ...summarise(runs.sklearn), version } : undefined;
  progress.done();
  return {
    matrix: {
      rows: n,
      dims: 24,
      dtype: 'float32',
      source: 'resampled LCL 2013 peak-normalised daily curves + N(0, 0.03) jitter',
    },
    k: K,
    maxIter: ITERATIONS,
    threads,
    gridtrustLloydSimd: simd,
    gridtrustHamerly: hamerly,
    gridtrustElkan: elkan,
    gridtrustLloyd: lloyd,
    sklearn: sklearn ?? { skipped },
    timeRatio: sklearn === undefined ? null : simd.seconds / sklearn.seconds,
    inertiaRatio: sklearn === undefined ? null : simd.inertia / sklearn.inertia,
    elkanTimeRatio: sklearn === undefined ? null : elkan.seconds / sklearn.seconds,
    lloydTimeRatio: sklearn === undefined ? null : lloyd.seconds / sklearn.seconds,
    hamerlyTimeRatio: sklearn === undefined ? null : hamerly.seconds / sklearn.seconds,
    target: 'timeRatio ≤ 1.5 and inertiaRatio ≤ 1.001',
  };
}
