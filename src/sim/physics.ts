// One 15-minute interval of device physics over the whole fleet: power per kind, iTTU sums, voltage, frequency.
import type { Random } from '../core/index.ts';
import type { FleetState } from './fleet-state.ts';
import { KIND, type FleetLayout } from './layout.ts';
import type { LoadShapes } from './load-shapes.ts';
import {
  EV,
  SOCKET,
  STORAGE,
  clearSkyFraction,
  dispatchStorage,
  drawDayClearness,
  drawEvSession,
  solarElevationSin,
} from './models.ts';

/** Shared (non per-terminal) conditions of the grid. */
export interface GridState {
  /** Frequency deviation from 50 Hz (Ornstein–Uhlenbeck, σ ≈ 0.02 Hz) [A]. */
  df: number;
  /** Day number whose daily draws (weather, EV sessions) are in force. */
  day: number;
  /** Clearness per fusion group (index g) and for direct terminals (last slot). */
  readonly clearness: Float32Array;
  /** Group voltage at the transformer, V, and net group power, W. */
  readonly groupU: Float32Array;
  readonly groupP: Float64Array;
  /** Of the last interval: solar fraction and frequency, Hz. */
  solar: number;
  freqHz: number;
  /** Day (relative to the curves' first day, before offsets) and slot of the current interval. */
  curveDay: number;
  curveSlot: number;
}

export function createGridState(layout: FleetLayout): GridState {
  const groups = layout.fusion.length;
  return {
    df: 0,
    day: -1,
    clearness: new Float32Array(groups + 1).fill(1),
    groupU: new Float32Array(groups).fill(236),
    groupP: new Float64Array(groups),
    solar: 0,
    freqHz: 50,
    curveDay: 0,
    curveSlot: 0,
  };
}

/** Interval length of the load profile [§7.2: 15 min]. */
export const INTERVAL_MS = 900_000;
const STEP_H = INTERVAL_MS / 3_600_000;
const DAY_MS = 86_400_000;
/** Relative noise of a 15-minute reading around its half-hour mean [A]. */
const LOAD_NOISE = 0.08;

export interface PhysicsCtx {
  readonly layout: FleetLayout;
  readonly state: FleetState;
  readonly grid: GridState;
  readonly shapes: LoadShapes;
  readonly rnd: Random;
}

function newDay(c: PhysicsCtx, day: number): void {
  const { grid, layout, state, rnd } = c;
  grid.day = day;
  for (let g = 0; g < grid.clearness.length; g++) grid.clearness[g] = drawDayClearness(rnd);
  for (let i = 0; i < layout.size; i++) {
    if (layout.kind[i] !== KIND.ev) continue;
    const s = drawEvSession(rnd);
    state.evArrivalMin[i] = s.arrivalMin;
    state.evNeedWh[i] = s.needWh;
  }
}

/** Sets the interval's position in the curve year once, so the hot loop does no date arithmetic. */
function setCursor(c: PhysicsCtx, tMid: number): void {
  const day = Math.floor(tMid / DAY_MS);
  c.grid.curveDay = day - c.shapes.startDay;
  c.grid.curveSlot = Math.floor(((tMid - day * DAY_MS) * c.shapes.stepsPerDay) / DAY_MS);
}

/** The household's watts at the cursor (same as householdWatts, without per-call date arithmetic). */
function homeW(c: PhysicsCtx, i: number): number {
  const s = c.state;
  const sh = c.shapes;
  const day = ((((c.grid.curveDay + (s.dayOffset[i] ?? 0)) % sh.days) + sh.days) % sh.days) | 0;
  const at = ((s.household[i] ?? 0) * sh.days + day) * sh.stepsPerDay + c.grid.curveSlot;
  const w = (sh.flat[at] ?? 0) * (s.scale[i] ?? 1);
  return Math.max(0, w * (1 + LOAD_NOISE * c.rnd.normal()));
}

function pvW(c: PhysicsCtx, i: number): number {
  const g = c.layout.group[i] ?? -1;
  const clear = c.grid.clearness[g < 0 ? c.grid.clearness.length - 1 : g] ?? 1;
  const w = (c.state.ratedW[i] ?? 0) * c.grid.solar * clear * (1 + 0.05 * c.rnd.normal());
  return Math.max(0, w);
}

function evW(c: PhysicsCtx, i: number, minuteOfDay: number): number {
  const s = c.state;
  const arrival = s.evArrivalMin[i] ?? -1;
  const plugged = arrival >= 0 && minuteOfDay >= arrival && (s.evNeedWh[i] ?? 0) > 0 ? 1 : 0;
  s.changed[i] = plugged === s.on[i] ? 0 : 1;
  s.on[i] = plugged;
  if (plugged === 0) return 3; // standby [A]
  const w = Math.min(EV.chargerW, (s.evNeedWh[i] ?? 0) / STEP_H);
  s.evNeedWh[i] = (s.evNeedWh[i] ?? 0) - w * STEP_H;
  return w;
}

function socketW(c: PhysicsCtx, i: number): number {
  const s = c.state;
  const u = c.rnd.next();
  const flip = s.on[i] === 1 ? u < SOCKET.pOff : u < SOCKET.pOn;
  s.changed[i] = flip ? 1 : 0;
  if (flip) s.on[i] = s.on[i] === 1 ? 0 : 1;
  return s.on[i] === 1 ? (s.ratedW[i] ?? 0) * (1 + 0.02 * c.rnd.normal()) : 0.5;
}

function storageW(c: PhysicsCtx, i: number): number {
  const s = c.state;
  const net = homeW(c, i) - pvW(c, i);
  const p = dispatchStorage(net, s.socWh[i] ?? 0, STEP_H);
  s.socWh[i] = (s.socWh[i] ?? 0) + (p > 0 ? p * STORAGE.efficiency : p / STORAGE.efficiency) * STEP_H;
  return p;
}

function deviceW(c: PhysicsCtx, i: number, minuteOfDay: number): number {
  switch (c.layout.kind[i]) {
    case KIND.meter:
      return homeW(c, i);
    case KIND.socket:
      return socketW(c, i);
    case KIND.pv:
      return -pvW(c, i);
    case KIND.storage:
      return storageW(c, i);
    case KIND.ev:
      return evW(c, i, minuteOfDay);
    case undefined:
    default:
      return 0; // iTTU: filled from its group below
  }
}

/** Transformer/feeder losses seen by the iTTU on top of the downstream sum [A: 3 %]. */
const LOSSES = 1.03;

/**
 * Advances the physics by one interval ending at `tEnd`: every device's power, then each iTTU as
 * the sum of its group, group voltages (236 V no-load, −0.02 V per kW net, ±10 % limits) and f.
 */
export function stepPhysics(c: PhysicsCtx, tEnd: number): void {
  const tMid = tEnd - INTERVAL_MS / 2;
  const day = Math.floor(tMid / DAY_MS);
  if (day !== c.grid.day) newDay(c, day);
  const minuteOfDay = Math.floor((tMid - day * DAY_MS) / 60_000);
  setCursor(c, tMid);
  c.grid.solar = clearSkyFraction(solarElevationSin(tMid));
  c.grid.df = 0.9 * c.grid.df + 0.0087 * c.rnd.normal();
  c.grid.freqHz = 50 + c.grid.df;
  const { layout, state, grid } = c;
  grid.groupP.fill(0);
  for (let i = 0; i < layout.size; i++) {
    const p = deviceW(c, i, minuteOfDay);
    state.pW[i] = p;
    const g = layout.group[i] ?? -1;
    if (g >= 0) grid.groupP[g] = (grid.groupP[g] ?? 0) + p;
    if (p >= 0) state.eImpWh[i] = (state.eImpWh[i] ?? 0) + p * STEP_H;
    else state.eExpWh[i] = (state.eExpWh[i] ?? 0) - p * STEP_H;
  }
  for (const f of layout.fusion) {
    const p = (grid.groupP[f.index] ?? 0) * LOSSES;
    grid.groupU[f.index] = Math.min(253, Math.max(207, 236 - 0.00002 * p));
    if (f.ittu < 0) continue;
    state.pW[f.ittu] = p;
    if (p >= 0) state.eImpWh[f.ittu] = (state.eImpWh[f.ittu] ?? 0) + p * STEP_H;
    else state.eExpWh[f.ittu] = (state.eExpWh[f.ittu] ?? 0) - p * STEP_H;
  }
}
