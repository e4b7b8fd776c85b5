// `gridtrust bench ingest`: raw broker, end-to-end, raw AEAD and pipeline rates, measured in one run.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createProgress } from '../../src/cli/progress.ts';
import type { TerminalId } from '../../src/core/index.ts';
import { createKeyCache, openFrameAead, parseFrame, sealFrame } from '../../src/protocol/index.ts';
import {
  brokerFigures,
  measureBrokerRounds,
  directSkipReason,
  openFileLimit,
  startPlatform,
  type BrokerPlan,
  type Terminal,
} from './broker-rounds.ts';
import { createCpuMeter } from './cpu-meter.ts';
import { median, type Job } from './load.ts';

/**
 * Publisher connections per broker in the gateway layout (each carries many terminals, as a fusion
 * terminal does); GRIDTRUST_BENCH_CONNECTIONS. The direct layout opens one connection per terminal.
 */
const CONNECTIONS = Number(process.env.GRIDTRUST_BENCH_CONNECTIONS ?? 8);
const ROUNDS = 5;
/** The targets (ratios measured in the same run). */
const TARGETS = { endToEndVsRawBroker: 0.7, pipelineVsRawAead: 0.5 } as const;

/** Sealed frames for every terminal: `perTerminal` each, frame counters from `fcFrom`. */
function makeJobs(terminals: readonly Terminal[], perTerminal: number, fcFrom: number): Job[] {
  const jobs: Job[] = [];
  const keyCache = createKeyCache({ maxEntries: terminals.length * 2 });
  for (let k = 0; k < perTerminal; k++) {
    for (const t of terminals) {
      const fc = fcFrom + k;
      const frame = sealFrame({
        header: {
          dir: 0,
          ackReq: false,
          more: false,
          suite: 0x01,
          systemTitle: t.title,
          purpose: 1,
          keyVersion: 1,
          fc,
          ctype: 0x01,
        },
        key: { rootKey: t.rootKey, tenant: 1, keyCache },
        telemetry: {
          t: 1_763_800_000 + fc * 900,
          voltage: 2301,
          current: 512,
          activePower: 1180,
          powerFactor: 985,
          frequency: 5001,
          energyImport: 123_456,
        },
      });
      jobs.push({ title: t.id, frame });
    }
  }
  return jobs;
}

/** Raw AEAD: AES-128-GCM opens of the same frames, keys already imported (the pipeline's floor). */
function rawAeadOpensPerSec(jobs: readonly Job[], rootKeys: ReadonlyMap<string, Buffer>): number {
  const cache = createKeyCache({ maxEntries: jobs.length });
  const prepared = jobs.map((j) => {
    const p = parseFrame(j.frame);
    if (!p.ok) throw new Error(p.reason);
    const input = {
      rootKey: rootKeys.get(j.title)!,
      systemTitle: p.header.systemTitle,
      tenant: 1,
      version: 1,
      purpose: 1,
      dir: 0,
      suite: 1,
    } as const;
    return { frame: p.frame, key: cache.get(j.title, input).keyObject };
  });
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 1000) {
    for (const p of prepared) if (openFrameAead(p.key, 1, p.frame) !== undefined) n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

interface Plan extends BrokerPlan {
  terminals: Terminal[];
  rootKeys: ReadonlyMap<string, Buffer>;
  done: () => void;
}

/** Frames handed per event-loop turn in the streamed pipeline figure (like one busy I/O round). */
const STREAM_CHUNK = 500;
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Pipeline with the store, no transport, each round right after a raw-AEAD round on the same frames
 * (paired, so a load spike hits both): STREAM_CHUNK frames per event-loop turn, as a busy transport
 * delivers them. `main` (the figure): the pipeline on the calling thread, AES-GCM on the AEAD worker,
 * writes on the SQLite write worker, so the three overlap on both cores. `writer`: the embedded
 * default (ADR 0010), the pipeline inside the write worker — with no transport on the main thread
 * one core is left idle by design (information). After one warm-up round with lower counters (a
 * running platform's key cache holds every terminal's derived keys); no measured frame is a replay.
 */
async function measurePipeline(p: Plan, ingestThread: 'main' | 'writer') {
  const env = await startPlatform(p.terminals, { ingestThread });
  const handle = (j: Job) => env.platform.pipeline.handleFrame(j.frame, { transport: 'direct' });
  const handleAll = async (jobs: readonly Job[]) => {
    const out = [];
    for (let i = 0; i < jobs.length; i += STREAM_CHUNK) {
      out.push(...jobs.slice(i, i + STREAM_CHUNK).map(handle));
      await nextTurn();
    }
    return Promise.all(out);
  };
  await handleAll(p.rounds[0]!);
  const perSec = [];
  const aead = [];
  let rejected = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    const jobs = p.rounds[r]!; // higher counters than every earlier round on this platform
    aead.push(rawAeadOpensPerSec(jobs.slice(0, 5000), p.rootKeys));
    const t0 = performance.now();
    const phase = ingestThread === 'main' ? 'pipeline' : 'pipelineInWriterThread';
    const outcomes = await p.cpu.measure(phase, jobs.length, () => handleAll(jobs));
    perSec.push(jobs.length / ((performance.now() - t0) / 1000));
    rejected += outcomes.filter((o) => !o.ok).length;
    p.tick(`pipeline (ingestThread: ${ingestThread})`);
  }
  await env.platform.close();
  rmSync(env.dir, { recursive: true, force: true });
  return { perSec, aead, rejected };
}

function plan(ctx: BenchContext): Plan {
  const nTerm = Math.max(100, Math.round(4000 * ctx.scale));
  const perTerminal = Math.max(2, Math.round(5 * ctx.scale));
  const terminals: Terminal[] = Array.from({ length: nTerm }, () => {
    const title = randomBytes(8);
    return { id: title.toString('hex') as TerminalId, title, rootKey: randomBytes(32) };
  });
  const progress = createProgress(ctx.io, 'bench ingest', 4 * ROUNDS, ctx.quiet);
  let step = 0;
  const rounds = Array.from({ length: ROUNDS + 1 }, (_, r) =>
    makeJobs(terminals, perTerminal, 1 + r * perTerminal),
  );
  return {
    terminals,
    rounds,
    measuredRounds: ROUNDS,
    rootKeys: new Map(terminals.map((t) => [t.id as string, t.rootKey])),
    tick: (what) => progress.update(++step, what),
    done: () => progress.done(),
    cpu: createCpuMeter(),
  };
}

const ratio3 = (x: number) => Number(x.toFixed(3));
const pairedMedian = (a: readonly number[], b: readonly number[]) => median(a.map((x, i) => x / b[i]!));

/**
 * The direct layout (one connection per terminal, as NB-IoT terminals connect straight to the
 * platform), or why it was skipped: its raw and end-to-end publishers and the broker's side of both
 * hold about four sockets per terminal.
 */
async function measureDirect(p: Plan) {
  const skipped = directSkipReason(openFileLimit(), p.terminals.length);
  if (skipped !== undefined) {
    for (let r = 0; r < ROUNDS; r++) p.tick('direct layout skipped');
    return { skipped };
  }
  return brokerFigures(await measureBrokerRounds(p, p.terminals.length, 'direct'));
}

/** Runs the bench; figures are medians over rounds, ratios also as medians of same-round pairs. */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const p = plan(ctx);
  const gateway = brokerFigures(await measureBrokerRounds(p, CONNECTIONS, 'gateway'));
  const direct = await measureDirect(p);
  const stream = await measurePipeline(p, 'main');
  const inWriter = await measurePipeline(p, 'writer');
  p.done();
  const aead = [...stream.aead, ...inWriter.aead];
  const rawAead = median(aead);
  const pipeline = median(stream.perSec);
  const pipelineInWriter = median(inWriter.perSec);
  const { perRound, ...broker } = gateway;
  return {
    terminals: p.terminals.length,
    framesPerRound: p.rounds[0]!.length,
    frameBytes: p.rounds[0]![0]!.frame.length,
    rounds: ROUNDS,
    ...broker,
    direct,
    rawAeadOpensPerSec: Math.round(rawAead),
    pipelineFramesPerSec: Math.round(pipeline),
    pipelineVsRawAead: ratio3(pipeline / rawAead),
    pipelineVsRawAeadPairedMedian: ratio3(pairedMedian(stream.perSec, stream.aead)),
    pipelineInWriterThreadFramesPerSec: Math.round(pipelineInWriter),
    pipelineInWriterThreadVsRawAead: ratio3(pipelineInWriter / rawAead),
    pipelineRejectedFrames: stream.rejected + inWriter.rejected,
    cpuPerFrameUs: p.cpu.report(),
    perRound: {
      ...perRound,
      rawAead: aead.map(Math.round),
      pipeline: stream.perSec.map(Math.round),
      pipelineInWriterThread: inWriter.perSec.map(Math.round),
    },
    targets: TARGETS,
    meetsTargets: {
      endToEndVsRawBroker: broker.endToEndVsRawBroker >= TARGETS.endToEndVsRawBroker,
      directEndToEndVsRawBroker:
        'endToEndVsRawBroker' in direct ? direct.endToEndVsRawBroker >= TARGETS.endToEndVsRawBroker : null,
      pipelineVsRawAead: ratio3(pipeline / rawAead) >= TARGETS.pipelineVsRawAead,
    },
  };
}
