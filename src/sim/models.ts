// Physical models of the end devices: PV daylight + weather, EV sessions, storage dispatch, socket appliance.
import type { Random } from '../core/index.ts';

const DEG = Math.PI / 180;
const DAY_MS = 86_400_000;

/** Site latitude/longitude: London, where the LCL households are [data/README]. */
export const DEFAULT_SITE = { latDeg: 51.5, lonDeg: -0.1 } as const;

/**
 * Sine of the solar elevation at UTC time `tMs` (negative at night): declination by day of year
 * (Cooper 1969), hour angle from UTC + longitude (equation of time ignored, ≤ 16 min) [A].
 */
export function solarElevationSin(
  tMs: number,
  site: { latDeg: number; lonDeg: number } = DEFAULT_SITE,
): number {
  const day = Math.floor(tMs / DAY_MS);
  const yearStart = Date.UTC(new Date(tMs).getUTCFullYear(), 0, 1) / DAY_MS;
  const doy = day - yearStart + 1;
  const decl = 23.45 * DEG * Math.sin((2 * Math.PI * (284 + doy)) / 365);
  const hours = (tMs - day * DAY_MS) / 3_600_000 + site.lonDeg / 15;
  const hourAngle = (hours - 12) * 15 * DEG;
  const lat = site.latDeg * DEG;
  return Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
}

/** Clear-sky fraction of peak PV output: sin(elevation)^1.2, 0 at night [A; air-mass shaped]. */
export function clearSkyFraction(sinElev: number): number {
  return sinElev <= 0 ? 0 : Math.pow(sinElev, 1.2);
}

/**
 * A day's cloudiness factor in [0.1, 1]: a mixture of clear (40 %), broken (35 %) and overcast
 * (25 %) days, roughly the UK sunshine climatology [A].
 */
export function drawDayClearness(rnd: Random): number {
  const u = rnd.next();
  if (u < 0.4) return rnd.uniform(0.85, 1);
  if (u < 0.75) return rnd.uniform(0.45, 0.85);
  return rnd.uniform(0.1, 0.45);
}

/** EV charger parameters [A: typical 7.4 kW single-phase home wallbox]. */
export const EV = {
  chargerW: 7400,
  /** Probability that the car plugs in on a given day. */
  sessionProbability: 0.55,
  /** Arrival time of day, hours (normal). */
  arrivalMeanH: 18.5,
  arrivalSdH: 1.5,
  /** Energy to deliver per session, Wh (uniform). */
  minWh: 4000,
  maxWh: 30000,
} as const;

/** A charging session drawn for one day: arrival minute of day (−1 = none) and energy need. */
export function drawEvSession(rnd: Random): { arrivalMin: number; needWh: number } {
  if (rnd.next() >= EV.sessionProbability) return { arrivalMin: -1, needWh: 0 };
  const h = Math.min(23.75, Math.max(0, rnd.normal(EV.arrivalMeanH, EV.arrivalSdH)));
  return { arrivalMin: Math.floor(h * 60), needWh: rnd.uniform(EV.minWh, EV.maxWh) };
}

/** Home battery parameters [A: 10 kWh / 5 kW, 10–95 % usable window, 95 % one-way efficiency]. */
export const STORAGE = {
  capacityWh: 10_000,
  maxW: 5000,
  minSoc: 0.1,
  maxSoc: 0.95,
  efficiency: 0.95,
} as const;

/**
 * Self-consumption dispatch: charge from surplus PV, discharge into the home's deficit, within
 * the power and state-of-charge limits. Returns the battery's AC power (+ charging, − discharging).
 */
export function dispatchStorage(netLoadW: number, socWh: number, stepH: number): number {
  if (netLoadW < 0) {
    const room = (STORAGE.maxSoc * STORAGE.capacityWh - socWh) / STORAGE.efficiency / stepH;
    return Math.max(0, Math.min(-netLoadW, STORAGE.maxW, room));
  }
  const avail = ((socWh - STORAGE.minSoc * STORAGE.capacityWh) * STORAGE.efficiency) / stepH;
  return -Math.max(0, Math.min(netLoadW, STORAGE.maxW, avail));
}

/** Smart-socket appliance: Markov on/off per 15 min [A], rated power drawn per socket. */
export const SOCKET = { pOn: 0.15, pOff: 0.35, minW: 40, maxW: 2200 } as const;
