// The fleet's hot state as typed arrays (struct of arrays), allocated and initialised once.
import type { Random } from '../core/index.ts';
import type { FrameAttackKind, AttackTruth } from './frame-attacks.ts';
import { FRAME_ATTACK_KINDS } from './frame-attacks.ts';
import { KIND, type FleetLayout } from './layout.ts';
import { assignHousehold, type LoadShapes } from './load-shapes.ts';
import { SOCKET, STORAGE } from './models.ts';

/** Per-terminal mutable state; index i is the terminal of `layout.ids[i]`. */
export interface FleetState {
  readonly household: Int32Array;
  readonly dayOffset: Int32Array;
  readonly scale: Float32Array;
  /** Net active power of the last interval, W (+ import, − export). */
  readonly pW: Float32Array;
  /** Power factor base per terminal. */
  readonly pfBase: Float32Array;
  /** Cumulative registers, Wh [§7.1: 1-0:1.8.0 / 1-0:2.8.0]. */
  readonly eImpWh: Float64Array;
  readonly eExpWh: Float64Array;
  /** Battery charge, J; mains terminals keep a full backup battery. */
  readonly batteryJ: Float64Array;
  readonly onBattery: Uint8Array;
  /** PV peak W (PV and storage homes), socket rated W, storage state of charge Wh. */
  readonly ratedW: Float32Array;
  readonly socWh: Float32Array;
  /** Socket relay / EV plugged state (0/1) and EV energy still to deliver, Wh. */
  readonly on: Uint8Array;
  /** 1 when `on` changed in the last interval (an event is due). */
  readonly changed: Uint8Array;
  readonly evNeedWh: Float32Array;
  readonly evArrivalMin: Int16Array;
  /** Profile rows waiting for a batched upload, and their summed value bytes. */
  readonly pendingRows: Uint16Array;
  readonly pendingBytes: Float64Array;
  /** Frame counter of the next genuine frame (SGT1 fc starts at 1) and the highest sent. */
  readonly fc: Uint32Array;
  readonly fcHigh: Uint32Array;
  /** Attack index + 1 into FRAME_ATTACK_KINDS (0 = honest) and its onset. */
  readonly attack: Uint8Array;
  readonly onset: Float64Array;
  readonly attackRate: Float32Array;
  readonly attackCopies: Uint8Array;
  readonly rollback: Uint16Array;
  readonly rolledBack: Uint8Array;
}

export interface StateInit {
  readonly layout: FleetLayout;
  readonly shapes: LoadShapes;
  readonly batteryJ: number;
  readonly batteryKinds: ReadonlySet<number>;
  readonly truth: readonly AttackTruth[];
}

/** Allocates the state and draws every per-terminal parameter from `rnd` (deterministic by seed). */
export function createFleetState(init: StateInit, rnd: Random): FleetState {
  const n = init.layout.size;
  const s: FleetState = {
    household: new Int32Array(n),
    dayOffset: new Int32Array(n),
    scale: new Float32Array(n),
    pW: new Float32Array(n),
    pfBase: new Float32Array(n),
    eImpWh: new Float64Array(n),
    eExpWh: new Float64Array(n),
    batteryJ: new Float64Array(n).fill(init.batteryJ),
    onBattery: new Uint8Array(n),
    ratedW: new Float32Array(n),
    socWh: new Float32Array(n),
    on: new Uint8Array(n),
    changed: new Uint8Array(n),
    evNeedWh: new Float32Array(n),
    evArrivalMin: new Int16Array(n).fill(-1),
    pendingRows: new Uint16Array(n),
    pendingBytes: new Float64Array(n),
    fc: new Uint32Array(n).fill(1),
    fcHigh: new Uint32Array(n),
    attack: new Uint8Array(n),
    onset: new Float64Array(n),
    attackRate: new Float32Array(n),
    attackCopies: new Uint8Array(n),
    rollback: new Uint16Array(n),
    rolledBack: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) initTerminal(s, { init, i, kind: init.layout.kind[i] ?? 0 }, rnd);
  for (const t of init.truth) applyTruth(s, t);
  return s;
}

function initTerminal(s: FleetState, c: { init: StateInit; i: number; kind: number }, rnd: Random): void {
  const { init, i, kind } = c;
  const a = assignHousehold(init.shapes, rnd);
  s.household[i] = a.household;
  s.dayOffset[i] = a.dayOffset;
  s.scale[i] = a.scale;
  s.onBattery[i] = init.batteryKinds.has(kind) ? 1 : 0;
  // meters carry years of history; start registers anywhere in 0..20 MWh [A]
  s.eImpWh[i] = Math.floor(rnd.uniform(0, 2e7));
  s.pfBase[i] = kind === KIND.pv ? 0.99 : kind === KIND.ev ? 0.98 : rnd.uniform(0.88, 0.98);
  if (kind === KIND.pv || kind === KIND.storage) s.ratedW[i] = rnd.uniform(2500, 6000); // kWp [A]
  if (kind === KIND.socket) s.ratedW[i] = rnd.uniform(SOCKET.minW, SOCKET.maxW);
  if (kind === KIND.storage) s.socWh[i] = STORAGE.capacityWh * 0.5;
}

function applyTruth(s: FleetState, t: AttackTruth): void {
  s.attack[t.index] = FRAME_ATTACK_KINDS.indexOf(t.attack) + 1;
  s.onset[t.index] = t.onset;
  s.attackRate[t.index] = t.params.rate;
  s.attackCopies[t.index] = t.params.copies;
  s.rollback[t.index] = t.params.rollback;
}

/** The attack active for terminal i at time t, or undefined. */
export function activeAttack(s: FleetState, i: number, tMs: number): FrameAttackKind | undefined {
  const a = s.attack[i] ?? 0;
  if (a === 0 || tMs < (s.onset[i] ?? Infinity)) return undefined;
  return FRAME_ATTACK_KINDS[a - 1];
}
