// `gridtrust demo` orchestration: embedded platform on free ports + the simulator's fleet + the trust engine's flags.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiState } from '../../api/index.ts';
import type { Clock, UnixMillis } from '../../core/index.ts';
import { createFleet, INTERVAL_MS, type Fleet, type LoadShapes, type Upload } from '../../sim/index.ts';
import { openSqliteStore } from '../../storage/index.ts';
import type { TrustDecision } from '../../trust/index.ts';
import { resolvePlatformConfig } from '../config.ts';
import { startEmbeddedPlatform, type EmbeddedPlatform } from '../embedded.ts';
import { createPlatformRegistry, provisionTerminals, rootKeysFromRegistry } from '../provision.ts';
import { scoreDetection, type Detection, type Flagged } from './detection.ts';
import { openDemoLinks } from './demo-links.ts';
import { createDemoSenders, type DemoSendStats } from './senders.ts';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  terminals: number;
  malicious: number;
  durationS: number;
  seed: number;
  /** Keep data here; a fresh temp dir otherwise. */
  dataDir?: string;
  /** Household curves (real LCL, or the synthetic fallback); `source` is reported in the summary. */
  shapes: { shapes: LoadShapes; source: 'lcl' | 'synthetic' };
  clock: Clock;
  /** Wall seconds per simulated 15-minute interval (the fleet runs accelerated). @default 0.5 */
  intervalS?: number;
  /** Length of a trust cycle, seconds (≥ 1). @default 2 */
  cycleS?: number;
  log?: (line: string) => void;
  onStarted?: (p: EmbeddedPlatform) => void;
  /** Keep the platform and fleet running until this settles (`--keep-running`); durationS is then ignored. */
  until?: Promise<unknown>;
  /** The API's users, sessions and trust history (a memory state when absent). */
  apiState?: ApiState;
  onProgress?: (p: { elapsedS: number; accepted: number; rejected: number; flagged: number }) => void;
}

/** The DESIGN.md demo summary (plus extra fields). */
export interface DemoSummary {
  terminals: number;
  framesAccepted: number;
  framesRejected: Record<string, number>;
  flagged: Flagged[];
  detection: Detection;
  httpUrl: string;
  mqttPort: number;
  coapPort: number;
  dataDir: string;
  malicious: { id: string; attack: string; expectedRejection: readonly string[] }[];
  fleet: DemoSendStats;
  trustCycles: number;
  cycleSeconds: number;
  loadCurves: 'lcl' | 'synthetic';
  seconds: number;
}

/**
 * A clock for the fleet: `speed` times the wall clock from the next interval boundary, so every
 * reading's measurement time lies after its arrival (an accelerated fleet cannot look late: the delay
 * evidence stays empty instead of blaming terminals for the acceleration) [trust-§6 delay].
 */
function fleetClock(clock: Clock, speed: number): Clock {
  const start = Math.ceil(clock.now() / INTERVAL_MS) * INTERVAL_MS;
  const m0 = clock.monotonic();
  return {
    now: () => (start + (clock.monotonic() - m0) * speed) as UnixMillis,
    monotonic: () => clock.monotonic(),
  };
}

/** Opens the store, provisions the fleet (root keys wrapped by the registry) and starts the platform. */
async function startDemoPlatform(
  o: DemoOptions,
  x: {
    dataDir: string;
    fleet: Fleet;
    keys: Map<string, Uint8Array>;
    onCycle: (c: number, d: readonly TrustDecision[]) => void;
  },
) {
  const store = await openSqliteStore({ path: join(x.dataDir, 'gridtrust.db') });
  try {
    const kek = randomBytes(32); // demo only: the master key lives as long as the process
    const registry = createPlatformRegistry({ store, masterKey: kek, clock: o.clock, actor: 'demo' });
    const { layout } = x.fleet;
    await provisionTerminals(
      registry,
      layout.ids.map((id, i) => ({
        id,
        rootKey: x.keys.get(id) ?? new Uint8Array(32),
        type: x.fleet.kindOf(i),
        fusionTerminal: layout.fusion[layout.group[i] ?? -1]?.id ?? null,
      })),
    );
    const cycleMs = Math.round((o.cycleS ?? 2) * 1000);
    const config = resolvePlatformConfig({
      flags: { dataDir: x.dataDir, mqttPort: 0, coapPort: 0, httpPort: 0, cycleMs },
    });
    const platform = await startEmbeddedPlatform({
      config,
      store,
      rootKeyOf: rootKeysFromRegistry(registry),
      clock: o.clock,
      trust: { onCycle: x.onCycle },
      ...(o.apiState ? { api: { state: o.apiState } } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    return { platform, cycleMs };
  } catch (e) {
    await store.close(); // release the database so the process can exit
    throw e;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Advances the fleet with the clock and sends every upload until the duration ends; reports progress. */
async function driveFleet(
  o: DemoOptions,
  x: { platform: EmbeddedPlatform; fleet: Fleet; send: (u: Upload) => Promise<void>; flagged: () => number },
): Promise<void> {
  const started = o.clock.monotonic();
  const inFlight = new Set<Promise<void>>();
  const elapsed = () => (o.clock.monotonic() - started) / 1000;
  let stopped = o.until === undefined;
  void o.until?.finally(() => (stopped = true));
  while (elapsed() < o.durationS || !stopped) {
    for (const tick of x.fleet.advance()) {
      for (const u of tick.uploads) {
        const p = x.send(u);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    }
    const s = x.platform.pipeline.stats();
    const rejected = Object.values(s.rejected).reduce((a, b) => a + (b ?? 0), 0);
    o.onProgress?.({ elapsedS: elapsed(), accepted: s.accepted, rejected, flagged: x.flagged() });
    await sleep(100);
  }
  // answers still in flight (agent retries are short); a closed link fails the rest
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((r) => (timer = setTimeout(r, 5000)));
  await Promise.race([Promise.all([...inFlight]), cap]);
  clearTimeout(timer); // a pending timer would keep the process alive after the summary
}

/** Runs the whole demo and returns its summary; every socket is closed when it settles. */
export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const started = o.clock.monotonic();
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'gridtrust-demo-'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fleet = demoFleet(o);
  const keys = new Map<string, Uint8Array>(fleet.layout.ids.map((id) => [id, randomBytes(32)]));
  const flags = collectFlags(Math.floor(o.clock.now() / Math.round((o.cycleS ?? 2) * 1000)));
  const { platform, cycleMs } = await startDemoPlatform(o, { dataDir, fleet, keys, onCycle: flags.onCycle });
  try {
    o.onStarted?.(platform);
    const links = await openDemoLinks(platform, o.terminals);
    const senders = createDemoSenders({ keys, links: links.links, seed: o.seed, sleep });
    try {
      await driveFleet(o, {
        platform,
        fleet,
        send: (u) => senders.send(u),
        flagged: () => flags.list.length,
      });
    } finally {
      await links.close();
    }
    // score the cycle the fleet stopped in: wait for it to end, then close it
    await sleep(cycleMs - (o.clock.now() % cycleMs) + 50);
    await platform.closeEndedCycles();
    return {
      ...summarise(platform, fleet, flags.list),
      fleet: senders.stats,
      trustCycles: flags.cycles(),
      cycleSeconds: cycleMs / 1000,
      dataDir,
      loadCurves: o.shapes.source,
      seconds: (o.clock.monotonic() - started) / 1000,
    };
  } finally {
    await platform.close();
  }
}

/** The simulator's fleet on an accelerated clock, attacks starting within its first intervals. */
function demoFleet(o: DemoOptions): Fleet {
  return createFleet({
    terminals: o.terminals,
    loadShapes: o.shapes.shapes,
    clock: fleetClock(o.clock, INTERVAL_MS / ((o.intervalS ?? 0.5) * 1000)),
    seed: o.seed,
    malicious: o.malicious,
    onsetWindowMs: 6 * INTERVAL_MS, // attacks start within the first intervals (after some history)
    batching: 'each', // every reading is sent at once (no 4x-day batching) so the demo shows traffic
    collect: true,
  });
}

/** Collects the trust engine's flags per closed cycle; `cycle` counts from the demo's first cycle. */
function collectFlags(firstCycle: number) {
  const list: Flagged[] = [];
  let cycles = 0;
  return {
    list,
    cycles: () => cycles,
    onCycle: (cycle: number, decisions: readonly TrustDecision[]) => {
      cycles++;
      for (const d of decisions)
        if (d.flag !== null) list.push({ id: d.terminal, reason: d.flag.reason, cycle: cycle - firstCycle });
    },
  };
}

function summarise(platform: EmbeddedPlatform, fleet: Fleet, flagged: Flagged[]) {
  const s = platform.pipeline.stats();
  return {
    terminals: fleet.layout.size,
    framesAccepted: s.accepted,
    framesRejected: Object.fromEntries(Object.entries(s.rejected).map(([k, v]) => [k, v ?? 0])),
    flagged,
    detection: scoreDetection(flagged, fleet.truth),
    httpUrl: platform.httpUrl,
    mqttPort: platform.mqttPort,
    coapPort: platform.coapPort,
    malicious: fleet.truth.map((t) => ({
      id: t.terminal,
      attack: t.attack,
      expectedRejection: t.expectedRejection,
    })),
  };
}
