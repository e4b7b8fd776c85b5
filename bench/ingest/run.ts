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
  const store = await openSqliteStore({
    path: join(dir, 'gridtrust.db'),
    ...(process.env.GT_BENCH_SYNC === 'normal' ? { synchronous: 'normal' as const } : {}),
  });
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

/** Runs the bench; figures are medians over rounds. */
export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const nTerm = Math.max(100, Math.round(2000 * ctx.scale));
  const perTerminal = Math.max(2, Math.round(10 * ctx.scale));
  const terminals: Terminal[] = Array.from({ length: nTerm }, () => {
    const title = randomBytes(8);
    return { id: title.toString('hex') as TerminalId, title, rootKey: randomBytes(32) };
  });
  // About one frame in flight per terminal (a terminal waits for its ack), spread over the connections.
  const window = Math.max(1, Math.round(nTerm / CONNECTIONS));
  const progress = createProgress(ctx.io, 'bench ingest', 4 * ROUNDS + 1, ctx.quiet);
  let step = 0;
  const tick = (what: string) => progress.update(++step, what);
  const rounds = Array.from({ length: ROUNDS * 2 + 1 }, (_, r) =>
    makeJobs(terminals, perTerminal, 1 + r * perTerminal),
  );
  const rootKeys = new Map(terminals.map((t) => [t.id as string, t.rootKey]));
  const aead = Array.from({ length: ROUNDS }, () => rawAeadOpensPerSec(rounds[0]!.slice(0, 5000), rootKeys));
  tick('aead');

  // Raw broker: the same aedes setup and publishers, a sink that acknowledges at once (no pipeline).
  const broker = await startEmbeddedBroker({
    sink: { handleFrame: () => Promise.resolve({ ok: true }), recordRejection: () => undefined },
  });
  const rawClients = await connectPublishers(broker.port, CONNECTIONS, 'raw');
  const raw = [];
  for (let r = 0; r < ROUNDS; r++) {
    raw.push(await publishRound(rawClients, rounds[r]!, window));
    tick('raw broker');
  }
  await Promise.all(rawClients.map((c) => c.endAsync()));
  await broker.close();

  // End to end: verify, account, durable SQLite commit, then PUBACK.
  const e2eEnv = await startPlatform(terminals);
  const clients = await connectPublishers(e2eEnv.platform.mqttPort, CONNECTIONS, 'e2e');
  const e2e = [];
  for (let r = 0; r < ROUNDS; r++) {
    e2e.push(await publishRound(clients, rounds[ROUNDS + r]!, window));
    tick('end to end');
  }
  await Promise.all(clients.map((c) => c.endAsync()));
  const stored = await e2eEnv.store.countReadings();
  const e2eStats = e2eEnv.platform.pipeline.stats();
  await e2eEnv.platform.close();
  rmSync(e2eEnv.dir, { recursive: true, force: true });

  // Pipeline with the store, no transport: same frames handed straight to handleFrame. One warm-up
  // round first (derives every terminal's keys once, as a running platform's key cache holds them).
  const pipeEnv = await startPlatform(terminals);
  const handleAll = (jobs: readonly Job[]) =>
    Promise.all(jobs.map((j) => pipeEnv.platform.pipeline.handleFrame(j.frame, { transport: 'direct' })));
  await handleAll(rounds[2 * ROUNDS]!);
  const pipe = [];
  for (let r = 0; r < ROUNDS; r++) {
    const jobs = rounds[r]!; // fresh counters for this platform
    const t0 = performance.now();
    await handleAll(jobs);
    pipe.push(jobs.length / ((performance.now() - t0) / 1000));
    tick('pipeline');
  }
  await pipeEnv.platform.close();
  rmSync(pipeEnv.dir, { recursive: true, force: true });
  progress.done();
  const rawBroker = median(raw.map((x) => x.perSec));
  const endToEnd = median(e2e.map((x) => x.perSec));
  const rawAead = median(aead);
  const pipeline = median(pipe);
  return {
    terminals: nTerm,
    framesPerRound: rounds[0]!.length,
    frameBytes: rounds[0]![0]!.frame.length,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    inFlightPerConnection: window,
    rawBrokerMessagesPerSec: Math.round(rawBroker),
    endToEndFramesPerSec: Math.round(endToEnd),
    endToEndVsRawBroker: Number((endToEnd / rawBroker).toFixed(3)),
    rawAeadOpensPerSec: Math.round(rawAead),
    pipelineFramesPerSec: Math.round(pipeline),
    pipelineVsRawAead: Number((pipeline / rawAead).toFixed(3)),
    ackLatencyP50Ms: Number(median(e2e.map((x) => x.p50Ms)).toFixed(2)),
    ackLatencyP99Ms: Number(median(e2e.map((x) => x.p99Ms)).toFixed(2)),
    rawBrokerAckLatencyP50Ms: Number(median(raw.map((x) => x.p50Ms)).toFixed(2)),
    failedPublishes: e2e.reduce((a, x) => a + x.failed, 0),
    storedReadings: stored,
    endToEndCommits: e2eStats.commits,
    framesPerCommit: Math.round(e2eStats.committedFrames / Math.max(1, e2eStats.commits)),
    targets: { endToEndVsRawBroker: 0.7, pipelineVsRawAead: 0.5 },
  };
}
