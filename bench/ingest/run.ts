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
import { connectPublishers, median, publishRound, type Job } from './load.ts';

interface Terminal {
  id: TerminalId;
  title: Buffer;
  rootKey: Buffer;
}

const CONNECTIONS = 8;
const ROUNDS = 3;

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
  rounds: Job[][];
  window: number;
  tick: (what: string) => void;
  done: () => void;
}

/** Raw broker: the same aedes setup and publishers, a sink that acknowledges at once (no pipeline). */
async function measureRawBroker(p: Plan) {
  const broker = await startEmbeddedBroker({
    sink: { handleFrame: () => Promise.resolve({ ok: true }), recordRejection: () => undefined },
  });
  const clients = await connectPublishers(broker.port, CONNECTIONS, 'raw');
  const out = [];
  for (let r = 0; r < ROUNDS; r++) {
    out.push(await publishRound(clients, p.rounds[r]!, p.window));
    p.tick('raw broker');
  }
  await Promise.all(clients.map((c) => c.endAsync()));
  await broker.close();
  return out;
}

/** End to end: verify, account, durable SQLite commit, then PUBACK. */
async function measureEndToEnd(p: Plan) {
  const env = await startPlatform(p.terminals);
  const clients = await connectPublishers(env.platform.mqttPort, CONNECTIONS, 'e2e');
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    rounds.push(await publishRound(clients, p.rounds[ROUNDS + r]!, p.window));
    p.tick('end to end');
  }
  await Promise.all(clients.map((c) => c.endAsync()));
  const stored = await env.store.countReadings();
  const stats = env.platform.pipeline.stats();
  const groups = env.store.groupCommits;
  await env.platform.close();
  rmSync(env.dir, { recursive: true, force: true });
  return { rounds, stored, stats, groups };
}

/** Frames handed per event-loop turn in the streamed pipeline figure (like one busy I/O round). */
const STREAM_CHUNK = 500;
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Pipeline with the store, no transport: the frames handed straight to handleFrame, after one
 * warm-up round (a running platform's key cache holds every terminal's derived keys; its counters are
 * below the measured rounds', so no measured frame is a replay — checked: `rejected`). `all`: every
 * frame of a round at once (verification of the whole round runs before the first write can start);
 * `streamed`: STREAM_CHUNK frames per event-loop turn, so verifying and writing overlap.
 */
async function measurePipeline(
  p: Plan,
  how: 'all' | 'streamed',
): Promise<{ perSec: number[]; rejected: number }> {
  const env = await startPlatform(p.terminals);
  const handle = (j: Job) => env.platform.pipeline.handleFrame(j.frame, { transport: 'direct' });
  const handleAll = async (jobs: readonly Job[]) => {
    if (how === 'all') return Promise.all(jobs.map(handle));
    const out = [];
    for (let i = 0; i < jobs.length; i += STREAM_CHUNK) {
      out.push(...jobs.slice(i, i + STREAM_CHUNK).map(handle));
      await nextTurn();
    }
    return Promise.all(out);
  };
  await handleAll(p.rounds[0]!);
  const out = [];
  let rejected = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    const jobs = p.rounds[r]!; // higher counters than every earlier round on this platform
    const t0 = performance.now();
    const outcomes = await handleAll(jobs);
    out.push(jobs.length / ((performance.now() - t0) / 1000));
    rejected += outcomes.filter((o) => !o.ok).length;
    p.tick(`pipeline (${how})`);
  }
  await env.platform.close();
  rmSync(env.dir, { recursive: true, force: true });
  return { perSec: out, rejected };
}

function plan(ctx: BenchContext): Plan {
  const nTerm = Math.max(100, Math.round(2000 * ctx.scale));
  const perTerminal = Math.max(2, Math.round(10 * ctx.scale));
  const terminals: Terminal[] = Array.from({ length: nTerm }, () => {
    const title = randomBytes(8);
    return { id: title.toString('hex') as TerminalId, title, rootKey: randomBytes(32) };
  });
  const progress = createProgress(ctx.io, 'bench ingest', 5 * ROUNDS + 1, ctx.quiet);
  let step = 0;
  const rounds = Array.from({ length: ROUNDS * 2 + 1 }, (_, r) =>
    makeJobs(terminals, perTerminal, 1 + r * perTerminal),
  );
  // About one frame in flight per terminal (a terminal waits for its ack), spread over the connections.
  const window = Math.max(1, Math.round(nTerm / CONNECTIONS));
  return {
    terminals,
    rounds,
    window,
    tick: (what) => progress.update(++step, what),
    done: () => progress.done(),
  };
}

const round2 = (x: number) => Number(x.toFixed(2));

/** Runs the bench; figures are medians over rounds. */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const p = plan(ctx);
  const rootKeys = new Map(p.terminals.map((t) => [t.id as string, t.rootKey]));
  const rawAead = median(
    Array.from({ length: ROUNDS }, () => rawAeadOpensPerSec(p.rounds[0]!.slice(0, 5000), rootKeys)),
  );
  p.tick('aead');
  const raw = await measureRawBroker(p);
  const e2e = await measureEndToEnd(p);
  const all = await measurePipeline(p, 'all');
  const stream = await measurePipeline(p, 'streamed');
  const pipeline = median(all.perSec);
  const streamed = median(stream.perSec);
  p.done();
  const rawBroker = median(raw.map((x) => x.perSec));
  const endToEnd = median(e2e.rounds.map((x) => x.perSec));
  return {
    terminals: p.terminals.length,
    framesPerRound: p.rounds[0]!.length,
    frameBytes: p.rounds[0]![0]!.frame.length,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    inFlightPerConnection: p.window,
    rawBrokerMessagesPerSec: Math.round(rawBroker),
    endToEndFramesPerSec: Math.round(endToEnd),
    endToEndVsRawBroker: Number((endToEnd / rawBroker).toFixed(3)),
    rawAeadOpensPerSec: Math.round(rawAead),
    pipelineFramesPerSec: Math.round(pipeline),
    pipelineVsRawAead: Number((pipeline / rawAead).toFixed(3)),
    pipelineStreamedFramesPerSec: Math.round(streamed),
    pipelineStreamedVsRawAead: Number((streamed / rawAead).toFixed(3)),
    pipelineRejectedFrames: all.rejected + stream.rejected,
    ackLatencyP50Ms: round2(median(e2e.rounds.map((x) => x.p50Ms))),
    ackLatencyP99Ms: round2(median(e2e.rounds.map((x) => x.p99Ms))),
    rawBrokerAckLatencyP50Ms: round2(median(raw.map((x) => x.p50Ms))),
    failedPublishes: e2e.rounds.reduce((a, x) => a + x.failed, 0),
    storedReadings: e2e.stored,
    endToEndBatches: e2e.stats.commits,
    endToEndGroupCommits: e2e.groups,
    framesPerGroupCommit: Math.round(e2e.stats.committedFrames / Math.max(1, e2e.groups)),
    targets: { endToEndVsRawBroker: 0.7, pipelineVsRawAead: 0.5 },
  };
}
