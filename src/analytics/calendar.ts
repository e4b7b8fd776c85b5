// Calendar helpers: meteorological seasons, day types and England & Wales bank holidays [analytics §1].

/** Meteorological seasons (DJF, MAM, JJA, SON). */
export type Season = 'DJF' | 'MAM' | 'JJA' | 'SON';
export const SEASONS: readonly Season[] = ['DJF', 'MAM', 'JJA', 'SON'];

/** Weekday, Saturday, or Sunday/public holiday. */
export type DayType = 'weekday' | 'saturday' | 'sunday-holiday';
export const DAY_TYPES: readonly DayType[] = ['weekday', 'saturday', 'sunday-holiday'];

const DAY_MS = 86_400_000;

/** The season of a month (0 = January). */
export function seasonOfMonth(month: number): Season {
  if (month === 11 || month <= 1) return 'DJF';
  if (month <= 4) return 'MAM';
  if (month <= 7) return 'JJA';
  return 'SON';
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm) as a day number since the epoch. */
function easterDay(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** First Monday on or after the given date, or last Monday of a month (as day numbers). */
function firstMonday(year: number, month: number): number {
  const d0 = Date.UTC(year, month, 1) / DAY_MS;
  return d0 + ((8 - new Date(d0 * DAY_MS).getUTCDay()) % 7);
}

function lastMonday(year: number, month: number): number {
  const last = Date.UTC(year, month + 1, 0) / DAY_MS;
  return last - ((new Date(last * DAY_MS).getUTCDay() + 6) % 7);
}

/** Moves a fixed-date holiday falling on a weekend to the next free weekday (substitute day). */
function substitute(day: number, taken: Set<number>): number {
  let d = day;
  while ([0, 6].includes(new Date(d * DAY_MS).getUTCDay()) || taken.has(d)) d++;
  return d;
}

/**
 * England & Wales bank holidays of a year as day numbers (days since 1970-01-01), by the standing
 * rules (special one-off holidays such as jubilees are not included).
 */
export function englandBankHolidays(year: number): Set<number> {
  const easter = easterDay(year);
  const out = new Set<number>([
    easter - 2,
    easter + 1,
    firstMonday(year, 4),
    lastMonday(year, 4),
    lastMonday(year, 7),
  ]);
  out.add(substitute(Date.UTC(year, 0, 1) / DAY_MS, out));
  const xmas = substitute(Date.UTC(year, 11, 25) / DAY_MS, out);
  out.add(xmas);
  out.add(substitute(Math.max(xmas + 1, Date.UTC(year, 11, 26) / DAY_MS), out));
  return out;
}

/** A calendar that classifies day numbers; holidays are cached per year. */
export interface DayCalendar {
  season(day: number): Season;
  dayType(day: number): DayType;
  month(day: number): number;
}

/** Creates a calendar using England & Wales bank holidays (the region of the LCL data). */
export function createDayCalendar(): DayCalendar {
  const cache = new Map<number, Set<number>>();
  const holidays = (year: number): Set<number> => {
    const h = cache.get(year) ?? englandBankHolidays(year);
    cache.set(year, h);
    return h;
  };
  return {
    month: (day) => new Date(day * DAY_MS).getUTCMonth(),
    season: (day) => seasonOfMonth(new Date(day * DAY_MS).getUTCMonth()),
    dayType: (day) => {
      const date = new Date(day * DAY_MS);
      const dow = date.getUTCDay();
      if (dow === 0 || holidays(date.getUTCFullYear()).has(day)) return 'sunday-holiday';
      return dow === 6 ? 'saturday' : 'weekday';
    },
  };
}
