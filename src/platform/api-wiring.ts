// Wires the API to the embedded platform: its deps over the store, pipeline, cache and trust monitor;
// trust history recorded per closed cycle; flags, releases and cycles published as live events.
import { fileURLToPath } from 'node:url';
import type { Clock, TerminalId } from '../core/index.ts';
import type { IngestPipeline, IngestReading } from '../ingest/index.ts';
import type { Store } from '../storage/index.ts';
import type { Bus } from '../bus/index.ts';
import {
  createAuthService,
  createEventHub,
  createMemoryApiState,
  toTrustHistory,
  type ApiDeps,
  type ApiState,
  type EventHub,
} from '../api/index.ts';
import type { TrustDecision } from '../trust/index.ts';
import { ingestMetrics } from './metrics.ts';
import type { TerminalCache } from './terminal-cache.ts';
import type { TrustMonitor } from './trust-service.ts';

/** The dashboard built by `npm run build:web` (runs in `prepare`, so `npm ci` builds it). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The API side of the embedded preset. */
export interface PlatformApi {
  readonly deps: ApiDeps;
  readonly state: ApiState;
  readonly events: EventHub;
  /** Records a closed cycle's decisions (history, live events). */
  onCycle(cycle: number, decisions: readonly TrustDecision[]): void;
  /** Set once the trust monitor exists (reinstate goes through it). */
  useMonitor(m: TrustMonitor): void;
  close(): void;
}

/** Options of {@link createPlatformApi}. */
export interface PlatformApiOptions {
  store: Store;
  pipeline: IngestPipeline;
  cache: TerminalCache;
  bus: Bus;
  clock: Clock;
  log: (line: string) => void;
  /** Users, sessions, tokens, trust history; a memory state (nobody can sign in) when absent. */
  state?: ApiState;
  /** The Prometheus text of /metrics. @default the ingest counters */
  metricsText?: () => string;
}

export function createPlatformApi(o: PlatformApiOptions): PlatformApi {
  const state = o.state ?? createMemoryApiState();
  const events = createEventHub((e) => o.log(`live event subscriber failed: ${String(e)}`));
  const seen = new Map<string, number>();
  const unsubscribe = o.bus.subscribe<IngestReading>(
    'readings.>',
    (m) => void seen.set(m.body.terminal, m.body.receivedAt),
  );
  let monitor: TrustMonitor | undefined;
  const now = () => o.clock.now();
  const deps: ApiDeps = {
    health: () => ({ status: 'ok' as const, terminals: o.cache.size }),
    metricsText: o.metricsText ?? (() => ingestMetrics(o.pipeline.stats(), o.cache.size)),
    store: o.store,
    auth: createAuthService({ state, now }),
    trust: state,
    events,
    ingestStats: () => {
      const s = o.pipeline.stats();
      return { accepted: s.accepted, rejected: s.rejected };
    },
    reinstate: async (id, actor, reason) => {
      if (monitor !== undefined) return monitor.reinstate(id as TerminalId, actor, reason);
      return o.store.setTerminalStatus({
        id: id as TerminalId,
        status: 'active',
        at: now(),
        actor,
        reason,
      });
    },
    lastSeen: (id) => seen.get(id),
    now,
    log: o.log,
  };
  return {
    deps,
    state,
    events,
    onCycle(cycle, decisions) {
      try {
        state.appendTrust(toTrustHistory(decisions));
      } catch (e) {
        o.log(`trust history not recorded for cycle ${cycle}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const at = now();
      let flagged = 0;
      for (const d of decisions) {
        if (d.flag === null) continue;
        flagged++;
        events.publish({
          type: 'flag',
          at,
          data: {
            terminal: d.terminal,
            fusionTerminal: d.fusionTerminal,
            cycle,
            reason: d.flag.reason,
            detail: d.flag.detail,
          },
        });
      }
      events.publish({ type: 'trust-cycle', at, data: { cycle, scored: decisions.length, flagged } });
    },
    useMonitor: (m) => void (monitor = m),
    close: () => {
      unsubscribe();
      state.close();
    },
  };
}
