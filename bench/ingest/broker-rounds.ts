// Raw broker vs end to end over MQTT, interleaved round by round, for one connection layout.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '../../src/cli/system-clock.ts';
import type { TerminalId } from '../../src/core/index.ts';
import {
  createPlatformRegistry,
  provisionTerminals,
  resolvePlatformConfig,
  rootKeysFromRegistry,
  startEmbeddedPlatform,
} from '../../src/platform/index.ts';
import { openSqliteStore } from '../../src/storage/index.ts';
import { startEmbeddedBroker } from '../../src/transport/index.ts';
import type { createCpuMeter } from './cpu-meter.ts';
import { connectPublishers, median, publishRound, type Job, type RoundResult } from './load.ts';

/** A provisioned terminal of the bench fleet. */
export interface Terminal {
  id: TerminalId;
  title: Buffer;
  rootKey: Buffer;
}

/** What the broker rounds need from the bench plan. */
export interface BrokerPlan {
  terminals: readonly Terminal[];
  /** Round 0 warms up; rounds 1… are measured. */
  rounds: readonly Job[][];
  measuredRounds: number;
  tick: (what: string) => void;
  cpu: ReturnType<typeof createCpuMeter>;
}

/** The embedded platform on a fresh data directory, with the fleet provisioned (K_root wrapped). */
export async function startPlatform(terminals: readonly Terminal[], flags: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gt-bench-ingest-'));
  const store = await openSqliteStore({ path: join(dir, 'gridtrust.db') });
  const clock = createSystemClock();
  const registry = createPlatformRegistry({ store, masterKey: randomBytes(32), clock, actor: 'bench' });
  await provisionTerminals(
    registry,
    terminals.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
  );
  const config = resolvePlatformConfig({
    flags: { ...flags, dataDir: dir, mqttPort: 0, coapPort: 0, httpPort: 0 },
  });
  const platform = await startEmbeddedPlatform({
    config,
    store,
    rootKeyOf: rootKeysFromRegistry(registry),
    clock,
  });
  return { platform, store, dir };
}

/** The soft open-file limit (Linux /proc), or undefined where it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * Why the direct layout (one connection per terminal) cannot run under an open-file limit, or
 * undefined when it can: raw and end-to-end publishers and the broker's side of both hold about
 * four sockets per terminal, plus headroom for the store, workers and listeners.
 */
export function directSkipReason(limit: number | undefined, terminals: number): string | undefined {
  const need = 4 * terminals + 256;
  if (limit === undefined || limit >= need) return undefined;
  return `open-file limit ${limit} < ${need} needed: raise it (ulimit -n ${need}) to measure`;
}

/**
 * Raw broker vs end to end, interleaved round by round (raw, e2e, raw, e2e, …) so a load spike from
 * other processes hits both: the raw broker is the same aedes setup with a sink that acknowledges at
 * once (no pipeline); end to end is the embedded platform (verify, account, durable SQLite commit,
 * then PUBACK). Same publishers (`connections` per broker, about one frame in flight per terminal),
 * same frames. `phase` names the figures in `cpuPerFrameUs`.
 */
export async function measureBrokerRounds(p: BrokerPlan, connections: number, phase: string) {
  const window = Math.max(1, Math.round(p.terminals.length / connections));
  const broker = await startEmbeddedBroker({
    sink: { handleFrame: () => Promise.resolve({ ok: true }), recordRejection: () => undefined },
  });
  const env = await startPlatform(p.terminals);
  const rawClients = await connectPublishers(broker.port, connections, `raw-${phase}`);
  const e2eClients = await connectPublishers(env.platform.mqttPort, connections, `e2e-${phase}`);
  // Warm-up: connections, JIT, and the platform's derived-key cache (a running platform holds them).
  await publishRound(rawClients, p.rounds[0]!, window);
  await publishRound(e2eClients, p.rounds[0]!, window);
  const raw: RoundResult[] = [];
  const e2e: RoundResult[] = [];
  for (let r = 1; r <= p.measuredRounds; r++) {
    const jobs = p.rounds[r]!; // the raw sink keeps no counters: the same frames serve both
    const n = jobs.length;
    raw.push(await p.cpu.measure(`${phase}RawBroker`, n, () => publishRound(rawClients, jobs, window)));
    e2e.push(await p.cpu.measure(`${phase}EndToEnd`, n, () => publishRound(e2eClients, jobs, window)));
    p.tick(`raw broker / end to end (${connections} connections)`);
  }
  await Promise.all([...rawClients, ...e2eClients].map((c) => c.endAsync()));
  await broker.close();
  const stored = await env.store.countReadings();
  const stats = env.platform.pipeline.stats();
  const groups = env.store.groupCommits;
  await env.platform.close();
  rmSync(env.dir, { recursive: true, force: true });
  return { connections, window, raw, e2e, stored, stats, groups };
}

const round2 = (x: number) => Number(x.toFixed(2));
const ratio3 = (x: number) => Number(x.toFixed(3));
const pairedMedian = (a: readonly number[], b: readonly number[]) => median(a.map((x, i) => x / b[i]!));

/** The figures of one layout's rounds: medians over rounds, the ratio also as a median of pairs. */
export function brokerFigures(m: Awaited<ReturnType<typeof measureBrokerRounds>>) {
  const raw = m.raw.map((x) => x.perSec);
  const e2e = m.e2e.map((x) => x.perSec);
  return {
    connections: m.connections,
    inFlightPerConnection: m.window,
    rawBrokerMessagesPerSec: Math.round(median(raw)),
    endToEndFramesPerSec: Math.round(median(e2e)),
    endToEndVsRawBroker: ratio3(median(e2e) / median(raw)),
    endToEndVsRawBrokerPairedMedian: ratio3(pairedMedian(e2e, raw)),
    ackLatencyP50Ms: round2(median(m.e2e.map((x) => x.p50Ms))),
    ackLatencyP99Ms: round2(median(m.e2e.map((x) => x.p99Ms))),
    rawBrokerAckLatencyP50Ms: round2(median(m.raw.map((x) => x.p50Ms))),
    failedPublishes: m.e2e.reduce((a, x) => a + x.failed, 0),
    storedReadings: m.stored,
    endToEndBatches: m.stats.commits,
    endToEndGroupCommits: m.groups,
    framesPerGroupCommit: Math.round(m.stats.committedFrames / Math.max(1, m.groups)),
    perRound: { rawBroker: raw.map(Math.round), endToEnd: e2e.map(Math.round) },
  };
}
