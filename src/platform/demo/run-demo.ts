// `gridtrust demo` orchestration: embedded platform on free ports + built-in fleet + frame-level flagging.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, type Clock, type UnixMillis } from '../../core/index.ts';
import type { LoadShapes } from '../../sim/index.ts';
import { openSqliteStore } from '../../storage/index.ts';
import { connectMqttUplink, createCoapUplink, type MqttUplinkClient } from '../../transport/index.ts';
import { resolvePlatformConfig } from '../config.ts';
import { startEmbeddedPlatform, type EmbeddedPlatform } from '../embedded.ts';
import { coapLink, mqttLink } from '../links.ts';
import { createPlatformRegistry, provisionTerminals, rootKeysFromRegistry } from '../provision.ts';
import {
  createDemoFleetStats,
  planDemoFleet,
  runDemoFleet,
  type DemoFleetStats,
  type DemoTerminal,
} from './fleet.ts';
import { flagTerminals, scoreDetection, type Flagged } from './flagging.ts';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  terminals: number;
  malicious: number;
  durationS: number;
  seed: number;
  /** Keep data here; a fresh temp dir otherwise. */
  dataDir?: string;
  /** Real load curves (LCL); null falls back to a noisy flat load. */
  shapes: LoadShapes | null;
  clock: Clock;
  /** Seconds between two frames of one terminal. @default 2 */
  intervalS?: number;
  /** Rejections before a terminal is flagged. @default 2 */
  flagThreshold?: number;
  log?: (line: string) => void;
  onStarted?: (p: EmbeddedPlatform) => void;
  onProgress?: (p: { elapsedS: number; fleet: DemoFleetStats; accepted: number; rejected: number }) => void;
}

/** The DESIGN.md demo summary (plus extra fields). */
export interface DemoSummary {
  terminals: number;
  framesAccepted: number;
  framesRejected: Record<string, number>;
  flagged: Flagged[];
  detection: { truePositives: number; falsePositives: number; falseNegatives: number };
  httpUrl: string;
  mqttPort: number;
  coapPort: number;
  dataDir: string;
  malicious: { id: string; attack: string }[];
  fleet: DemoFleetStats;
  loadCurves: 'lcl' | 'synthetic';
  seconds: number;
}

const CYCLE_MS = 5000;

async function openLinks(platform: EmbeddedPlatform, n: number) {
  const pool: MqttUplinkClient[] = [];
  const salt = randomBytes(3).toString('hex');
  for (let i = 0; i < Math.max(1, Math.min(8, Math.ceil(n / 40))); i++) {
    pool.push(
      await connectMqttUplink({
        url: `mqtt://127.0.0.1:${platform.mqttPort}`,
        clientId: `gt-demo-${salt}-${i}`,
      }),
    );
  }
  const coap = createCoapUplink({ host: '127.0.0.1', port: platform.coapPort });
  const close = async () => {
    await Promise.all(pool.map((c) => c.close()));
    coap.close();
  };
  return { pool, coap, close };
}

/** Opens the store, provisions the fleet and starts the platform on free ports. */
async function startDemoPlatform(o: DemoOptions, dataDir: string, fleet: readonly DemoTerminal[]) {
  const store = await openSqliteStore({ path: join(dataDir, 'gridtrust.db') });
  try {
    const kek = randomBytes(32); // demo only: the master key lives as long as the process
    const registry = createPlatformRegistry({ store, masterKey: kek, clock: o.clock, actor: 'demo' });
    await provisionTerminals(
      registry,
      fleet.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
    );
    const config = resolvePlatformConfig({
      flags: { dataDir, mqttPort: 0, coapPort: 0, httpPort: 0, cycleMs: CYCLE_MS },
    });
    const platform = await startEmbeddedPlatform({
      config,
      store,
      rootKeyOf: rootKeysFromRegistry(registry),
      clock: o.clock,
      ...(o.log ? { log: o.log } : {}),
    });
    return { platform, store };
  } catch (e) {
    await store.close(); // release the database so the process can exit
    throw e;
  }
}

/** Connects the fleet's links and runs it for the demo's duration, reporting progress. */
async function driveFleet(
  o: DemoOptions,
  platform: EmbeddedPlatform,
  fleet: readonly DemoTerminal[],
  stats: DemoFleetStats,
) {
  const started = o.clock.monotonic();
  const links = await openLinks(platform, fleet.length);
  const timer = setInterval(() => {
    const s = platform.pipeline.stats();
    const rejected = Object.values(s.rejected).reduce((a, b) => a + (b ?? 0), 0);
    o.onProgress?.({
      elapsedS: (o.clock.monotonic() - started) / 1000,
      fleet: stats,
      accepted: s.accepted,
      rejected,
    });
  }, 250);
  try {
    await runDemoFleet({
      terminals: fleet,
      linkOf: (t) =>
        t.transport === 'coap'
          ? coapLink(links.coap)
          : mqttLink(links.pool[parseInt(t.id.slice(-4), 16) % links.pool.length]!, t.id),
      rogueLink: coapLink(links.coap),
      rogues: o.malicious > 0 ? Math.max(1, Math.round((o.terminals * o.malicious) / 10)) : 0,
      durationMs: o.durationS * 1000,
      intervalMs: (o.intervalS ?? 2) * 1000,
      random: createRandom(o.seed).fork(),
      shapes: o.shapes,
      now: () => o.clock.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      stats,
    });
  } finally {
    clearInterval(timer);
    await links.close();
  }
}

/** Runs the whole demo and returns its summary; every socket is closed when it settles. */
export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const started = o.clock.monotonic();
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'gridtrust-demo-'));
  const fleet = planDemoFleet({
    terminals: o.terminals,
    malicious: o.malicious,
    random: createRandom(o.seed),
    shapes: o.shapes,
  });
  const at = o.clock.now();
  const { platform, store } = await startDemoPlatform(o, dataDir, fleet);
  try {
    o.onStarted?.(platform);
    const stats = createDemoFleetStats();
    await driveFleet(o, platform, fleet, stats);
    await platform.pipeline.flush();
    const summary = await summarise(platform, store, { fleet, stats, at, threshold: o.flagThreshold ?? 2 });
    const loadCurves = o.shapes === null ? ('synthetic' as const) : ('lcl' as const);
    return { ...summary, dataDir, loadCurves, seconds: (o.clock.monotonic() - started) / 1000 };
  } finally {
    await platform.close();
  }
}

async function summarise(
  platform: EmbeddedPlatform,
  store: Awaited<ReturnType<typeof openSqliteStore>>,
  x: { fleet: ReturnType<typeof planDemoFleet>; stats: DemoFleetStats; at: UnixMillis; threshold: number },
) {
  const s = platform.pipeline.stats();
  const firstCycle = Math.floor(x.at / CYCLE_MS);
  const flagged = flagTerminals(await store.getRejectCounts(), await store.getEvidence(), x.threshold).map(
    (f) => ({
      ...f,
      cycle: f.cycle - firstCycle,
    }),
  );
  const malicious = x.fleet.filter((t) => t.attack !== null);
  return {
    terminals: x.fleet.length,
    framesAccepted: s.accepted,
    framesRejected: Object.fromEntries(Object.entries(s.rejected).map(([k, v]) => [k, v ?? 0])),
    flagged,
    detection: scoreDetection(flagged, new Set(malicious.map((t) => t.id))),
    httpUrl: platform.httpUrl,
    mqttPort: platform.mqttPort,
    coapPort: platform.coapPort,
    malicious: malicious.map((t) => ({ id: t.id, attack: t.attack ?? '' })),
    fleet: x.stats,
  };
}
