// The embedded preset's composition root: store + cache + pipeline + bus + MQTT/CoAP listeners + HTTP API.
import type { Clock, TerminalId } from '../core/index.ts';
import {
  createIngestPipeline,
  windowIdOf,
  type EvidenceIncrement,
  type IngestPipeline,
  type IngestReading,
  type ReplayWindowUpdate,
} from '../ingest/index.ts';
import { createKeyCache, type ReplayState, type VerifyContext } from '../protocol/index.ts';
import type { Store } from '../storage/index.ts';
import { createInProcessBus, readingsSubject, type Bus } from '../bus/index.ts';
import {
  startCoapServer,
  startEmbeddedBroker,
  startMqttGateway,
  toDownlinkTopic,
  type EmbeddedBroker,
  type FrameSink,
  type Listener,
  type MqttGateway,
  createTransportCounters,
  type TransportCounters,
} from '../transport/index.ts';
import { startApi, type ApiAppOptions, type ApiServer, type ApiState } from '../api/index.ts';
import type { SchemeName } from '../trust/index.ts';
import type { PlatformConfig } from './config.ts';
import { startAeadWorker } from './aead-offload.ts';
import { startIngestThread } from './ingest-thread.ts';
import { ingestMetrics, transportMetrics } from './metrics.ts';
import { createRefusalSealer } from './refusals.ts';
import { createPlatformApi, DEFAULT_WEB_DIR, type PlatformApi } from './api-wiring.ts';
import { startPlatformTsm, type PlatformTsm } from './tsm-platform.ts';
import {
  createTerminalCache,
  type RootKeyProvider,
  type TerminalCache,
  type TerminalEntry,
} from './terminal-cache.ts';
import {
  publishEvidence,
  startTrustService,
  type TrustMonitor,
  type TrustServiceOptions,
} from './trust-service.ts';

/** The counters of the listeners' guards (refused connections, dropped datagrams, …) for /metrics. */
interface GuardCounters {
  readonly coap: TransportCounters;
  readonly mqtt: TransportCounters;
}

/** Options of {@link startEmbeddedPlatform}. */
export interface EmbeddedPlatformOptions {
  config: PlatformConfig;
  store: Store;
  rootKeyOf: RootKeyProvider;
  clock: Clock;
  /** Logs (stderr); never receives key material or payloads. */
  log?: (line: string) => void;
  /** Online trust: scheme and a listener for each closed cycle's decisions (cycle length: config.cycleMs). */
  trust?: { scheme?: SchemeName; onCycle?: TrustServiceOptions['onCycle'] };
  /** The API's state (users, sessions, tokens, trust history: api.db) and dashboard; memory state when absent. */
  api?: Omit<ApiAppOptions, 'secureCookies'> & {
    state?: ApiState;
    tls?: { cert: string | Buffer; key: string | Buffer };
  };
}

/** A running platform. */
export interface EmbeddedPlatform {
  readonly mqttPort: number;
  readonly coapPort: number;
  readonly httpPort: number;
  readonly httpUrl: string;
  readonly pipeline: IngestPipeline;
  readonly cache: TerminalCache;
  readonly bus: Bus;
  readonly broker: EmbeddedBroker;
  /** The API's wiring: its auth service, live events and state. */
  readonly api: PlatformApi;
  /** The trust monitor that scores each closed cycle and quarantines flagged terminals. */
  readonly trust: TrustMonitor;
  /** Trusted service management: registry, jobs, campaigns and the trust → SE lock loop. */
  readonly tsm: PlatformTsm;
  /** Flushes ingestion and scores every cycle that has ended (the cycle timer does this by itself). */
  closeEndedCycles(): Promise<void>;
  /**
   * Sends a command (ctype 0x03, CBOR body) to a terminal on `gt/v1/<title>/down` (QoS 1), sealed
   * under its downlink key with a durably reserved counter. False when the terminal is unknown.
   */
  sendCommand(terminal: TerminalId, body: unknown): Promise<boolean>;
  /** Stops listeners, flushes the batch writer, closes the API, bus and store. */
  close(): Promise<void>;
}

/** Warms the replay windows (dir 0) and returns the downlink counters (dir 1) from the store. */
async function loadWindows(
  store: Store,
): Promise<{ up: Map<string, ReplayState>; down: ReplayWindowUpdate[] }> {
  const up = new Map<string, ReplayState>();
  const down: ReplayWindowUpdate[] = [];
  for (const u of await store.listReplayStates()) {
    if (u.dir === 1) down.push(u);
    // The bitmap is persisted with H in the same transaction as the readings [SGT1-1.2 replay window].
    else up.set(windowIdOf(u), { highest: u.state.highest, bitmap: u.state.bitmap });
  }
  return { up, down };
}

/**
 * Loads terminals added while the platform runs: an unknown title triggers one store lookup, at most
 * once a minute per title and 16 at a time, so a flood of rogue titles cannot hammer the store.
 */
function createLateLoader(cache: TerminalCache): (id: TerminalId) => void {
  const tried = new Map<string, number>();
  let active = 0;
  return (id) => {
    const now = Date.now();
    if (active >= 16 || now - (tried.get(id) ?? 0) < 60_000) return;
    if (tried.size > 10_000) tried.clear();
    tried.set(id, now);
    active++;
    void cache
      .refresh(id)
      .catch(() => 0)
      .finally(() => active--);
  };
}

/** Where the pipeline runs: in the SQLite writer's thread (ADR 0010), or here with the AEAD worker. */
interface BuiltPipeline {
  pipeline: IngestPipeline;
  /** Mirrors a terminal the cache (re)loaded into the pipeline's thread, when it has its own. */
  onLoaded?: (e: TerminalEntry) => void;
  close(): Promise<void>;
}

/**
 * Builds the pipeline over the store with warmed windows and the terminal cache: inside the store's
 * writer thread when it has one, else on this thread (AES-GCM opens on the AEAD worker).
 */
async function buildPipeline(
  o: EmbeddedPlatformOptions,
  cache: TerminalCache,
  bus: Bus,
): Promise<BuiltPipeline> {
  const windows = await loadWindows(o.store);
  // After each durable commit: readings and evidence on the bus, partitioned by fusion terminal.
  const onAccepted = (r: IngestReading) =>
    void bus.publish(readingsSubject(cache.partitionOf(r.terminal), r.terminal), r);
  const onEvidence = (d: readonly EvidenceIncrement[]) =>
    publishEvidence(bus, (id) => cache.partitionOf(id), d);
  const onUnknownTerminal = createLateLoader(cache);
  const { store, config } = o;
  const extendWriter = store.extendWriter?.bind(store);
  if (extendWriter !== undefined && config.ingestThread === 'writer') {
    const thread = await startIngestThread({
      store: { extendWriter },
      clock: o.clock,
      init: {
        now: o.clock.now(),
        windows: [...windows.up].map(([id, w]) => [id, w.highest, w.bitmap] as const),
        downlink: windows.down,
        terminals: [...cache.entries()],
        cycleMs: config.cycleMs,
        maxFrameBytes: config.maxFrameBytes,
        maxBatch: config.batchMaxFrames,
      },
      onAccepted,
      onEvidence,
      onUnknownTerminal,
    });
    return { pipeline: thread, onLoaded: (e) => thread.putTerminal(e), close: () => Promise.resolve() };
  }
  const aead = config.aeadWorkers > 0 ? await startAeadWorker() : undefined;
  const verify: VerifyContext = {
    lookupTerminal: (id) => cache.lookupTerminal(id),
    keyStatus: (q) => cache.keyStatus(q),
    replay: windows.up,
    keyCache: createKeyCache({ maxEntries: 50_000 }),
    clock: o.clock,
    maxFrameBytes: config.maxFrameBytes,
  };
  const pipeline = createIngestPipeline({
    verify,
    store,
    cycleMs: config.cycleMs,
    isRefused: (id: TerminalId) => cache.isRefused(id),
    keysGeneration: () => cache.generation,
    downlinkSeed: windows.down,
    schedule: (fn) => setImmediate(fn),
    maxBatch: config.batchMaxFrames,
    ...(aead !== undefined ? { openFrame: (k, suite, f) => aead.open(k, suite, f) } : {}),
    onAccepted,
    onEvidence,
    onUnknownTerminal,
  });
  return { pipeline, close: async () => aead?.close() };
}

interface Listeners {
  broker: EmbeddedBroker;
  coap: Listener;
  gateway: MqttGateway | undefined;
  api: ApiServer;
  /** Everything opened so far, in opening order (closed in that order: stop intake first). */
  opened: { close(): Promise<void> }[];
}

function gatewayOptions(c: PlatformConfig, url: string) {
  return {
    url,
    clientId: c.gatewayClientId ?? `gridtrust-gw-${c.tenant}`,
    protocolVersion: c.gatewayProtocol ?? 5,
    ...(c.gatewayShareGroup ? { shareGroup: c.gatewayShareGroup } : {}),
    ...(c.gatewaySessionExpirySeconds !== undefined
      ? { sessionExpirySeconds: c.gatewaySessionExpirySeconds }
      : {}),
  };
}

/** Starts MQTT, CoAP, the optional gateway and the API; on failure closes what was opened and throws. */
async function startListeners(
  o: EmbeddedPlatformOptions,
  x: { sink: IngestPipeline; onError: (e: unknown) => void; api: PlatformApi; counters: GuardCounters },
): Promise<Listeners> {
  const { host, maxFrameBytes: maxPayload } = o.config;
  const common = { sink: x.sink as FrameSink, host, maxPayload, onError: x.onError };
  const opened: { close(): Promise<void> }[] = [];
  try {
    const onRefused = createRefusalSealer({ pipeline: x.sink, now: () => performance.now() });
    const broker = await startEmbeddedBroker({
      ...common,
      port: o.config.mqttPort,
      onRefused,
      counters: x.counters.mqtt,
    });
    opened.push(broker);
    const coap = await startCoapServer({ ...common, port: o.config.coapPort, counters: x.counters.coap });
    opened.push(coap);
    const url = o.config.externalMqttUrl;
    const gateway =
      url === undefined
        ? undefined
        : await startMqttGateway({ ...gatewayOptions(o.config, url), sink: x.sink, onError: x.onError });
    if (gateway !== undefined) opened.push(gateway);
    const { state: _state, ...apiOpts } = o.api ?? {};
    const api = await startApi({
      webDir: DEFAULT_WEB_DIR,
      ...apiOpts,
      port: o.config.httpPort,
      host,
      deps: x.api.deps,
    });
    opened.push(api);
    return { broker, coap, gateway, api, opened };
  } catch (e) {
    for (const l of opened) await l.close().catch(() => undefined);
    throw e;
  }
}

/** Starts the embedded preset on the configured ports (0 = free port). */
export async function startEmbeddedPlatform(o: EmbeddedPlatformOptions): Promise<EmbeddedPlatform> {
  const log = o.log ?? (() => undefined);
  const bus = createInProcessBus((e) => log(`bus subscriber failed: ${String(e)}`));
  // Terminals (re)loaded later (late loader, quarantine, release) reach the pipeline's thread too.
  const mirror: { to?: ((e: TerminalEntry) => void) | undefined } = {};
  const cache = createTerminalCache(o.store, o.rootKeyOf, { onLoaded: (e) => mirror.to?.(e) });
  log(`loaded ${await cache.refresh()} terminals`);
  // The transports keep the main thread; verification and writes run on the second core.
  const built = await buildPipeline(o, cache, bus);
  mirror.to = built.onLoaded;
  const pipeline = built.pipeline;
  const onError = (e: unknown) =>
    log(`ingest fault (frame not acknowledged): ${e instanceof Error ? e.message : String(e)}`);
  const counters: GuardCounters = {
    coap: createTransportCounters('coap'),
    mqtt: createTransportCounters('mqtt'),
  };
  const api = createPlatformApi({
    store: o.store,
    pipeline,
    cache,
    bus,
    clock: o.clock,
    log,
    metricsText: () =>
      ingestMetrics(pipeline.stats(), cache.size) +
      transportMetrics([...counters.coap.snapshot(), ...counters.mqtt.snapshot()]),
    ...(o.api?.state ? { state: o.api.state } : {}),
  });
  const userOnCycle = o.trust?.onCycle;
  // Subscribed before any frame can arrive, so no commit's evidence misses the engine or counts twice.
  const cycles = await startTrustService({
    onCycle: (cycle, decisions) => {
      api.onCycle(cycle, decisions);
      userOnCycle?.(cycle, decisions);
    },
    ...(o.trust?.scheme ? { scheme: o.trust.scheme } : {}),
    store: o.store,
    bus,
    cache,
    cycleMs: o.config.cycleMs,
    flush: () => pipeline.flush(),
    clock: o.clock,
    log,
  });
  api.useMonitor(cycles);
  // trust decisions → TSM: a quarantined terminal's SE applications locked by a job, transfers held
  const tsm = startPlatformTsm({ bus, store: o.store, clock: o.clock, log });
  const l = await startListeners(o, { sink: pipeline, onError, api, counters }).catch(async (e: unknown) => {
    api.close();
    await tsm.close();
    await cycles.stop();
    await built.close();
    throw e;
  });
  return {
    api,
    mqttPort: l.broker.port,
    coapPort: l.coap.port,
    httpPort: l.api.port,
    httpUrl: l.api.url,
    pipeline,
    cache,
    bus,
    broker: l.broker,
    trust: cycles,
    tsm,
    closeEndedCycles: () => cycles.tick(),
    sendCommand: async (terminal, body) => {
      const sealed = await pipeline.sealDownlinkFor(terminal, { ctype: 0x03, body });
      if (!sealed.ok) return false;
      const topic = toDownlinkTopic(terminal);
      await Promise.all([
        l.broker.publishDownlink(topic, sealed.frame),
        l.gateway?.publishDownlink(topic, sealed.frame),
      ]);
      return true;
    },
    close: async () => {
      for (const x of l.opened) await x.close().catch(onError);
      await cycles.stop();
      await tsm.close();
      await pipeline.flush();
      await built.close();
      await bus.close();
      api.close();
      await o.store.close();
    },
  };
}
