// One cycle of request/reply traffic for one LVESU: drops, tampering, delay, replay, ARQ, duplicates [trust-§6.1].
import type { Random } from '../../core/index.ts';
import { poisson, type LiveBehaviour } from './attacks.ts';
import { WORLD, type NoiseMult } from './params.ts';

/** Counters of one node's cycle, as the fusion terminal sees them (plus the node's own costs). */
export interface TrafficCounts {
  requests: number;
  valid: number;
  late: number;
  caught: number;
  duplicates: number;
  delaySum: number;
  /** Unique deliveries that were on time / late or missing (what a neighbour could overhear). */
  onTime: number;
  /** Data transmission attempts (incl. copies and retries) — the load of Eq. p_loss. */
  attempts: number;
  samples: number;
}

/** Sends one data packet with up to r_max retries; returns attempts used and whether it arrived. */
function transmit(rnd: Random, pLoss: number): { attempts: number; delivered: boolean } {
  for (let a = 1; a <= WORLD.rMax + 1; a++) if (rnd.next() >= pLoss) return { attempts: a, delivered: true };
  return { attempts: WORLD.rMax + 1, delivered: false };
}

/** Simulates the `requests` exchanges of one cycle. */
export function simulateTraffic(
  rnd: Random,
  node: { dBaseMs: number },
  ctx: { pLoss: number; live: LiveBehaviour; noise: NoiseMult },
): TrafficCounts {
  const c: TrafficCounts = {
    requests: WORLD.requests,
    valid: 0,
    late: 0,
    caught: 0,
    duplicates: 0,
    delaySum: 0,
    onTime: 0,
    attempts: 0,
    samples: 0,
  };
  const { live, pLoss, noise } = ctx;
  const pDup = WORLD.pDup * noise.duplicates;
  const base = node.dBaseMs * noise.delayBase;
  const jitter = WORLD.jitterMs * noise.jitter;
  const retry = WORLD.retryMs * noise.retry;
  for (let r = 0; r < WORLD.requests; r++) {
    if (live.drop > 0 && rnd.next() < live.drop) continue;
    c.samples++;
    const tx = transmit(rnd, pLoss);
    c.attempts += tx.attempts;
    const copies = (rnd.next() < pDup ? 1 : 0) + (live.replay > 0 ? poisson(rnd, live.replay) : 0);
    for (let k = 0; k < copies; k++) {
      const cp = transmit(rnd, pLoss);
      c.attempts += cp.attempts;
      if (cp.delivered) c.duplicates++;
    }
    if (!tx.delivered) continue;
    let dtt = base + rnd.exponential(jitter) + retry * (tx.attempts - 1);
    if (live.delay > 0 && rnd.next() < live.delay)
      dtt += live.delayMs > 0 ? live.delayMs : rnd.uniform(0.5, 1.5) * WORLD.timeThresholdMs;
    c.delaySum += dtt;
    const isLate = dtt > WORLD.timeThresholdMs;
    if (!isLate) c.onTime++;
    if (live.tamper > 0 && rnd.next() < live.tamper && rnd.next() < WORLD.qTd) c.caught++;
    else {
      c.valid++;
      if (isLate) c.late++;
    }
  }
  return c;
}
