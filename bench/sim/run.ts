// `gridtrust bench sim`: simulated terminal-intervals per second in virtual time vs an RNG-only typed-array loop.
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { readLclFile } from '../../src/cli/data-files.ts';
import { createProgress } from '../../src/cli/progress.ts';
import { createManualClock, createRandom, type Random, type UnixMillis } from '../../src/core/index.ts';
import { createFleet, prepareLoadShapes, type LoadShapes } from '../../src/sim/index.ts';

const INTERVALS = 96; // 24 h of 15-minute intervals
const START = Date.UTC(2024, 5, 1) as UnixMillis;

interface DrawCounts {
  next: number;
  normal: number;
}

/** Wraps a Random to count the draws the fleet makes (forks are counted too). */
function countingRandom(inner: Random, counts: DrawCounts): Random {
  return {
    next: () => (counts.next++, inner.next()),
    int: (a, b) => (counts.next++, inner.int(a, b)),
    uniform: (a, b) => (counts.next++, inner.uniform(a, b)),
    normal: (m, s) => (counts.normal++, inner.normal(m, s)),
    exponential: (m) => (counts.next++, inner.exponential(m)),
    fork: () => countingRandom(inner.fork(), counts),
  };
}

/** Runs `terminals` × 24 h; returns seconds of the stepping only (creation excluded). */
function runFleet(
  shapes: LoadShapes,
  terminals: number,
  random?: Random,
): { seconds: number; frames: number } {
  const clock = createManualClock(START);
  const fleet = createFleet({
    terminals,
    loadShapes: shapes,
    clock,
    seed: 1,
    malicious: 0.05,
    ...(random ? { random } : {}),
  });
  const t0 = performance.now();
  for (let k = 0; k < INTERVALS; k++) {
    clock.advance(900_000);
    fleet.advance();
  }
  return { seconds: (performance.now() - t0) / 1000, frames: fleet.tally.frames };
}

/**
 * The reference: a plain loop over the same terminal-intervals doing only the fleet's random draws
 * (same counts of uniform and normal draws per terminal-interval) into a typed array.
 */
function runReference(terminalIntervals: number, perTi: DrawCounts): number {
  const rnd = createRandom(1);
  const out = new Float64Array(4096);
  const nNext = Math.round(perTi.next * 1000);
  const nNormal = Math.round(perTi.normal * 1000);
  const t0 = performance.now();
  let accNext = 0;
  let accNormal = 0;
  for (let ti = 0; ti < terminalIntervals; ti++) {
    accNext += nNext;
    accNormal += nNormal;
    for (; accNext >= 1000; accNext -= 1000) out[ti & 4095] = rnd.next();
    for (; accNormal >= 1000; accNormal -= 1000) out[(ti + 7) & 4095] = rnd.normal();
  }
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const terminals = Math.max(100, Math.round(20_000 * ctx.scale));
  const t0 = performance.now();
  const shapes = prepareLoadShapes(readLclFile());
  const loadSeconds = (performance.now() - t0) / 1000;
  const counts: DrawCounts = { next: 0, normal: 0 };
  const probeTerminals = Math.min(terminals, 2000);
  runFleet(shapes, probeTerminals, countingRandom(createRandom(1), counts));
  const perTi = {
    next: counts.next / (probeTerminals * INTERVALS),
    normal: counts.normal / (probeTerminals * INTERVALS),
  };
  const reps = 3;
  const progress = createProgress(ctx.io, 'bench sim', reps * 2, ctx.quiet);
  const fleetS: number[] = [];
  const refS: number[] = [];
  let frames = 0;
  for (let r = 0; r < reps; r++) {
    const run = runFleet(shapes, terminals);
    fleetS.push(run.seconds);
    frames = run.frames;
    progress.update(2 * r + 1);
    refS.push(runReference(terminals * INTERVALS, perTi));
    progress.update(2 * r + 2);
    await new Promise((res) => setImmediate(res));
  }
  progress.done();
  const ti = terminals * INTERVALS;
  const fleetRate = ti / median(fleetS);
  const refRate = ti / median(refS);
  return {
    terminals,
    hours: 24,
    terminalIntervals: ti,
    frames,
    repetitions: reps,
    medianSeconds: median(fleetS),
    terminalIntervalsPerSecond: Math.round(fleetRate),
    referenceRngOnlyPerSecond: Math.round(refRate),
    ratioToReference: fleetRate / refRate,
    drawsPerTerminalInterval: perTi,
    projected100kx24hSeconds: (100_000 * INTERVALS) / fleetRate,
    loadShapesSeconds: loadSeconds,
  };
}
