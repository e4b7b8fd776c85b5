// The behaviour-evidence world of trust spec §6: a fusion terminal polling n LVESUs, cycle by cycle.
import { createRandom } from '../../core/index.ts';
import {
  createEvidenceBatch,
  HW_ATTRS,
  HW_CORE,
  OPS_FEATURES,
  SW_ATTRS,
  SW_CORE,
  type EvidenceBatch,
  type SchemeOverhead,
} from '../../trust/index.ts';
import { advanceAttack, binomial, liveBehaviour, type LiveBehaviour } from './attacks.ts';
import { applyOnsetChanges, createNodes, type WorldNode } from './nodes.ts';
import { DEFAULT_WORLD_OPTIONS, WORLD, type AttackType, type WorldOptions } from './params.ts';
import { simulateTraffic, type TrafficCounts } from './traffic.ts';

/** Who is malicious, with which attack, from which cycle. */
export interface GroundTruth {
  malicious: Uint8Array;
  attack: (AttackType | undefined)[];
  onset: Int32Array;
}

/** A running world; `step` advances one cycle and returns the fusion terminal's evidence. */
export interface EvidenceWorld {
  readonly size: number;
  readonly nodes: readonly WorldNode[];
  readonly truth: GroundTruth;
  readonly options: Readonly<WorldOptions>;
  /** Cycle 0 (enrolment, everyone honest) on the first call, then cycles 1, 2, ... */
  step(ctl: { excluded: Uint8Array; overhead: SchemeOverhead }): EvidenceBatch;
  /** Remaining energy per node (J), including excluded and dead nodes. */
  remaining(): Float64Array;
}

/** Creates a seeded world [trust-§6]. */
export function createWorld(opts: Partial<WorldOptions> = {}): EvidenceWorld {
  const o: WorldOptions = { ...DEFAULT_WORLD_OPTIONS, ...opts };
  const nodes = createNodes(o, createRandom(o.seed));
  const n = nodes.length;
  const maxReports = nodes.reduce((a, x) => a + x.neighbours.length, 0);
  const batch = createEvidenceBatch(n, maxReports);
  const truth: GroundTruth = {
    malicious: Uint8Array.from(nodes, (x) => (x.attack === undefined ? 0 : 1)),
    attack: nodes.map((x) => x.attack?.type),
    onset: Int32Array.from(nodes, (x) => x.attack?.onset ?? 0),
  };
  const counts: (TrafficCounts | undefined)[] = new Array<TrafficCounts | undefined>(n);
  let cycle = -1;
  let load = n * WORLD.requests;
  return {
    size: n,
    nodes,
    truth,
    options: o,
    remaining: () => Float64Array.from(nodes, (x) => x.remaining),
    step(ctl) {
      cycle++;
      const p0 = WORLD.p0 * o.noiseMult.loss;
      const pLoss = Math.min(Math.max(WORLD.pMax, p0), (p0 * load) / (n * WORLD.requests));
      load = 0;
      batch.cycle = cycle;
      nodes.forEach((node, i) => {
        counts[i] = undefined;
        load += stepNode({ node, i, batch, cycle, pLoss, ctl, o, counts });
      });
      if (ctl.overhead.recommendations) fillReports(nodes, batch, counts, cycle);
      else batch.repCount = 0;
      for (let i = 0; i < n; i++) {
        const node = nodes[i];
        if (node === undefined) continue;
        if (node.remaining <= WORLD.deadFraction * WORLD.e0) node.dead = true;
        batch.remaining[i] = node.remaining;
      }
      return batch;
    },
  };
}

interface NodeStep {
  node: WorldNode;
  i: number;
  batch: EvidenceBatch;
  cycle: number;
  pLoss: number;
  ctl: { excluded: Uint8Array; overhead: SchemeOverhead };
  o: WorldOptions;
  counts: (TrafficCounts | undefined)[];
}

/** One node's cycle; returns its data transmission attempts (channel load). */
function stepNode(s: NodeStep): number {
  const { node, i, batch, cycle } = s;
  const a = node.attack;
  if (a !== undefined) {
    advanceAttack(a, cycle, node.rnd);
    if (cycle === a.onset) applyOnsetChanges(node, s.o.scenario);
  }
  const live = liveBehaviour(a, cycle);
  batch.initial[i] = WORLD.e0;
  batch.active[i] = 0;
  if (node.dead) return 0;
  node.remaining -= WORLD.eRun * live.drain;
  if (s.ctl.excluded[i] === 1) return 0;
  const c = simulateTraffic(node.rnd, node, { pLoss: s.pLoss, live, noise: s.o.noiseMult });
  s.counts[i] = c;
  node.remaining -= c.requests * WORLD.reqBits * WORLD.eElec;
  node.remaining -= c.attempts * WORLD.dataBits * node.eTxBit + c.samples * WORLD.eSense;
  batch.active[i] = 1;
  batch.requests[i] = c.requests;
  batch.valid[i] = c.valid;
  batch.late[i] = c.late;
  batch.tamperedCaught[i] = c.caught;
  batch.duplicates[i] = c.duplicates;
  const replies = c.valid + c.caught;
  batch.meanDelay[i] = replies > 0 ? c.delaySum / replies : Number.NaN;
  statusReport(s, live);
  return c.attempts;
}

/** Status report (attestation + OpS) for schemes that ask for one, with its energy [trust-§6.2]. */
function statusReport(s: NodeStep, live: LiveBehaviour): void {
  const { node, i, batch, cycle, ctl } = s;
  const ov = ctl.overhead;
  batch.statusReport[i] = 0;
  batch.attested[i] = 0;
  if (ov.statusReportBits <= 0) return;
  node.remaining -= ov.statusReportBits * node.eTxBit;
  batch.statusReport[i] = 1;
  const r = node.rnd;
  for (let k = 0; k < OPS_FEATURES; k++) {
    let v = node.opsBase[k] ?? 0.5;
    if (live.masking !== 'off-spoof') v += r.normal(0, s.o.sigmaOp * s.o.noiseMult.ops);
    if (k === 1 && live.drain > 1) v += live.duty;
    if (k === 3 && live.masking === 'on-dirty') v += 0.3;
    batch.ops[i * OPS_FEATURES + k] = Math.min(1, Math.max(0, v));
  }
  if (cycle % Math.max(1, ov.attestEvery) !== 0) return;
  node.remaining -= ov.attestJoules;
  batch.attested[i] = 1;
  const spoof = live.masking === 'off-spoof';
  for (let j = 0; j < HW_ATTRS; j++) {
    const glitch = cycle > 0 && j >= HW_CORE && r.next() < s.o.noise * s.o.noiseMult.glitch;
    batch.hwMatch[i * HW_ATTRS + j] = !glitch && (spoof || node.hw[j] === node.baseHw[j]) ? 1 : 0;
  }
  for (let j = 0; j < SW_ATTRS; j++) {
    const glitch = cycle > 0 && j >= SW_CORE && r.next() < s.o.noise * s.o.noiseMult.glitch;
    const dirty = live.masking === 'on-dirty' && j === 0;
    batch.swMatch[i * SW_ATTRS + j] = !glitch && !dirty && (spoof || node.sw[j] === node.baseSw[j]) ? 1 : 0;
  }
}

/** Neighbour overhearing and recommendations for SL / TDTC, with their LVESU energy [trust-§7.1]. */
function fillReports(
  nodes: readonly WorldNode[],
  batch: EvidenceBatch,
  counts: readonly (TrafficCounts | undefined)[],
  cycle: number,
): void {
  let m = 0;
  nodes.forEach((k, ki) => {
    if (batch.active[ki] !== 1) return;
    const deg = k.neighbours.length;
    k.remaining -= WORLD.pWatch * deg * WORLD.requests * WORLD.headerBits * WORLD.eElec;
    k.remaining -= (128 + 32 * deg) * k.eTxBit + WORLD.recComputePerNeighbour * deg;
    const liar = k.attack !== undefined && cycle >= 1;
    for (const ti of k.neighbours) {
      const c = counts[ti];
      if (c === undefined) continue;
      const pos = binomial(k.rnd, c.onTime, WORLD.pWatch);
      const neg = binomial(k.rnd, c.requests - c.onTime + c.duplicates, WORLD.pWatch);
      const targetBad = nodes[ti]?.attack !== undefined;
      batch.repFrom[m] = ki;
      batch.repAbout[m] = ti;
      batch.repPos[m] = liar ? (targetBad ? pos + neg : 0) : pos;
      batch.repNeg[m] = liar ? (targetBad ? 0 : pos + neg) : neg;
      m++;
    }
  });
  batch.repCount = m;
}
