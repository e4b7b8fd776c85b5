// NB-IoT energy and timing model (protocol-keys-update.md §6): coverage classes, profiles, batching, lifetime.
import type { Random } from '../core/index.ts';

/** NB-IoT coverage enhancement class [§6.1: CE0 ≈ 144 dB, CE1 ≈ 154 dB, CE2 ≈ 164 dB MCL]. */
export type CoverageClass = 'CE0' | 'CE1' | 'CE2';
export const COVERAGE_CLASSES: readonly CoverageClass[] = ['CE0', 'CE1', 'CE2'];

/** Name of a selectable energy profile [§6.3]. */
export type EnergyProfileName = 'field' | '3gpp-ideal';

/** Parameters of the per-packet energy model `E = E_fix(ce) + L · e(ce)` [§6.2, §6.5]. */
export interface EnergyProfile {
  readonly name: EnergyProfileName;
  /** PSM (deep sleep) power floor in watts [§6.1: 0.015 mW]. */
  readonly pPsmW: number;
  /** Fixed energy per uplink packet (connection setup + tail), joules. */
  readonly fix: Readonly<Record<CoverageClass, number>>;
  /** Fixed energy per network-initiated downlink packet, joules [§6.3: 0.5 · E_fix]. */
  readonly fixRx: Readonly<Record<CoverageClass, number>>;
  /** Uplink energy per byte, joules. */
  readonly eTx: Readonly<Record<CoverageClass, number>>;
  /** Downlink energy per byte, joules. */
  readonly eRx: Readonly<Record<CoverageClass, number>>;
  /** Uplink latency distribution (log-normal through median and p90), seconds. */
  readonly latency: Readonly<Record<CoverageClass, { medianS: number; p90S: number; maxS: number }>>;
}

const halve = (r: Record<CoverageClass, number>): Record<CoverageClass, number> => ({
  CE0: r.CE0 / 2,
  CE1: r.CE1 / 2,
  CE2: r.CE2 / 2,
});

const FIELD_FIX = { CE0: 0.646, CE1: 1.208, CE2: 10.09 };

/** Profile "field" (default), calibrated to measured devices [§6.3 table, D]. */
export const FIELD_PROFILE: EnergyProfile = Object.freeze({
  name: 'field',
  pPsmW: 0.015e-3,
  fix: FIELD_FIX,
  fixRx: halve(FIELD_FIX),
  eTx: { CE0: 0.35e-3, CE1: 2.78e-3, CE2: 11.12e-3 },
  eRx: { CE0: 0.058e-3, CE1: 0.461e-3, CE2: 1.843e-3 },
  // [§6.3 latency median / p90, A from S]; CE2 tail to 300 s.
  latency: {
    CE0: { medianS: 1.5, p90S: 4, maxS: 300 },
    CE1: { medianS: 6, p90S: 10, maxS: 300 },
    CE2: { medianS: 9, p90S: 30, maxS: 300 },
  },
});

/** CE0/CE1 scale factors of the 3gpp-ideal profile: field E(84 B) ratios to CE2 [§6.3]. */
const IDEAL_SCALE = { CE0: 0.061, CE1: 0.131, CE2: 1 };
const IDEAL_CE2_FIX = 1.133;
const IDEAL_CE2_ETX = 5.87e-3;
/** Rx at the same airtime as Tx but 90 mW instead of 543 mW [§6.2]. */
const RX_TX_POWER_RATIO = 90 / 543;

const idealFix = {
  CE0: IDEAL_CE2_FIX * IDEAL_SCALE.CE0,
  CE1: IDEAL_CE2_FIX * IDEAL_SCALE.CE1,
  CE2: IDEAL_CE2_FIX,
};
const idealETx = {
  CE0: IDEAL_CE2_ETX * IDEAL_SCALE.CE0,
  CE1: IDEAL_CE2_ETX * IDEAL_SCALE.CE1,
  CE2: IDEAL_CE2_ETX,
};

/** Profile "3gpp-ideal": optimistic bound solved from the TR 45.820 examples [§6.3, D]. */
export const IDEAL_3GPP_PROFILE: EnergyProfile = Object.freeze({
  name: '3gpp-ideal',
  pPsmW: 0.015e-3,
  fix: idealFix,
  fixRx: halve(idealFix),
  eTx: idealETx,
  eRx: {
    CE0: idealETx.CE0 * RX_TX_POWER_RATIO,
    CE1: idealETx.CE1 * RX_TX_POWER_RATIO,
    CE2: idealETx.CE2 * RX_TX_POWER_RATIO,
  },
  // TR 45.820 objective ≤ 10 s at 164 dB [§6.1]; CE0/CE1 figures are our assumption [A].
  latency: {
    CE0: { medianS: 1, p90S: 2, maxS: 10 },
    CE1: { medianS: 3, p90S: 6, maxS: 10 },
    CE2: { medianS: 6, p90S: 10, maxS: 10 },
  },
});

/** Looks up a profile by name. */
export function energyProfile(name: EnergyProfileName): EnergyProfile {
  switch (name) {
    case 'field':
      return FIELD_PROFILE;
    case '3gpp-ideal':
      return IDEAL_3GPP_PROFILE;
  }
}

/** SGT1 overhead with suite 0x01 (17-byte header + 16-byte tag) [SGT1-1.2]. */
export const SGT1_OVERHEAD_BYTES = 33;
/** UDP/IPv4 header bytes; ~4 with Non-IP delivery or ROHC [§6.5, A]. */
export const UDP_IPV4_OVERHEAD_BYTES = 28;
/** Default per-frame overhead added to the application bytes [§6.5]. */
export const DEFAULT_FRAME_OVERHEAD_BYTES = SGT1_OVERHEAD_BYTES + UDP_IPV4_OVERHEAD_BYTES;

/** Uplink energy of one packet of `bytes` bytes (overhead already included by the caller) [§6.2]. */
export function energyTx(p: EnergyProfile, ce: CoverageClass, bytes: number): number {
  return p.fix[ce] + bytes * p.eTx[ce];
}

/** Downlink energy of one network-initiated packet [§6.2]. */
export function energyRx(p: EnergyProfile, ce: CoverageClass, bytes: number): number {
  return p.fixRx[ce] + bytes * p.eRx[ce];
}

/** Seconds per day, for the PSM floor. */
const DAY_S = 86_400;
/** Mean days per year used by the §6.4 sizing table (reproduced: 10 y = 3652.5 days). */
export const DAYS_PER_YEAR = 365.25;
/** The 3GPP evaluation battery: 5 Wh [§6.1, TR 45.820 §7.3.6.4]. */
export const BATTERY_5WH_J = 18_000;

/** PSM floor energy per day, joules [§6.3: 0.015 mW → 1.296 J/day]. */
export function psmJoulesPerDay(p: EnergyProfile): number {
  return p.pPsmW * DAY_S;
}

/** How a terminal uploads its 15-minute records [§6.4]. */
export type BatchStrategy = 'each' | '4x-day' | '1x-day';
export const BATCH_STRATEGIES: readonly BatchStrategy[] = ['each', '4x-day', '1x-day'];

/** Frames per day for a strategy given the number of records per day. */
export function framesPerDay(strategy: BatchStrategy, recordsPerDay: number): number {
  switch (strategy) {
    case 'each':
      return recordsPerDay;
    case '4x-day':
      return Math.min(4, recordsPerDay);
    case '1x-day':
      return Math.min(1, recordsPerDay);
  }
}

/** A reporting configuration whose daily energy and lifetime we want. */
export interface TrafficConfig {
  readonly profile: EnergyProfile;
  readonly ce: CoverageClass;
  readonly strategy: BatchStrategy;
  readonly recordsPerDay: number;
  /** Application bytes per record (§6.4 example: 20 B). */
  readonly recordBytes: number;
  /** Bytes added per frame (SGT1 + UDP/IP); §6.4 counts none, the simulator defaults to 61. */
  readonly overheadBytes: number;
  /** Downlink packets per day (acks, commands), default 0. */
  readonly downlinkPerDay?: number;
  readonly downlinkBytes?: number;
}

/** Traffic (tx + rx) energy per day, joules, without the PSM floor [§6.2]. */
export function trafficJoulesPerDay(c: TrafficConfig): number {
  const frames = framesPerDay(c.strategy, c.recordsPerDay);
  if (frames === 0) return 0;
  const bytesPerFrame = (c.recordsPerDay / frames) * c.recordBytes + c.overheadBytes;
  const tx = frames * energyTx(c.profile, c.ce, bytesPerFrame);
  const rx = (c.downlinkPerDay ?? 0) * energyRx(c.profile, c.ce, c.downlinkBytes ?? 0);
  return tx + rx;
}

/** Daily energy, lifetime on a battery and the battery needed for a target lifetime [§6.4]. */
export interface LifetimeEstimate {
  readonly trafficJPerDay: number;
  readonly psmJPerDay: number;
  readonly totalJPerDay: number;
  readonly lifetimeYears: number;
  /** Battery energy needed for `targetYears`, watt-hours. */
  readonly requiredWh: number;
  /** Same at `cellVolts`, milliamp-hours. */
  readonly requiredMah: number;
}

export interface LifetimeOptions {
  /** @default 18000 J (5 Wh) */
  readonly batteryJ?: number;
  /** @default 10 */
  readonly targetYears?: number;
  /** @default 3.6 (Li-SOCl2 primary cell) */
  readonly cellVolts?: number;
}

/** Lifetime estimate of a configuration; reproduces the §6.4 sizing table. */
export function estimateLifetime(c: TrafficConfig, o: LifetimeOptions = {}): LifetimeEstimate {
  const batteryJ = o.batteryJ ?? BATTERY_5WH_J;
  const years = o.targetYears ?? 10;
  const traffic = trafficJoulesPerDay(c);
  const psm = psmJoulesPerDay(c.profile);
  const total = traffic + psm;
  const requiredWh = (total * years * DAYS_PER_YEAR) / 3600;
  return {
    trafficJPerDay: traffic,
    psmJPerDay: psm,
    totalJPerDay: total,
    lifetimeYears: batteryJ / total / DAYS_PER_YEAR,
    requiredWh,
    requiredMah: (requiredWh / (o.cellVolts ?? 3.6)) * 1000,
  };
}

/** The CE class for a reference signal received power [§6.1: −90 / −110 / −130 dBm]. */
export function coverageFromRsrp(rsrpDbm: number): CoverageClass {
  if (rsrpDbm >= -90) return 'CE0';
  if (rsrpDbm >= -110) return 'CE1';
  return 'CE2';
}

/** z-score of the 90th percentile of the standard normal. */
const Z90 = 1.2815515655446004;

/**
 * Draws an uplink latency in seconds: log-normal with the profile's median and p90, capped at the
 * tail maximum [§6.3: field CE2 tail to 300 s].
 */
export function sampleLatencyS(p: EnergyProfile, ce: CoverageClass, rnd: Random): number {
  const l = p.latency[ce];
  const sigma = Math.log(l.p90S / l.medianS) / Z90;
  return Math.min(l.maxS, l.medianS * Math.exp(sigma * rnd.normal()));
}
