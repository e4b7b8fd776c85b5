// The platform's trust cycle timer: every cycleMs, flush ingestion and let the trust monitor score the closed cycle.
import type { Clock } from '../core/index.ts';
import type { TrustDecision } from '../trust/index.ts';
import type { TrustMonitor } from './trust-monitor.ts';

/** Options of {@link startTrustCycles}. */
export interface TrustCycleOptions {
  monitor: TrustMonitor;
  /** Length of a cycle (the pipeline's evidence cycle), ms. */
  cycleMs: number;
  /** Makes every frame of the closed cycle durable before it is scored (the pipeline's flush). */
  flush: () => Promise<void>;
  clock: Clock;
  log: (line: string) => void;
  /** Called after each closed cycle with its decisions (the demo collects flags here). */
  onCycle?: (cycle: number, decisions: readonly TrustDecision[]) => void;
}

/** A running cycle timer. */
export interface TrustCycles {
  readonly monitor: TrustMonitor;
  /** Closes the cycles that ended so far (also what the timer does). */
  tick(): Promise<void>;
  /** Stops the timer and waits for a running tick. */
  stop(): Promise<void>;
}

/**
 * Starts the timer. A cycle `c` (evidence of frames received in [c·cycleMs, (c+1)·cycleMs)) is
 * scored once it has ended and the batch writer has committed it [trust-§6 "per cycle"]; cycles that
 * ended while a tick was still running are scored in order at the next tick.
 */
export function startTrustCycles(o: TrustCycleOptions): TrustCycles {
  let lastClosed = Math.floor(o.clock.now() / o.cycleMs) - 1; // the cycle before the start has no evidence
  let running: Promise<void> = Promise.resolve();
  const closeEnded = async (): Promise<void> => {
    const current = Math.floor(o.clock.now() / o.cycleMs);
    if (current - 1 <= lastClosed) return;
    const back = await o.monitor.syncReinstated();
    if (back > 0) o.log(`trust: ${back} terminal(s) reinstated by an operator`);
    await o.flush();
    while (lastClosed < current - 1) {
      const cycle = lastClosed + 1;
      const decisions = await o.monitor.closeCycle(cycle);
      lastClosed = cycle;
      const flagged = decisions.filter((d) => d.flag !== null);
      if (flagged.length > 0) {
        const from = new Date(cycle * o.cycleMs).toISOString();
        o.log(`trust cycle ${cycle} (from ${from}): ${flagged.length} terminal(s) quarantined`);
      }
      o.onCycle?.(cycle, decisions);
    }
  };
  const tick = (): Promise<void> => {
    running = running.then(closeEnded).catch((e: unknown) => {
      o.log(`trust cycle failed (retried next cycle): ${e instanceof Error ? e.message : String(e)}`);
    });
    return running;
  };
  const timer = setInterval(() => void tick(), Math.min(Math.max(250, o.cycleMs / 4), 15_000));
  return {
    monitor: o.monitor,
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
