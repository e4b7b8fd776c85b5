// The fleet API: createFleet(...) → advance() per 15-minute tick with telemetry uploads and attack ground truth.
import { createRandom, type Clock, type Random, type UnixMillis } from '../core/index.ts';
import type { ProfileRow } from '../protocol/index.ts';
import {
  BATTERY_5WH_J,
  COVERAGE_CLASSES,
  DEFAULT_FRAME_OVERHEAD_BYTES,
  energyProfile,
  type BatchStrategy,
  type EnergyProfileName,
} from './energy.ts';
import { SimError } from './errors.ts';
import { createFleetState, type FleetState } from './fleet-state.ts';
import { assignFrameAttacks, type AttackTruth, type FrameAttackKind } from './frame-attacks.ts';
import {
  KIND,
  TERMINAL_KINDS,
  createLayout,
  type FleetLayout,
  type LayoutOptions,
  type TerminalKind,
} from './layout.ts';
import type { LoadShapes } from './load-shapes.ts';
import { INTERVAL_MS, createGridState, stepPhysics, type GridState } from './physics.ts';
import { createTally, reportInterval, type ReportCtx, type Tally, type Upload } from './report.ts';

/** Options of {@link createFleet}; every default is documented in docs/simulator.md. */
export interface FleetOptions extends LayoutOptions {
  /** Real household curves (LCL), cleaned by `prepareLoadShapes`. */
  readonly loadShapes: LoadShapes;
  /** Virtual or system clock; the fleet simulates every whole 15-minute interval up to `clock.now()`. */
  readonly clock: Clock;
  /** Seeded random source; or `seed` to make one. @default createRandom(seed ?? 1) */
  readonly random?: Random;
  readonly seed?: number;
  /** Share of malicious terminals (frame-level attacks), 0..1. @default 0 */
  readonly malicious?: number;
  readonly attackKinds?: readonly FrameAttackKind[];
  /** Attack onsets fall in [start, start + window). @default 6 h */
  readonly onsetWindowMs?: number;
  /** @default 'field' */
  readonly energyProfile?: EnergyProfileName;
  /** Upload strategy of battery terminals (mains terminals send each record). @default '4x-day' */
  readonly batching?: BatchStrategy;
  /** Kinds that run on a primary cell (the rest are mains-powered with a backup). @default ['meter'] */
  readonly batteryKinds?: readonly TerminalKind[];
  /** @default 18000 J (5 Wh) [§6.1] */
  readonly batteryJ?: number;
  /** SGT1 + UDP/IP bytes per frame. @default 61 [§6.5] */
  readonly overheadBytes?: number;
  /**
   * Materialise frames as {@link Upload}s (demo and real runs): `true` for every terminal, a number
   * for terminals with index below it (e.g. `--encrypt N`); off for fast virtual runs.
   */
  readonly collect?: boolean | number;
  /**
   * The instant the fleet starts from; the first tick is one interval later. Live runs pass the wall
   * clock minus one interval, so records carry true measurement times from the first tick on.
   * @default clock.now() floored to a whole 15-minute interval
   */
  readonly start?: UnixMillis;
}

/** The frames of one 15-minute tick. */
export interface FleetTick {
  readonly t: UnixMillis;
  /** Empty unless the fleet was created with `collect: true`. */
  readonly uploads: readonly Upload[];
}

/** A simulated fleet: its layout, ground truth, running totals and per-terminal state. */
export interface Fleet {
  readonly layout: FleetLayout;
  readonly truth: readonly AttackTruth[];
  readonly state: FleetState;
  readonly grid: GridState;
  readonly tally: Tally;
  /** Simulates every whole interval up to `clock.now()`; returns one tick per interval. */
  advance(): FleetTick[];
  /** The end of the last simulated interval. */
  readonly time: () => UnixMillis;
  /** Kind of terminal `i`. */
  kindOf(i: number): TerminalKind;
}

const HOUR_MS = 3_600_000;

/**
 * Builds a fleet. Pure: all randomness from `random`/`seed`, all time from `clock`.
 * @example
 * const fleet = createFleet({ terminals: 200, loadShapes, clock, seed: 7, malicious: 0.1, collect: true });
 * clock.advance(15 * 60_000); const [tick] = fleet.advance(); // tick.uploads: §7.3 records + ground truth
 */
export function createFleet(o: FleetOptions): Fleet {
  const start = o.start ?? Math.floor(o.clock.now() / INTERVAL_MS) * INTERVAL_MS;
  const { base, truth } = buildFleet(o, start);
  const { layout, state, grid, tally } = base;
  const rows = new Map<number, ProfileRow[]>();
  const limit = o.collect === true ? layout.size : typeof o.collect === 'number' ? o.collect : 0;
  let last = start;
  const tick = (tEnd: number): FleetTick => {
    const out: Upload[] = [];
    stepPhysics({ layout, state, grid, shapes: o.loadShapes, rnd: base.rnd }, tEnd);
    reportInterval(limit > 0 ? { ...base, collect: { out, rows, limit } } : base, tEnd);
    return { t: tEnd as UnixMillis, uploads: out };
  };
  return {
    layout,
    truth,
    state,
    grid,
    tally,
    advance() {
      const ticks: FleetTick[] = [];
      while (last + INTERVAL_MS <= o.clock.now()) {
        last += INTERVAL_MS;
        ticks.push(tick(last));
      }
      return ticks;
    },
    time: () => last as UnixMillis,
    kindOf: (i) => TERMINAL_KINDS[layout.kind[i] ?? 0] ?? 'meter',
  };
}

/** Draws the layout, the attackers and every terminal's parameters (in this order, from forks of one seed). */
function buildFleet(
  o: FleetOptions,
  start: number,
): { base: Omit<ReportCtx, 'collect'>; truth: AttackTruth[] } {
  const rnd = o.random ?? createRandom(o.seed ?? 1);
  const malicious = o.malicious ?? 0;
  if (!(malicious >= 0 && malicious <= 1)) {
    throw new SimError('GT_ERR_SIM_BAD_OPTION', `malicious must be in 0..1, got ${malicious}`, {
      hint: 'give the share of malicious terminals, e.g. 0.1',
    });
  }
  const layout = createLayout(o, rnd.fork());
  const truth = assignFrameAttacks(
    {
      ids: layout.ids,
      ratio: malicious,
      start: start as UnixMillis,
      onsetWindowMs: o.onsetWindowMs ?? 6 * HOUR_MS,
      ...(o.attackKinds === undefined ? {} : { kinds: o.attackKinds }),
    },
    rnd.fork(),
  );
  const batteryKinds = new Set((o.batteryKinds ?? ['meter']).map((k) => KIND[k]));
  const init = { layout, shapes: o.loadShapes, batteryJ: o.batteryJ ?? BATTERY_5WH_J, batteryKinds, truth };
  const state = createFleetState(init, rnd.fork());
  const base = {
    layout,
    state,
    grid: createGridState(layout),
    rnd: rnd.fork(),
    profile: energyProfile(o.energyProfile ?? 'field'),
    batching: o.batching ?? '4x-day',
    overheadBytes: o.overheadBytes ?? DEFAULT_FRAME_OVERHEAD_BYTES,
    tally: createTally(),
    scratch: { t: 0, u: 0, i: 0, p: 0, q: 0, pf: 0, f: 0 },
  };
  return { base, truth };
}

/** Median and 90th percentile of a sample (NaN when empty). */
export function medianP90(xs: readonly number[]): { median: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { median: at(0.5), p90: at(0.9) };
}

/** A JSON-ready summary of a fleet's totals (the `gridtrust simulate` result). */
export function summariseFleet(f: Fleet): Record<string, unknown> {
  const t = f.tally;
  const kinds: Record<string, number> = {};
  for (let i = 0; i < f.layout.size; i++) kinds[f.kindOf(i)] = (kinds[f.kindOf(i)] ?? 0) + 1;
  const ce: Record<string, number> = {};
  for (let i = 0; i < f.layout.size; i++) {
    const c = COVERAGE_CLASSES[f.layout.ce[i] ?? 0] ?? 'CE0';
    ce[c] = (ce[c] ?? 0) + 1;
  }
  const latency = Object.fromEntries(COVERAGE_CLASSES.map((c, k) => [c, medianP90(t.latency[k] ?? [])]));
  return {
    terminals: f.layout.size,
    fusionTerminals: f.layout.fusion.length,
    kinds,
    coverage: ce,
    frames: t.frames,
    records: t.records,
    events: t.events,
    bytes: t.bytes,
    energyJoules: t.radioJ + t.psmJ,
    radioJoules: t.radioJ,
    psmJoules: t.psmJ,
    framesAccepted: t.accepted,
    framesRejected: t.rejected,
    latencySeconds: latency,
    malicious: f.truth.length,
  };
}

/** Battery summary over battery-powered terminals: count, min/median residual share, estimated lifetime. */
export function batterySummary(f: Fleet, o: { batteryJ: number; elapsedMs: number }): Record<string, number> {
  const used: number[] = [];
  for (let i = 0; i < f.layout.size; i++) {
    if (f.state.onBattery[i] === 1) used.push(o.batteryJ - (f.state.batteryJ[i] ?? 0));
  }
  const days = o.elapsedMs / 86_400_000;
  const m = medianP90(used);
  return {
    batteryTerminals: used.length,
    medianJoulesPerDay: days > 0 ? m.median / days : 0,
    p90JoulesPerDay: days > 0 ? m.p90 / days : 0,
    medianLifetimeYears: days > 0 && m.median > 0 ? o.batteryJ / (m.median / days) / 365.25 : Infinity,
    p90LifetimeYears: days > 0 && m.p90 > 0 ? o.batteryJ / (m.p90 / days) / 365.25 : Infinity,
  };
}
