// Online trust in the running platform: evidence from the bus feeds trust/online, a timer closes each
// ended cycle on the injected clock, decisions go back on the bus and are applied here (quarantine
// refusals, audited), and an operator reinstates. The store is read for evidence only on recovery.
import type { Clock, TerminalId } from '../core/index.ts';
import { decisionsSubject, evidenceSubject, partitionOfSubject, type Bus } from '../bus/index.ts';
import type { EvidenceIncrement } from '../ingest/index.ts';
import type { Store } from '../storage/index.ts';
import {
  createOnlineTrust,
  type CycleDecisions,
  type EvidenceMessage,
  type OnlineTrust,
  type SchemeName,
  type SchemeParams,
  type TrustDecision,
  type TrustEngine,
} from '../trust/index.ts';
import type { TerminalCache } from './terminal-cache.ts';

/** Options of {@link startTrustService}. */
export interface TrustServiceOptions {
  store: Store;
  bus: Bus;
  /** Refreshed for every status change so the pipeline's isRefused() sees it at once. */
  cache: Pick<TerminalCache, 'refresh' | 'partitionOf'>;
  clock: Clock;
  /** Length of a cycle (the pipeline's evidence cycle), ms. */
  cycleMs: number;
  /** Makes every frame of the ended cycle durable (and its evidence published) before it is scored. */
  flush: () => Promise<void>;
  log: (line: string) => void;
  /** @default 'robust' */
  scheme?: SchemeName;
  params?: SchemeParams;
  /** Called after each closed cycle with its decisions, once they were applied (the demo collects flags). */
  onCycle?: (cycle: number, decisions: readonly TrustDecision[]) => void;
}

/** The operator's side of online trust. */
export interface TrustMonitor {
  /** Operator action: status back to active (audited) and the engine forgets the flag. */
  reinstate(id: TerminalId, actor: string, reason: string): Promise<boolean>;
  /**
   * Picks up reinstatements made elsewhere (`gridtrust terminals reinstate` on the same store): a
   * terminal the engine holds quarantined but the store says is active is forgotten and re-cached.
   */
  syncReinstated(): Promise<number>;
  readonly engine: TrustEngine;
}

/** A running trust service. */
export interface TrustService extends TrustMonitor {
  readonly online: OnlineTrust;
  /** Closes the cycles that ended so far (also what the timer does). */
  tick(): Promise<void>;
  /** Stops the timer and the subscriptions; waits for a running tick. */
  stop(): Promise<void>;
}

/**
 * Publishes a commit's evidence deltas on `evidence.<partition>` (partition = fusion terminal), one
 * message per partition, in commit order.
 */
export function publishEvidence(
  bus: Bus,
  partitionOf: (id: TerminalId) => string,
  deltas: readonly EvidenceIncrement[],
): void {
  const by = new Map<string, EvidenceIncrement[]>();
  for (const d of deltas) {
    const p = partitionOf(d.terminal);
    const list = by.get(p);
    if (list === undefined) by.set(p, [d]);
    else list.push(d);
  }
  for (const [partition, evidence] of by) {
    const body: EvidenceMessage = { partition, evidence };
    void bus.publish(evidenceSubject(partition), body);
  }
}

/** Applies one partition's decisions: quarantines each newly flagged terminal (audited), once. */
async function applyDecisions(o: TrustServiceOptions, d: CycleDecisions): Promise<void> {
  for (const f of d.flagged) {
    const id = f.terminal as TerminalId;
    // a redelivered decision finds the terminal quarantined already and audits nothing twice
    if ((await o.store.getTerminal(id))?.status === 'quarantined') continue;
    await o.store.setTerminalStatus({
      id,
      status: 'quarantined',
      at: o.clock.now(),
      actor: 'trust',
      reason: f.audit,
    });
    await o.cache.refresh(id);
    o.log(`trust: quarantined ${id} (${f.reason}: ${f.detail}) in cycle ${d.cycle}`);
  }
}

/** After a restart: the evidence the store holds for the cycle still open, so it is scored whole. */
async function recoverOpenCycle(o: TrustServiceOptions, online: OnlineTrust): Promise<number> {
  const cycle = online.lastClosed + 1;
  const rows = await o.store.getEvidence({ fromCycle: cycle, toCycle: cycle });
  const by = new Map<string, EvidenceIncrement[]>();
  for (const e of rows) {
    const p = o.cache.partitionOf(e.terminal);
    const list = by.get(p);
    if (list === undefined) by.set(p, [e]);
    else list.push(e);
  }
  for (const [partition, evidence] of by) online.addEvidence({ partition, evidence });
  return rows.length;
}

/**
 * Starts the service: subscribes to `evidence.>` and `decisions.>`, recovers the open cycle from the
 * store, and closes every ended cycle in order [trust-§6 "per cycle"] — cycles that ended while a tick
 * was still running are scored at the next tick.
 * @example
 * const trust = await startTrustService({ store, bus, cache, clock, cycleMs, flush, log });
 * await trust.tick(); // what the timer does every cycleMs/4
 */
export async function startTrustService(o: TrustServiceOptions): Promise<TrustService> {
  const online = createOnlineTrust({
    cycleMs: o.cycleMs,
    clock: o.clock,
    scheme: o.scheme ?? 'robust',
    params: o.params,
  });
  const offEvidence = o.bus.subscribe<EvidenceMessage>('evidence.>', (m) => {
    online.addEvidence({ partition: partitionOfSubject(m.subject), evidence: m.body.evidence }, m.seq);
  });
  const offDecisions = o.bus.subscribe<CycleDecisions>('decisions.>', (m) => applyDecisions(o, m.body));
  await recoverOpenCycle(o, online);
  const monitor = createMonitor(o, online);
  let running: Promise<void> = Promise.resolve();
  const closeEnded = async (): Promise<void> => {
    if (Math.floor(o.clock.now() / o.cycleMs) - 1 <= online.lastClosed) return;
    const back = await monitor.syncReinstated();
    if (back > 0) o.log(`trust: ${back} terminal(s) reinstated by an operator`);
    await o.flush();
    await o.bus.settled(); // every evidence message of the ended cycles has been added
    const closed = online.closeEnded();
    for (const d of closed) await o.bus.publish(decisionsSubject(d.partition), d);
    await o.bus.settled(); // and every decision applied
    report(o, closed);
  };
  const tick = (): Promise<void> => {
    running = running.then(closeEnded).catch((e: unknown) => {
      o.log(`trust cycle failed (retried next cycle): ${e instanceof Error ? e.message : String(e)}`);
    });
    return running;
  };
  const timer = setInterval(() => void tick(), Math.min(Math.max(250, o.cycleMs / 4), 15_000));
  return {
    ...monitor,
    online,
    tick,
    async stop() {
      clearInterval(timer);
      await running;
      offEvidence();
      offDecisions();
    },
  };
}

/** Logs each cycle's quarantines and hands its decisions (all partitions) to `onCycle`, in cycle order. */
function report(o: TrustServiceOptions, closed: readonly CycleDecisions[]): void {
  const byCycle = new Map<number, TrustDecision[]>();
  for (const d of closed) byCycle.set(d.cycle, [...(byCycle.get(d.cycle) ?? []), ...d.decisions]);
  for (const [cycle, decisions] of byCycle) {
    const flagged = decisions.filter((d) => d.flag !== null);
    if (flagged.length > 0) {
      const from = new Date(cycle * o.cycleMs).toISOString();
      o.log(`trust cycle ${cycle} (from ${from}): ${flagged.length} terminal(s) quarantined`);
    }
    o.onCycle?.(cycle, decisions);
  }
}

function createMonitor(o: TrustServiceOptions, online: OnlineTrust): TrustMonitor {
  return {
    engine: online.engine,
    async syncReinstated() {
      let n = 0;
      for (const q of online.engine.quarantined()) {
        const id = q.terminal as TerminalId;
        if ((await o.store.getTerminal(id))?.status !== 'active') continue;
        online.reinstate(id);
        await o.cache.refresh(id);
        o.log(`trust: released ${id} (reinstated by an operator; was ${q.reason} in cycle ${q.cycle})`);
        n++;
      }
      return n;
    },
    async reinstate(id, actor, reason) {
      online.reinstate(id);
      const ok = await o.store.setTerminalStatus({ id, status: 'active', at: o.clock.now(), actor, reason });
      if (ok) await o.cache.refresh(id);
      if (ok) o.log(`trust: released ${id} (reinstated by ${actor}: ${reason})`);
      return ok;
    },
  };
}
