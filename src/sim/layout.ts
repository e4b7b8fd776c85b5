// Fleet hierarchy: fusion terminals with their LVESUs placed in an area, plus direct terminals.
import type { Random, TerminalId } from '../core/index.ts';
import { COVERAGE_CLASSES, coverageFromRsrp, type CoverageClass } from './energy.ts';
import { SimError } from './errors.ts';

/** Terminal models [§7.2; DESIGN.md "three tiers"]. */
export type TerminalKind = 'meter' | 'socket' | 'ittu' | 'pv' | 'storage' | 'ev';
/** Kind codes stored in the fleet's typed arrays (index into this list). */
export const TERMINAL_KINDS: readonly TerminalKind[] = ['meter', 'socket', 'ittu', 'pv', 'storage', 'ev'];
export const KIND = { meter: 0, socket: 1, ittu: 2, pv: 3, storage: 4, ev: 5 } as const;

/** Share of each end-device kind among terminals that are not iTTUs (normalised). [A] */
export type KindMix = Readonly<Record<Exclude<TerminalKind, 'ittu'>, number>>;
/** @default 80 % meters, 5 % sockets, 8 % PV, 3 % storage, 4 % EV chargers [A]. */
export const DEFAULT_KIND_MIX: KindMix = { meter: 0.8, socket: 0.05, pv: 0.08, storage: 0.03, ev: 0.04 };

export interface LayoutOptions {
  readonly terminals: number;
  /** Terminals per fusion terminal (LVESUs, including its iTTU). @default 100 [trust.md §6.1] */
  readonly perFusion?: number;
  /** Share of terminals that talk to the platform directly (no fusion terminal). @default 0.1 [A] */
  readonly directShare?: number;
  /** Put one iTTU (transformer terminal) in each fusion group. @default true */
  readonly ittuPerGroup?: boolean;
  readonly mix?: KindMix;
  /** Side of each fusion terminal's square area in metres. @default 100 [trust.md §6.1] */
  readonly groupSideM?: number;
  /** System titles to use instead of generated ones (e.g. terminals provisioned on a platform). */
  readonly titles?: readonly TerminalId[];
}

/** A fusion terminal (edge) and the indices of its LVESUs. */
export interface FusionTerminal {
  readonly id: TerminalId;
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly members: Int32Array;
  /** Index of the group's iTTU, or −1. */
  readonly ittu: number;
}

/** Struct-of-arrays description of every terminal. */
export interface FleetLayout {
  readonly size: number;
  readonly ids: readonly TerminalId[];
  readonly kind: Uint8Array;
  /** Fusion terminal index, −1 for a direct terminal. */
  readonly group: Int32Array;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Distance to the fusion terminal (or the nearest transformer for direct terminals), metres. */
  readonly dist: Float32Array;
  /** Coverage class index into COVERAGE_CLASSES. */
  readonly ce: Uint8Array;
  readonly fusion: readonly FusionTerminal[];
}

/** System title: "GTS" (FLAG-like prefix) + kind + 4-byte serial; fusion terminals use "GTF" [SGT1-1.2]. */
export function terminalTitle(prefix: 'GTS' | 'GTF', kind: number, serial: number): TerminalId {
  const head = Buffer.from(prefix, 'ascii').toString('hex');
  const k = kind.toString(16).padStart(2, '0');
  return `${head}${k}${(serial >>> 0).toString(16).padStart(8, '0')}` as TerminalId;
}

/** RSRP draw: N(−95, 12) dBm gives ≈ 34 % CE0, 56 % CE1, 10 % CE2 [A, thresholds §6.1]. */
export function drawCoverage(rnd: Random): CoverageClass {
  return coverageFromRsrp(rnd.normal(-95, 12));
}

function drawKind(mix: KindMix, u: number): number {
  const total = mix.meter + mix.socket + mix.pv + mix.storage + mix.ev;
  let acc = 0;
  for (const k of ['meter', 'socket', 'pv', 'storage', 'ev'] as const) {
    acc += mix[k] / total;
    if (u < acc) return KIND[k];
  }
  return KIND.meter;
}

function validate(o: LayoutOptions): void {
  const bad = (what: string): never => {
    throw new SimError('GT_ERR_SIM_BAD_OPTION', what, {
      hint: 'see docs/simulator.md for the fleet options',
    });
  };
  if (!Number.isInteger(o.terminals) || o.terminals < 1) bad('terminals must be a positive integer');
  if (o.perFusion !== undefined && (!Number.isInteger(o.perFusion) || o.perFusion < 2))
    bad('perFusion must be ≥ 2');
  if (o.directShare !== undefined && !(o.directShare >= 0 && o.directShare <= 1))
    bad('directShare must be in 0..1');
}

/** Places the fleet: fusion groups on a grid (spacing 2 × side), members uniform in their square. */
export function createLayout(o: LayoutOptions, rnd: Random): FleetLayout {
  validate(o);
  const n = o.terminals;
  const direct = Math.round(n * (o.directShare ?? 0.1));
  const perFusion = o.perFusion ?? 100;
  const groups = Math.ceil((n - direct) / perFusion);
  const side = o.groupSideM ?? 100;
  const gridW = Math.max(1, Math.ceil(Math.sqrt(groups)));
  const L = {
    size: n,
    kind: new Uint8Array(n),
    group: new Int32Array(n).fill(-1),
    x: new Float32Array(n),
    y: new Float32Array(n),
    dist: new Float32Array(n),
    ce: new Uint8Array(n),
  };
  const fusion: FusionTerminal[] = [];
  const mix = o.mix ?? DEFAULT_KIND_MIX;
  let i = 0;
  for (let g = 0; g < groups; g++) {
    const cx = ((g % gridW) * 2 + 1) * side;
    const cy = (Math.floor(g / gridW) * 2 + 1) * side;
    const count = Math.min(perFusion, n - direct - i);
    const members = new Int32Array(count);
    for (let m = 0; m < count; m++, i++) {
      members[m] = i;
      L.group[i] = g;
      L.kind[i] = m === 0 && o.ittuPerGroup !== false ? KIND.ittu : drawKind(mix, rnd.next());
      L.x[i] = m === 0 ? cx : cx + rnd.uniform(-side / 2, side / 2);
      L.y[i] = m === 0 ? cy : cy + rnd.uniform(-side / 2, side / 2);
      L.dist[i] = Math.hypot((L.x[i] ?? 0) - cx, (L.y[i] ?? 0) - cy);
    }
    const ittu = o.ittuPerGroup !== false && count > 0 ? (members[0] ?? -1) : -1;
    fusion.push({ id: terminalTitle('GTF', 0, g), index: g, x: cx, y: cy, members, ittu });
  }
  const extent = Math.max(1, gridW) * 2 * side;
  for (; i < n; i++) {
    L.kind[i] = drawKind(mix, rnd.next());
    L.x[i] = rnd.uniform(0, extent);
    L.y[i] = rnd.uniform(0, extent);
    L.dist[i] = rnd.uniform(0, side);
  }
  for (let t = 0; t < n; t++) L.ce[t] = COVERAGE_CLASSES.indexOf(drawCoverage(rnd));
  const ids = Array.from({ length: n }, (_, t) => o.titles?.[t] ?? terminalTitle('GTS', L.kind[t] ?? 0, t));
  return { ...L, ids, fusion };
}
