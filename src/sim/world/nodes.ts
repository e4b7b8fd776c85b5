// LVESU node state of the evidence world: position, radio cost, attestation attributes, OpS, energy.
import type { Random } from '../../core/index.ts';
import { HW_ATTRS, HW_CORE, OPS_FEATURES, SW_ATTRS, SW_CORE } from '../../trust/index.ts';
import { drawAttack, type AttackState } from './attacks.ts';
import { WORLD, type AttackType, type WorldOptions } from './params.ts';

/** One LVESU of the world [trust-§6]. */
export interface WorldNode {
  id: string;
  x: number;
  y: number;
  /** Energy per transmitted bit, e_tx(d) = E_elec + ε_fs·d² [trust-Eq.13]. */
  eTxBit: number;
  dBaseMs: number;
  rnd: Random;
  attack: AttackState | undefined;
  /** Enrolled and current attestation attribute values (32-bit hash stand-ins). */
  baseHw: number[];
  baseSw: number[];
  hw: number[];
  sw: number[];
  opsBase: number[];
  remaining: number;
  dead: boolean;
  neighbours: number[];
}

/** Creates `n` nodes, places them, picks attackers and draws their parameters. */
export function createNodes(o: WorldOptions, rnd: Random): WorldNode[] {
  const nodes: WorldNode[] = [];
  for (let i = 0; i < o.n; i++) {
    const r = rnd.fork();
    const x = r.uniform(0, WORLD.area);
    const y = r.uniform(0, WORLD.area);
    const d2 = (x - WORLD.area / 2) ** 2 + (y - WORLD.area / 2) ** 2;
    const hw = Array.from({ length: HW_ATTRS }, () => r.int(0, 0xffffffff));
    const sw = Array.from({ length: SW_ATTRS }, () => r.int(0, 0xffffffff));
    nodes.push({
      id: `lvesu-${String(i).padStart(4, '0')}`,
      x,
      y,
      eTxBit: WORLD.eElec + WORLD.epsFs * d2,
      dBaseMs: r.uniform(10, 30),
      rnd: r,
      attack: undefined,
      baseHw: [...hw],
      baseSw: [...sw],
      hw,
      sw,
      opsBase: Array.from({ length: OPS_FEATURES }, () => r.uniform(0.3, 0.7)),
      remaining: WORLD.e0,
      dead: false,
      neighbours: [],
    });
  }
  linkNeighbours(nodes);
  assignAttackers(nodes, o, rnd);
  return nodes;
}

function linkNeighbours(nodes: WorldNode[]): void {
  const r2 = WORLD.rNeighbour ** 2;
  nodes.forEach((a, i) => {
    nodes.forEach((b, j) => {
      if (i !== j && (a.x - b.x) ** 2 + (a.y - b.y) ** 2 <= r2) a.neighbours.push(j);
    });
  });
}

/** round(ρ·n) attackers chosen at random, attack types round-robin over the list [trust-§8]. */
function assignAttackers(nodes: WorldNode[], o: WorldOptions, rnd: Random): void {
  const m = Math.round(o.maliciousRatio * nodes.length);
  const order = nodes.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  for (let k = 0; k < m; k++) {
    const node = nodes[order[k] ?? 0];
    const type: AttackType = o.attacks[k % o.attacks.length] ?? 'A1';
    if (node !== undefined) node.attack = drawAttack(type, node.rnd, o.intensity);
  }
}

/** Applies the permanent attribute changes that happen at onset (A5, and the S2 footprint). */
export function applyOnsetChanges(node: WorldNode, scenario: WorldOptions['scenario']): void {
  const a = node.attack;
  if (a === undefined) return;
  const r = node.rnd;
  if (a.type === 'A5') {
    node.sw[r.int(0, SW_CORE - 1)] = r.int(0, 0xffffffff);
    if (r.next() < 0.3) node.hw[r.int(0, HW_CORE - 1)] = r.int(0, 0xffffffff);
  }
  const behavioural =
    a.type === 'A1' || a.type === 'A2' || a.type === 'A3' || a.type === 'A4' || a.type === 'A7';
  if (scenario === 'S2' && behavioural) {
    if (r.next() < 0.5) node.sw[r.int(SW_CORE, SW_ATTRS - 1)] = r.int(0, 0xffffffff);
    if (r.next() < 0.2) node.sw[r.int(0, SW_CORE - 1)] = r.int(0, 0xffffffff);
  }
}
