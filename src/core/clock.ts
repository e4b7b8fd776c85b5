// Clock: the only way domain code learns the time (injected; never Date.now() in the domain).
import type { UnixMillis } from './brand.ts';

/** A source of time. Domain code receives one; only `platform` and `cli` build the system clock. */
export interface Clock {
  /** Wall-clock time in milliseconds since the Unix epoch. */
  now(): UnixMillis;
  /** Monotonic time in milliseconds (arbitrary origin), for durations and rates. */
  monotonic(): number;
}

/**
 * A manually advanced clock for simulations and tests.
 * @example
 * const clock = createManualClock(0 as UnixMillis); clock.advance(1000);
 */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(at: UnixMillis): void;
}

export function createManualClock(start: UnixMillis): ManualClock {
  let t: number = start;
  return {
    now: () => t as UnixMillis,
    monotonic: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (at) => {
      t = at;
    },
  };
}
