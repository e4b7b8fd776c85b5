// Anti-replay counter window [SGT1-1.2 receiver rules], modelled on RFC 4303 §3.4.3: pure and serialisable.
import type { ReplayState } from '../model/index.ts';
import { ProtocolError } from './errors.ts';

/** Replay state of one key (the model's): highest accepted counter and the 64-bit bitmap. Immutable. */
export type { ReplayState };

/**
 * Where replay windows live; a `Map<string, ReplayState>` is one. Ids are `replayId(header)` for SGT1
 * and `dlmsCounterId(title, keySet)` for DLMS; a persistent store saves the states it is given.
 */
export interface ReplayStore {
  get(id: string): ReplayState | undefined;
  set(id: string, state: ReplayState): unknown;
}

/** SGT1 window size in counters [SGT1-1.2]. */
export const SGT1_WINDOW = 64;
/** DLMS: the invocation counter must strictly increase [SGT1-1.4]. */
export const DLMS_WINDOW = 0;
const MAX_COUNTER = 0xffffffff;

/** The state of a key that has accepted nothing yet. */
export const EMPTY_REPLAY_STATE: ReplayState = Object.freeze({ highest: -1, bitmap: 0n });

/** Width of the bitmap for a window size (at least 1 bit, so window 0 still records `highest`). */
function bits(window: number): number {
  return Math.min(Math.max(window, 1), 64);
}

function mask(window: number): bigint {
  return BigInt.asUintN(bits(window), -1n);
}

/** `BigInt(i)` for 0..64, built once: no BigInt conversion per frame on the hot path. */
const SHIFT: readonly bigint[] = Object.freeze(Array.from({ length: 65 }, (_, i) => BigInt(i)));

const FULL_64 = BigInt.asUintN(64, -1n);

/** Result of {@link checkCounter}: may this counter be opened? */
export type CounterCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'REPLAY'; readonly detail: string };

const COUNTER_OK: CounterCheck = Object.freeze({ ok: true });

/**
 * Checks a counter against the window without changing anything [SGT1-1.2 rule 3]. Accept when
 * `fc > highest`, or `highest − window < fc ≤ highest` and its bit is clear.
 * @example
 * if (checkCounter(state, fc, SGT1_WINDOW).ok && aeadOpened) state = commitCounter(state, fc, SGT1_WINDOW);
 */
export function checkCounter(state: ReplayState, counter: number, window: number): CounterCheck {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    return { ok: false, reason: 'REPLAY', detail: `counter ${counter} out of range` };
  }
  if (counter > state.highest) return COUNTER_OK;
  const age = state.highest - counter;
  if (age >= window)
    return { ok: false, reason: 'REPLAY', detail: `counter ${counter} older than the window` };
  if (((state.bitmap >> (SHIFT[age] ?? BigInt(age))) & 1n) !== 0n)
    return { ok: false, reason: 'REPLAY', detail: `counter ${counter} seen` };
  return COUNTER_OK;
}

/**
 * Records an accepted counter [SGT1-1.2 rule 4]: call only after the AEAD open succeeded and
 * {@link checkCounter} said ok. Returns the new state (the old one is untouched).
 */
export function commitCounter(state: ReplayState, counter: number, window: number): ReplayState {
  if (counter > state.highest) {
    const shift = state.highest < 0 ? 64 : counter - state.highest;
    // The steady state of an in-order sender (every counter of the window seen) stays full: no BigInt op.
    if (shift === 1 && window >= 64 && state.bitmap === FULL_64) return { highest: counter, bitmap: FULL_64 };
    const bitmap = shift >= 64 ? 1n : BigInt.asUintN(bits(window), (state.bitmap << SHIFT[shift]!) | 1n);
    return { highest: counter, bitmap };
  }
  return { highest: state.highest, bitmap: state.bitmap | (1n << BigInt(state.highest - counter)) };
}

/** Check and commit in one step: the new state, or undefined when the counter is a replay. */
export function acceptCounter(state: ReplayState, counter: number, window: number): ReplayState | undefined {
  return checkCounter(state, counter, window).ok ? commitCounter(state, counter, window) : undefined;
}

/**
 * State to resume from when only `highest` was persisted: everything at or below it counts as seen
 * (safe after a restart: only counters above `highest` are accepted) [SGT1-1.2].
 */
export function replayStateFromHighest(highest: number): ReplayState {
  return { highest, bitmap: highest < 0 ? 0n : mask(SGT1_WINDOW) };
}

/** JSON form of a replay state: `{ highest, bitmap: 16 hex digits }`. */
export interface ReplayStateJson {
  readonly highest: number;
  readonly bitmap: string;
}

export function replayStateToJson(s: ReplayState): ReplayStateJson {
  return { highest: s.highest, bitmap: s.bitmap.toString(16).padStart(16, '0') };
}

function corrupt(what: string): ProtocolError {
  return new ProtocolError('GT_ERR_PROTOCOL_BAD_REPLAY_STATE', `persisted replay state is invalid: ${what}`, {
    hint: 'the store holds a corrupt window; resume with replayStateFromHighest(highest) or reset the key',
  });
}

/** Parses the JSON form; throws ProtocolError GT_ERR_PROTOCOL_BAD_REPLAY_STATE when it is corrupt. */
export function replayStateFromJson(v: unknown): ReplayState {
  if (typeof v !== 'object' || v === null) throw corrupt('not an object');
  const { highest, bitmap } = v as Record<string, unknown>;
  if (typeof highest !== 'number' || !Number.isInteger(highest) || highest < -1 || highest > MAX_COUNTER) {
    throw corrupt('highest');
  }
  if (typeof bitmap !== 'string' || !/^[0-9a-f]{16}$/.test(bitmap)) throw corrupt('bitmap');
  return { highest, bitmap: BigInt(`0x${bitmap}`) };
}

/** 13-byte form: `seen(1) ‖ highest(4, BE) ‖ bitmap(8, BE)`. */
export function replayStateToBytes(s: ReplayState): Buffer {
  const out = Buffer.alloc(13);
  out[0] = s.highest < 0 ? 0 : 1;
  out.writeUInt32BE(Math.max(s.highest, 0), 1);
  out.writeBigUInt64BE(s.bitmap, 5);
  return out;
}

/** Parses the 13-byte form; throws ProtocolError GT_ERR_PROTOCOL_BAD_REPLAY_STATE when it is corrupt. */
export function replayStateFromBytes(b: Uint8Array): ReplayState {
  if (b.length !== 13) throw corrupt(`length ${b.length}, expected 13`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf[0] === 0) return EMPTY_REPLAY_STATE;
  if (buf[0] !== 1) throw corrupt('flag byte');
  return { highest: buf.readUInt32BE(1), bitmap: buf.readBigUInt64BE(5) };
}
