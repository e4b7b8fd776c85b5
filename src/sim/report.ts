// Reporting of one interval: §7.3 records, batching, NB-IoT energy per frame, frame-level attacks, tallies.
import type { Random, TerminalId } from '../core/index.ts';
import type { ProfileRow, RejectReason, Telemetry } from '../protocol/index.ts';
import { COVERAGE_CLASSES, energyRx, energyTx, type BatchStrategy, type EnergyProfile } from './energy.ts';
import { activeAttack, type FleetState } from './fleet-state.ts';
import { EXPECTED_REJECTION, type FrameAttackKind } from './frame-attacks.ts';
import { KIND, type FleetLayout } from './layout.ts';
import type { GridState } from './physics.ts';
import { INTERVAL_MS } from './physics.ts';
import { batchRecordBytes, rowValueBytes, scalarRecordBytes, type ScaledRow } from './telemetry-size.ts';

/**
 * Payload bytes of an oversized attack frame: with the 33-byte SGT1 overhead the frame (1121 B)
 * exceeds the receiver's 1024-byte limit [SGT1-1.2] yet still fits one CoAP datagram (node-coap
 * refuses unblocked payloads much above 1.1 kB), so the platform sees it and rejects it.
 */
export const OVERSIZED_FRAME_BYTES = 1088;
/** Downlink ack payload for events sent with ackReq, bytes [SGT1-1.2: ctype 0x04 {fc_acked}]. */
const ACK_PAYLOAD_BYTES = 6;

/** One frame the fleet wants to send (collect mode), with what the platform should do with it. */
export interface Upload {
  readonly index: number;
  readonly terminal: TerminalId;
  readonly ctype: 'telemetry' | 'event';
  readonly record: Telemetry;
  /** SGT1 frame counter to seal with (an attacker's rollback shows here). */
  readonly fc: number;
  /** Uplink latency drawn from the CE class's distribution, seconds [§6.3]. */
  readonly latencyS: number;
  readonly attack?: FrameAttackKind;
  /** `'ACCEPT'` or the rejection reasons the receiver must give (ground truth per frame). */
  readonly expected: 'ACCEPT' | readonly RejectReason[];
}

/** Running totals of a run. */
export interface Tally {
  frames: number;
  records: number;
  events: number;
  bytes: number;
  radioJ: number;
  psmJ: number;
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Every 16th frame's latency per CE class, for median/p90. */
  readonly latency: [number[], number[], number[]];
}

export function createTally(): Tally {
  return {
    frames: 0,
    records: 0,
    events: 0,
    bytes: 0,
    radioJ: 0,
    psmJ: 0,
    accepted: 0,
    rejected: {},
    latency: [[], [], []],
  };
}

export interface ReportCtx {
  readonly layout: FleetLayout;
  readonly state: FleetState;
  readonly grid: GridState;
  readonly rnd: Random;
  readonly profile: EnergyProfile;
  readonly batching: BatchStrategy;
  readonly overheadBytes: number;
  readonly tally: Tally;
  /** Reused row (the hot loop allocates no row object; records copy the values out). */
  readonly scratch: ScaledRow;
  /** When set, every frame is also materialised as an Upload (for the demo and real runs). */
  readonly collect?: {
    readonly out: Upload[];
    readonly rows: Map<number, ProfileRow[]>;
    readonly limit: number;
  };
}

/** Does terminal i get its frames materialised? (collect mode, index below the limit) */
const wants = (c: ReportCtx, i: number): boolean => c.collect !== undefined && i < c.collect.limit;

/** Scaled §7.3 row of terminal i for power `p` at time `tS`. */
function scaledRow(c: ReportCtx, i: number, p: number, tS: number): ScaledRow {
  const g = c.layout.group[i] ?? -1;
  const base = g >= 0 ? (c.grid.groupU[g] ?? 236) : 234;
  const u = base - 0.004 * (c.layout.dist[i] ?? 0) * (p / 1000) + 0.8 * c.rnd.normal();
  const pf = Math.min(1, Math.max(0.5, (c.state.pfBase[i] ?? 0.95) + 0.01 * c.rnd.normal()));
  const absP = Math.abs(p);
  const r = c.scratch;
  r.t = tS;
  r.u = Math.round(u * 10);
  r.i = Math.round((absP / (u * pf)) * 100);
  r.p = Math.round(p);
  r.q = Math.round((absP * Math.sqrt(1 - pf * pf)) / pf); // tan(acos(pf))
  r.pf = Math.round(pf * 1000);
  r.f = Math.round(c.grid.freqHz * 100);
  return r;
}

const toRow = (r: ScaledRow): ProfileRow => [r.t, r.u, r.i, r.p, r.q, r.pf, r.f];

function scalarRecord(r: ScaledRow, eImp: number, eExp: number): Telemetry {
  return {
    t: r.t,
    voltage: r.u,
    current: r.i,
    activePower: r.p,
    reactivePower: r.q,
    powerFactor: r.pf,
    frequency: r.f,
    energyImport: eImp,
    energyExport: eExp,
  };
}

interface Frame {
  readonly i: number;
  readonly bytes: number;
  readonly ctype: 'telemetry' | 'event';
  readonly record: Telemetry | undefined;
  readonly tMs: number;
}

/** Counts and (in collect mode) materialises one frame, applying the terminal's attack if active. */
function sendFrame(c: ReportCtx, f: Frame): void {
  const { state: s, tally } = c;
  const attack = activeAttack(s, f.i, f.tMs);
  let verdict: 'ACCEPT' | readonly RejectReason[] = 'ACCEPT';
  let bytes = f.bytes;
  if (attack === 'COUNTER_ROLLBACK' && s.rolledBack[f.i] === 0) {
    s.rolledBack[f.i] = 1;
    s.fc[f.i] = Math.max(1, (s.fc[f.i] ?? 1) - (s.rollback[f.i] ?? 0));
  }
  const fc = s.fc[f.i] ?? 1;
  s.fc[f.i] = fc + 1;
  if (attack !== undefined) {
    const hit = c.rnd.next() < (s.attackRate[f.i] ?? 0);
    const spoils =
      attack === 'COUNTER_ROLLBACK'
        ? fc <= (s.fcHigh[f.i] ?? 0)
        : hit &&
          (attack === 'TAMPERED_CIPHERTEXT' ||
            attack === 'STALE_KEY_VERSION' ||
            attack === 'OVERSIZED_FRAME');
    if (spoils) verdict = EXPECTED_REJECTION[attack] as readonly RejectReason[];
    if (spoils && attack === 'OVERSIZED_FRAME') bytes = OVERSIZED_FRAME_BYTES;
    if (attack === 'REPLAYED_FRAME' && fc > 1)
      extraFrames(c, f, { attack, fc: Math.max(1, fc - 1), n: s.attackCopies[f.i] ?? 1 });
    if (attack === 'UNKNOWN_TERMINAL' && hit) extraFrames(c, f, { attack, fc, n: 1 });
  }
  if (fc > (s.fcHigh[f.i] ?? 0)) s.fcHigh[f.i] = fc;
  emit(c, f, { bytes, fc, verdict, attack: verdict === 'ACCEPT' ? undefined : attack });
  if (f.ctype === 'event') {
    tally.radioJ += energyRx(
      c.profile,
      COVERAGE_CLASSES[c.layout.ce[f.i] ?? 0] ?? 'CE0',
      ACK_PAYLOAD_BYTES + c.overheadBytes,
    );
  }
}

function extraFrames(c: ReportCtx, f: Frame, x: { attack: FrameAttackKind; fc: number; n: number }): void {
  const verdict = EXPECTED_REJECTION[x.attack] as readonly RejectReason[];
  for (let k = 0; k < x.n; k++) emit(c, f, { bytes: f.bytes, fc: x.fc, verdict, attack: x.attack });
}

function emit(
  c: ReportCtx,
  f: Frame,
  o: {
    bytes: number;
    fc: number;
    verdict: 'ACCEPT' | readonly RejectReason[];
    attack: FrameAttackKind | undefined;
  },
): void {
  const { tally } = c;
  const ceIdx = c.layout.ce[f.i] ?? 0;
  const ce = COVERAGE_CLASSES[ceIdx] ?? 'CE0';
  const wire = o.bytes + c.overheadBytes;
  const joules = energyTx(c.profile, ce, wire);
  tally.frames++;
  tally.bytes += wire;
  tally.radioJ += joules;
  if (c.state.onBattery[f.i] === 1) c.state.batteryJ[f.i] = (c.state.batteryJ[f.i] ?? 0) - joules;
  if (o.verdict === 'ACCEPT') tally.accepted++;
  else {
    const reason = o.verdict[0] ?? 'BAD_TAG';
    tally.rejected[reason] = (tally.rejected[reason] ?? 0) + 1;
  }
  const sampled = (tally.frames & 15) === 0;
  const lat = sampled || f.record !== undefined ? sampleLatency(c, ce) : 0;
  if (sampled) tally.latency[ceIdx]?.push(lat);
  if (c.collect === undefined || f.record === undefined) return;
  c.collect.out.push({
    index: f.i,
    terminal: c.layout.ids[f.i] ?? ('' as TerminalId),
    ctype: f.ctype,
    record: f.record,
    fc: o.fc,
    latencyS: lat,
    ...(o.attack === undefined ? {} : { attack: o.attack }),
    expected: o.verdict,
  });
}

function sampleLatency(c: ReportCtx, ce: 'CE0' | 'CE1' | 'CE2'): number {
  const l = c.profile.latency[ce];
  const sigma = Math.log(l.p90S / l.medianS) / 1.2815515655446004;
  return Math.min(l.maxS, l.medianS * Math.exp(sigma * c.rnd.normal()));
}

/** Is a batched upload due at the end of interval `slot` (0..95 of the day)? [§6.4 strategies] */
function uploadDue(strategy: BatchStrategy, slot: number): boolean {
  switch (strategy) {
    case 'each':
      return true;
    case '4x-day':
      return slot % 24 === 23;
    case '1x-day':
      return slot === 95;
  }
}

/** Reports every terminal for the interval ending at `tEnd` (after stepPhysics). */
export function reportInterval(c: ReportCtx, tEnd: number): void {
  const slot = Math.floor((tEnd - INTERVAL_MS) / INTERVAL_MS) % 96;
  const { layout, state, tally } = c;
  const psm = c.profile.pPsmW * (INTERVAL_MS / 1000);
  tally.psmJ += psm * layout.size;
  for (let i = 0; i < layout.size; i++) {
    if (state.onBattery[i] === 1) state.batteryJ[i] = (state.batteryJ[i] ?? 0) - psm;
    if (layout.kind[i] === KIND.ittu) reportIttu(c, i, tEnd);
    else reportDevice(c, i, { tEnd, slot });
  }
}

function reportDevice(c: ReportCtx, i: number, at: { tEnd: number; slot: number }): void {
  const { state: s, tally } = c;
  const tS = Math.floor(at.tEnd / 1000);
  const row = scaledRow(c, i, s.pW[i] ?? 0, tS);
  const eImp = Math.floor(s.eImpWh[i] ?? 0);
  const eExp = Math.floor(s.eExpWh[i] ?? 0);
  tally.records++;
  if (s.changed[i] === 1) {
    // relay switched / car plugged in or out: an immediate event with ackReq [§7.2 events]
    tally.events++;
    const ev = !wants(c, i) ? undefined : scalarRecord(row, eImp, eExp);
    sendFrame(c, { i, bytes: scalarRecordBytes(row, eImp, eExp), ctype: 'event', record: ev, tMs: at.tEnd });
  }
  if (s.onBattery[i] !== 1 || c.batching === 'each') {
    const rec = !wants(c, i) ? undefined : scalarRecord(row, eImp, eExp);
    sendFrame(c, {
      i,
      bytes: scalarRecordBytes(row, eImp, eExp),
      ctype: 'telemetry',
      record: rec,
      tMs: at.tEnd,
    });
    return;
  }
  s.pendingRows[i] = (s.pendingRows[i] ?? 0) + 1;
  s.pendingBytes[i] = (s.pendingBytes[i] ?? 0) + rowValueBytes(row);
  const held = c.collect?.rows.get(i);
  if (held !== undefined) held.push(toRow(row));
  else if (wants(c, i)) c.collect?.rows.set(i, [toRow(row)]);
  if (!uploadDue(c.batching, at.slot)) return;
  const rows = s.pendingRows[i] ?? 0;
  const bytes = batchRecordBytes({
    t: tS,
    eImpWh: eImp,
    eExpWh: eExp,
    rows,
    rowBytes: s.pendingBytes[i] ?? 0,
  });
  const profile = c.collect?.rows.get(i);
  const rec = profile === undefined ? undefined : { t: tS, energyImport: eImp, energyExport: eExp, profile };
  c.collect?.rows.delete(i);
  s.pendingRows[i] = 0;
  s.pendingBytes[i] = 0;
  sendFrame(c, { i, bytes, ctype: 'telemetry', record: rec, tMs: at.tEnd });
}

/** The iTTU samples its group every minute and sends each record at once [§7.2]. */
function reportIttu(c: ReportCtx, i: number, tEnd: number): void {
  const p = c.state.pW[i] ?? 0;
  const eImp = Math.floor(c.state.eImpWh[i] ?? 0);
  const eExp = Math.floor(c.state.eExpWh[i] ?? 0);
  for (let m = 14; m >= 0; m--) {
    const tMs = tEnd - m * 60_000;
    const row = scaledRow(c, i, p * (1 + 0.02 * c.rnd.normal()), Math.floor(tMs / 1000));
    c.tally.records++;
    const rec = !wants(c, i) ? undefined : scalarRecord(row, eImp, eExp);
    sendFrame(c, { i, bytes: scalarRecordBytes(row, eImp, eExp), ctype: 'telemetry', record: rec, tMs });
    if (row.u < 2070 || row.u > 2530) {
      c.tally.events++;
      sendFrame(c, { i, bytes: scalarRecordBytes(row, eImp, eExp), ctype: 'event', record: rec, tMs });
    }
  }
}
