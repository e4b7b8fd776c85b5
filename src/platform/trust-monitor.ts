// Online trust in the running platform: score each closed cycle's ingest evidence, quarantine flagged
// terminals (audited, refused by the pipeline as QUARANTINED), and let an operator reinstate.
import type { Clock, TerminalId } from '../core/index.ts';
import type { Store } from '../storage/index.ts';
import {
  createTrustEngine,
  evidenceFromCounters,
  type EvidenceRecord,
  type SchemeName,
  type SchemeParams,
  type TrustDecision,
  type TrustEngine,
} from '../trust/index.ts';
import type { TerminalCache } from './terminal-cache.ts';

export interface TrustMonitorOptions {
  store: Store;
  /** Refreshed for every status change so the pipeline's isRefused() sees it at once. */
  cache: Pick<TerminalCache, 'refresh'>;
  clock: Clock;
  /** @default 'robust' */
  scheme?: SchemeName;
  params?: SchemeParams;
  /** One line per quarantine and release, with the terminal id and the reason (serve's log). */
  log?: (line: string) => void;
}

/** See createTrustMonitor. */
export interface TrustMonitor {
  /** Scores the evidence ingestion stored for `cycle`; quarantines newly flagged terminals. */
  closeCycle(cycle: number): Promise<TrustDecision[]>;
  /** Operator action: status back to active (audited) and the engine forgets the flag. */
  reinstate(id: TerminalId, actor: string, reason: string): Promise<boolean>;
  /**
   * Picks up reinstatements made elsewhere (`gridtrust terminals reinstate` on the same store): a
   * terminal the engine holds quarantined but the store says is active is forgotten and re-cached.
   */
  syncReinstated(): Promise<number>;
  readonly engine: TrustEngine;
}

/**
 * Wires the trust engine to the store: terminals are grouped by their fusion terminal (direct terminals
 * and fusion terminals themselves under `platform`), so peers are compared within one station area.
 * @example
 * const monitor = createTrustMonitor({ store, cache, clock });
 * await monitor.closeCycle(cycle); // e.g. every 15 minutes, after the batch writer committed the cycle
 */
export function createTrustMonitor(o: TrustMonitorOptions): TrustMonitor {
  const engine = createTrustEngine({ scheme: o.scheme ?? 'robust', params: o.params });
  const groupOf = new Map<string, string>();
  const fusionOf = async (id: TerminalId): Promise<string> => {
    let g = groupOf.get(id);
    if (g === undefined) {
      g = (await o.store.getTerminal(id))?.fusionTerminal ?? 'platform';
      groupOf.set(id, g);
    }
    return g;
  };
  return {
    engine,
    async closeCycle(cycle) {
      const evidence = await o.store.getEvidence({ fromCycle: cycle, toCycle: cycle });
      const records = new Map<string, EvidenceRecord>();
      for (const e of evidence)
        records.set(e.terminal, evidenceFromCounters(e, { fusionTerminal: await fusionOf(e.terminal) }));
      const decisions = engine.scoreCycle([...records.values()]);
      for (const d of decisions) {
        if (d.flag === null) continue;
        const id = d.terminal as TerminalId;
        // the decision and the evidence it rests on go to the append-only audit log
        const reason = `${d.flag.reason} cycle ${cycle}: ${d.flag.detail}; ${JSON.stringify({
          trust: d.trust,
          components: d.components,
          evidence: records.get(d.terminal),
        })}`;
        await o.store.setTerminalStatus({
          id,
          status: 'quarantined',
          at: o.clock.now(),
          actor: 'trust',
          reason,
        });
        await o.cache.refresh(id);
        o.log?.(`trust: quarantined ${id} (${d.flag.reason}: ${d.flag.detail}) in cycle ${cycle}`);
      }
      return decisions;
    },
    async syncReinstated() {
      let n = 0;
      for (const q of engine.quarantined()) {
        const id = q.terminal as TerminalId;
        if ((await o.store.getTerminal(id))?.status !== 'active') continue;
        engine.reinstate(id);
        await o.cache.refresh(id);
        o.log?.(`trust: released ${id} (reinstated by an operator; was ${q.reason} in cycle ${q.cycle})`);
        n++;
      }
      return n;
    },
    async reinstate(id, actor, reason) {
      engine.reinstate(id);
      const ok = await o.store.setTerminalStatus({ id, status: 'active', at: o.clock.now(), actor, reason });
      if (ok) await o.cache.refresh(id);
      if (ok) o.log?.(`trust: released ${id} (reinstated by ${actor}: ${reason})`);
      return ok;
    },
  };
}
