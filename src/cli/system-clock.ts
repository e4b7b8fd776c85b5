// The real clock, built only by cli/platform and passed into the domain.
import type { Clock, UnixMillis } from '../core/index.ts';

export function createSystemClock(): Clock {
  return { now: () => Date.now() as UnixMillis, monotonic: () => performance.now() };
}
