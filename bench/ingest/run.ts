// `gridtrust bench ingest`: raw broker, end-to-end, raw AEAD and pipeline rates, measured in one run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createProgress } from '../../src/cli/progress.ts';
import { createSystemClock } from '../../src/cli/system-clock.ts';
import type { TerminalId } from '../../src/core/index.ts';
import {
  createPlatformRegistry,
  provisionTerminals,
  resolvePlatformConfig,
  rootKeysFromRegistry,
  startEmbeddedPlatform,
} from '../../src/platform/index.ts';
import { createKeyCache, openFrameAead, parseFrame, sealFrame } from '../../src/protocol/index.ts';
import { openSqliteStore } from '../../src/storage/index.ts';
import { startEmbeddedBroker } from '../../src/transport/index.ts';
import { createCpuMeter } from './cpu-meter.ts';
import { connectPublishers, median, publishRound, type Job } from './load.ts';

interface Terminal {
  id: TerminalId;
  title: Buffer;
  rootKey: Buffer;
}

/** Publisher connections per broker (one set each for raw and end to end); GRIDTRUST_BENCH_CONNECTIONS. */
const CONNECTIONS = Number(process.env.GRIDTRUST_BENCH_CONNECTIONS ?? 8);
const ROUNDS = 5;

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

async function startPlatform(terminals: readonly Terminal[]) {
  const dir = mkdtempSync(join(tmpdir(), 'gt-bench-ingest-'));
  const store = await openSqliteStore({ path: join(dir, 'gridtrust.db') });
  const clock = createSystemClock();
  const registry = createPlatformRegistry({ store, masterKey: randomBytes(32), clock, actor: 'bench' });
  await provisionTerminals(
    registry,
    terminals.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
  );
  const config = resolvePlatformConfig({ flags: { dataDir: dir, mqttPort: 0, coapPort: 0, httpPort: 0 } });
  const platform = await startEmbeddedPlatform({
    config,
    store,
    rootKeyOf: rootKeysFromRegistry(registry),
    clock,
  });
  return { platform, store, dir };
}

interface Plan {
  terminals: Terminal[];
  /** Frames per round; round 0 warms the pipeline platforms up, then 2 rounds per measured round. */
  rounds: Job[][];
  rootKeys: ReadonlyMap<string, Buffer>;
  window: number;
  tick: (what: string) => void;
  done: () => void;
  cpu: ReturnType<typeof createCpuMeter>;
}

/**
 * Raw broker vs end to end, interleaved round by round (raw, e2e, raw, e2e, …) so a load spike from
 * other processes hits both: the raw broker is the same aedes setup with a sink that acknowledges at
 * once (no pipeline); end to end is the embedded platform (verify, account, durable SQLite commit,
 * then PUBACK). Same publishers (one set of connections per broker), same frames, same window.
 */
async function measureBrokerRounds(p: Plan) {
  const broker = await startEmbeddedBroker({
    sink: { handleFrame: () => Promise.resolve({ ok: true }), recordRejection: () => undefined },
  });
  const env = await startPlatform(p.terminals);
  const rawClients = await connectPublishers(broker.port, CONNECTIONS, 'raw');
  const e2eClients = await connectPublishers(env.platform.mqttPort, CONNECTIONS, 'e2e');
  // Warm-up: connections, JIT, and the platform's derived-key cache (a running platform holds them).
  await publishRound(rawClients, p.rounds[0]!, p.window);
  await publishRound(e2eClients, p.rounds[0]!, p.window);
  const raw = [];
  const e2e = [];
  for (let r = 0; r < ROUNDS; r++) {
    const jobs = p.rounds[1 + r]!; // the raw sink keeps no counters: the same frames serve both
    const n = jobs.length;
    raw.push(await p.cpu.measure('rawBroker', n, () => publishRound(rawClients, jobs, p.window)));
    e2e.push(await p.cpu.measure('endToEnd', n, () => publishRound(e2eClients, jobs, p.window)));
    p.tick('raw broker / end to end');
  }
  await Promise.all([...rawClients, ...e2eClients].map((c) => c.endAsync()));
  await broker.close();
  const stored = await env.store.countReadings();
  const stats = env.platform.pipeline.stats();
  const groups = env.store.groupCommits;
  await env.platform.close();
  rmSync(env.dir, { recursive: true, force: true });
  return { raw, e2e, stored, stats, groups };
}

/** Frames handed per event-loop turn in the streamed pipeline figure (like one busy I/O round). */
const STREAM_CHUNK = 500;
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Pipeline with the store, no transport, each round right after a raw-AEAD round on the same frames
 * (paired, so a load spike hits both). `streamed` (the figure): STREAM_CHUNK frames per event-loop
 * turn, as a busy transport delivers them, so verifying (main thread) and writing (SQLite write
 * worker) overlap. `burst`: every frame of a round at once, so the whole round is verified before the
 * first write can start (information). After one warm-up round with lower counters (a running
 * platform's key cache holds every terminal's derived keys); no measured frame is a replay (checked).
 */
async function measurePipeline(p: Plan, how: 'burst' | 'streamed') {
  const env = await startPlatform(p.terminals);
  const handle = (j: Job) => env.platform.pipeline.handleFrame(j.frame, { transport: 'direct' });
  const handleAll = async (jobs: readonly Job[]) => {
    if (how === 'burst') return Promise.all(jobs.map(handle));
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
    const phase = how === 'burst' ? 'pipelineBurst' : 'pipeline';
    const outcomes = await p.cpu.measure(phase, jobs.length, () => handleAll(jobs));
    perSec.push(jobs.length / ((performance.now() - t0) / 1000));
    rejected += outcomes.filter((o) => !o.ok).length;
    p.tick(`pipeline (${how})`);
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
  const progress = createProgress(ctx.io, 'bench ingest', 3 * ROUNDS, ctx.quiet);
  let step = 0;
  const rounds = Array.from({ length: ROUNDS + 1 }, (_, r) =>
    makeJobs(terminals, perTerminal, 1 + r * perTerminal),
  );
  // About one frame in flight per terminal (a terminal waits for its ack), spread over the connections.
  const window = Math.max(1, Math.round(nTerm / CONNECTIONS));
  return {
    terminals,
    rounds,
    rootKeys: new Map(terminals.map((t) => [t.id as string, t.rootKey])),
    window,
    tick: (what) => progress.update(++step, what),
    done: () => progress.done(),
    cpu: createCpuMeter(),
  };
}

const round2 = (x: number) => Number(x.toFixed(2));
const ratio3 = (x: number) => Number(x.toFixed(3));
const pairedMedian = (a: readonly number[], b: readonly number[]) => median(a.map((x, i) => x / b[i]!));

/** Runs the bench; figures are medians over rounds, ratios also as medians of same-round pairs. */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const p = plan(ctx);
  const broker = await measureBrokerRounds(p);
  const stream = await measurePipeline(p, 'streamed');
  const burst = await measurePipeline(p, 'burst');
  p.done();
  const rawBroker = median(broker.raw.map((x) => x.perSec));
  const e2e = broker.e2e.map((x) => x.perSec);
  const endToEnd = median(e2e);
  const aead = [...stream.aead, ...burst.aead];
  const rawAead = median(aead);
  const pipeline = median(stream.perSec);
  const pipelineBurst = median(burst.perSec);
  return {
    terminals: p.terminals.length,
    framesPerRound: p.rounds[0]!.length,
    frameBytes: p.rounds[0]![0]!.frame.length,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    inFlightPerConnection: p.window,
    rawBrokerMessagesPerSec: Math.round(rawBroker),
    endToEndFramesPerSec: Math.round(endToEnd),
    endToEndVsRawBroker: ratio3(endToEnd / rawBroker),
    endToEndVsRawBrokerPairedMedian: ratio3(
      pairedMedian(
        e2e,
        broker.raw.map((x) => x.perSec),
      ),
    ),
    rawAeadOpensPerSec: Math.round(rawAead),
    pipelineFramesPerSec: Math.round(pipeline),
    pipelineVsRawAead: ratio3(pipeline / rawAead),
    pipelineVsRawAeadPairedMedian: ratio3(pairedMedian(stream.perSec, stream.aead)),
    pipelineBurstFramesPerSec: Math.round(pipelineBurst),
    pipelineBurstVsRawAead: ratio3(pipelineBurst / rawAead),
    pipelineRejectedFrames: stream.rejected + burst.rejected,
    ackLatencyP50Ms: round2(median(broker.e2e.map((x) => x.p50Ms))),
    ackLatencyP99Ms: round2(median(broker.e2e.map((x) => x.p99Ms))),
    rawBrokerAckLatencyP50Ms: round2(median(broker.raw.map((x) => x.p50Ms))),
    failedPublishes: broker.e2e.reduce((a, x) => a + x.failed, 0),
    storedReadings: broker.stored,
    endToEndBatches: broker.stats.commits,
    endToEndGroupCommits: broker.groups,
    framesPerGroupCommit: Math.round(broker.stats.committedFrames / Math.max(1, broker.groups)),
    cpuPerFrameUs: p.cpu.report(),
    perRound: {
      rawBroker: broker.raw.map((x) => Math.round(x.perSec)),
      endToEnd: e2e.map(Math.round),
      rawAead: aead.map(Math.round),
      pipeline: stream.perSec.map(Math.round),
      pipelineBurst: burst.perSec.map(Math.round),
    },
    targets: { endToEndVsRawBroker: 0.7, pipelineVsRawAead: 0.5 },
  };
}
