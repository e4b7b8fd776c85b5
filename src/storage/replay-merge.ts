// Merging two replay-window states of one key: the union of the counters both accepted [SGT1-1.2].

import type { ReplayState } from './types.ts';

/** Window width of the SGT1 receiver (spec §1.2: a 64-bit bitmap). */
export const REPLAY_WINDOW_BITS = 64n;
const MASK = (1n << REPLAY_WINDOW_BITS) - 1n;

/**
 * The union of two windows: highest = max, and each bitmap re-based on it (bit i = counter H − i).
 * Commutative, associative and idempotent, so concurrent or re-ordered commits never move a window
 * backwards — a crash or a retried batch can only make the window stricter, never reopen a counter.
 */
export function mergeReplayStates(a: ReplayState, b: ReplayState): ReplayState {
  const highest = Math.max(a.highest, b.highest);
  const shift = (s: ReplayState): bigint => {
    const d = BigInt(highest - s.highest);
    return d >= REPLAY_WINDOW_BITS ? 0n : (s.bitmap << d) & MASK;
  };
  return { highest, bitmap: shift(a) | shift(b) };
}

/** Bitmap as 16 lower-case hex digits (how adapters store it: a 64-bit unsigned value is not an int64). */
export function bitmapToHex(bitmap: bigint): string {
  return (bitmap & MASK).toString(16).padStart(16, '0');
}

export function bitmapFromHex(text: string): bigint {
  return BigInt(`0x${text}`) & MASK;
}
