// `gridtrust bench trust`: one full DTMS cycle (and one robust cycle) over 1,000,000 terminals on one core.
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createRandom } from '../../src/core/index.ts';
import {
  createCycleScores,
  createEvidenceBatch,
  createScheme,
  HW_ATTRS,
  OPS_FEATURES,
  resetCycleScores,
  SW_ATTRS,
  type EvidenceBatch,
  type SchemeName,
} from '../../src/trust/index.ts';

const GROUP = 100;

/** Fills a batch with plausible evidence (seeded), 100 terminals per fusion terminal. */
function fillBatch(b: EvidenceBatch, seed: number): void {
  const r = createRandom(seed);
  const groups = Math.ceil(b.size / GROUP);
  b.groupStart = Int32Array.from({ length: groups + 1 }, (_, g) => Math.min(b.size, g * GROUP));
  for (let i = 0; i < b.size; i++) {
    b.active[i] = 1;
    b.requests[i] = 20;
    b.valid[i] = 20 - (r.next() < 0.05 ? r.int(1, 10) : 0);
    b.late[i] = r.next() < 0.02 ? 1 : 0;
    b.tamperedCaught[i] = 0;
    b.duplicates[i] = r.next() < 0.1 ? 1 : 0;
    b.meanDelay[i] = r.uniform(15, 45);
    b.statusReport[i] = 1;
    b.attested[i] = 1;
    b.remaining[i] = r.uniform(1.6, 2);
    b.initial[i] = 2;
    for (let k = 0; k < OPS_FEATURES; k++) b.ops[i * OPS_FEATURES + k] = r.uniform(0.3, 0.7);
  }
  for (let j = 0; j < b.size * HW_ATTRS; j++) b.hwMatch[j] = r.next() < 0.001 ? 0 : 1;
  for (let j = 0; j < b.size * SW_ATTRS; j++) b.swMatch[j] = r.next() < 0.001 ? 0 : 1;
}

/** The reference: one plain pass over the same arrays (reads every field a scheme reads). */
function referencePass(b: EvidenceBatch): number {
  let acc = 0;
  for (let i = 0; i < b.size; i++) {
    acc += (b.requests[i] ?? 0) + (b.valid[i] ?? 0) + (b.late[i] ?? 0) + (b.tamperedCaught[i] ?? 0);
    acc += (b.duplicates[i] ?? 0) + (b.meanDelay[i] ?? 0) + (b.remaining[i] ?? 0) / (b.initial[i] ?? 1);
  }
  for (let j = 0; j < b.hwMatch.length; j++) acc += b.hwMatch[j] ?? 0;
  for (let j = 0; j < b.swMatch.length; j++) acc += b.swMatch[j] ?? 0;
  for (let j = 0; j < b.ops.length; j++) acc += b.ops[j] ?? 0;
  return acc;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

function timeScheme(name: SchemeName, b: EvidenceBatch, reps: number): number {
  const scheme = createScheme(name, b.size);
  const out = createCycleScores(b.size);
  b.cycle = 0;
  scheme.score(b, out);
  const times: number[] = [];
  for (let k = 1; k <= reps; k++) {
    b.cycle = k;
    resetCycleScores(out);
    const t0 = performance.now();
    scheme.score(b, out);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Runs the benchmark; `scale` shrinks the terminal count for quick runs. */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const n = Math.max(1000, Math.round(1_000_000 * ctx.scale));
  const b = createEvidenceBatch(n);
  fillBatch(b, 42);
  const reps = 5;
  const refTimes: number[] = [];
  let sink = 0;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    sink += referencePass(b);
    refTimes.push(performance.now() - t0);
  }
  if (!ctx.quiet)
    ctx.io.err(
      `reference pass done (${sink > 0 ? 'ok' : '?'}); timing DTMS and robust cycles over ${n} terminals\n`,
    );
  const paperMs = timeScheme('paper', b, reps);
  const robustMs = timeScheme('robust', b, reps);
  const refMs = median(refTimes);
  return Promise.resolve({
    terminals: n,
    terminalsPerSecond: Math.round(n / (paperMs / 1000)),
    cycleMs: Math.round(paperMs * 10) / 10,
    robustTerminalsPerSecond: Math.round(n / (robustMs / 1000)),
    robustCycleMs: Math.round(robustMs * 10) / 10,
    referenceTerminalsPerSecond: Math.round(n / (refMs / 1000)),
    referenceMs: Math.round(refMs * 10) / 10,
    ratioToReference: Math.round((refMs / paperMs) * 1000) / 1000,
    repetitions: reps,
    statistic: 'median',
  });
}
