// Merging two replay-window states of one key: the union of the counters both accepted [SGT1-1.2].

import type { ReadingInput, ReplayState, ReplayUpdate } from './types.ts';

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
  return { highest, bitmap: rebased(a, highest) | rebased(b, highest) };
}

/** The bitmap of `s` as seen from a highest counter `highest` ≥ s.highest (bits shifted out dropped). */
function rebased(s: ReplayState, highest: number): bigint {
  const d = highest - s.highest;
  return d >= 64 ? 0n : d === 0 ? s.bitmap : (s.bitmap << BigInt(d)) & MASK;
}

/** True when every counter `b` accepted (within a's window) is accepted in `a` too: merge(a, b) = a. */
export function coversReplayState(a: ReplayState, b: ReplayState): boolean {
  return b.highest <= a.highest && (rebased(b, a.highest) & ~a.bitmap) === 0n;
}

/** Bitmap as 16 lower-case hex digits (how adapters store it: a 64-bit unsigned value is not an int64). */
export function bitmapToHex(bitmap: bigint): string {
  return (bitmap & MASK).toString(16).padStart(16, '0');
}

export function bitmapFromHex(text: string): bigint {
  return BigInt(`0x${text}`) & MASK;
}

/** `s` (undefined: no counter yet) with the counters `fcs` accepted too. */
export function addCounters(s: ReplayState | undefined, fcs: Iterable<number>): ReplayState {
  let highest = s?.highest ?? -1;
  for (const fc of fcs) if (fc > highest) highest = fc;
  let bitmap = s === undefined ? 0n : rebased(s, highest);
  for (const fc of fcs) if (highest - fc < 64) bitmap |= 1n << BigInt(highest - fc);
  return { highest, bitmap };
}

/** The window updates a batch's readings imply: each accepts its own counter (ADR 0009). */
export function readingUpdates(readings: readonly ReadingInput[] | undefined): ReplayUpdate[] {
  return (readings ?? []).map((r) => ({
    terminal: r.terminal,
    purpose: r.purpose,
    dir: 0,
    version: r.keyVersion,
    state: { highest: r.fc, bitmap: 1n },
  }));
}
