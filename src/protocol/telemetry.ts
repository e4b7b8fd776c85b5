// Telemetry record (ctype 0x01) [SGT1-7.3]: CBOR map with integer keys via cbor-x, shape validated on decode.
import { Decoder, Encoder } from 'cbor-x';
import { ProtocolError } from './errors.ts';
import { decodeTelemetryFast, type FastContext } from './telemetry-fast.ts';

/** One batched profile row `[t, U, I, P, Q, PF, f]` in the scaled units of {@link Telemetry}. */
export type ProfileRow = readonly [number, number, number, number, number, number, number];

/**
 * A telemetry record. Values are scaled integers (DLMS register scaler convention) [SGT1-7.3].
 * @example
 * const rec: Telemetry = { t: 1700000000, voltage: 2301, current: 512 }; // 230.1 V, 5.12 A
 */
export interface Telemetry {
  /** key 1: measurement time, Unix seconds. */
  readonly t: number;
  /** key 2: U_L1 in 0.1 V. */
  readonly voltage?: number;
  /** key 3: I_L1 in 0.01 A. */
  readonly current?: number;
  /** key 4: active power import in W. */
  readonly activePower?: number;
  /** key 5: reactive power in var. */
  readonly reactivePower?: number;
  /** key 6: power factor in 0.001. */
  readonly powerFactor?: number;
  /** key 7: frequency in 0.01 Hz. */
  readonly frequency?: number;
  /** key 8: imported energy in Wh. */
  readonly energyImport?: number;
  /** key 9: exported energy in Wh. */
  readonly energyExport?: number;
  /** key 20: batched profile rows. */
  readonly profile?: readonly ProfileRow[];
  /** key 30: OBIS code → value escape hatch, e.g. `{ "1-0:32.7.0": 2301 }`. */
  readonly obis?: Readonly<Record<string, number>>;
}

type ScalarName = Exclude<keyof Telemetry, 'profile' | 'obis'>;
/** Integer key of every scalar field [SGT1-7.3]. */
export const TELEMETRY_KEYS: Readonly<Record<ScalarName, number>> = {
  t: 1,
  voltage: 2,
  current: 3,
  activePower: 4,
  reactivePower: 5,
  powerFactor: 6,
  frequency: 7,
  energyImport: 8,
  energyExport: 9,
};
const KEY_PROFILE = 20;
const KEY_OBIS = 30;
const OBIS_RE = /^\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}(\*\d{1,3})?$/;
const MAX_PROFILE_ROWS = 1024;
/** Largest `t` (Unix seconds) whose milliseconds are a safe integer. */
export const MAX_T_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

const encoder = new Encoder({ mapsAsObjects: false, useRecords: false });
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Why a telemetry payload is not a valid record, or undefined when it is. */
export function telemetryProblem(rec: Telemetry): string | undefined {
  for (const [name, key] of Object.entries(TELEMETRY_KEYS)) {
    const v = rec[name as ScalarName];
    if (v === undefined) {
      if (key === 1) return 'key 1 (t) is required';
      continue;
    }
    if (!isSafeInt(v)) return `key ${key} (${name}) must be an integer`;
  }
  if (rec.t < 0) return 'key 1 (t) must be ≥ 0';
  if (rec.profile !== undefined) {
    const problem = profileProblem(rec.profile);
    if (problem !== undefined) return problem;
  }
  if (rec.obis !== undefined) {
    for (const [code, v] of Object.entries(rec.obis)) {
      if (!OBIS_RE.test(code)) return `key 30: "${code.slice(0, 24)}" is not an OBIS code`;
      if (typeof v !== 'number' || !Number.isFinite(v)) return `key 30: value of ${code} must be a number`;
    }
  }
  return undefined;
}

/**
 * Encodes a record as a CBOR map with integer keys in ascending order [SGT1-7.3]. Throws
 * ProtocolError GT_ERR_PROTOCOL_BAD_TELEMETRY on an invalid record.
 * @example
 * encodeTelemetry({ t: 1700000000, voltage: 2301, current: 512 }).toString('hex'); // 'a3011a6553f1…'
 */
export function encodeTelemetry(rec: Telemetry): Buffer {
  const problem = telemetryProblem(rec);
  if (problem !== undefined) {
    throw new ProtocolError('GT_ERR_PROTOCOL_BAD_TELEMETRY', `invalid telemetry record: ${problem}`, {
      hint: 'see the telemetry record table in docs/protocol.md',
    });
  }
  const map = new Map<number, unknown>();
  for (const [name, key] of Object.entries(TELEMETRY_KEYS)) {
    const v = rec[name as ScalarName];
    if (v !== undefined) map.set(key, v);
  }
  if (rec.profile !== undefined) map.set(KEY_PROFILE, rec.profile);
  if (rec.obis !== undefined) map.set(KEY_OBIS, new Map(Object.entries(rec.obis)));
  return encoder.encode(map);
}

/** Result of {@link decodeTelemetry}. */
export type TelemetryResult =
  | { readonly ok: true; readonly telemetry: Telemetry }
  | { readonly ok: false; readonly reason: 'BAD_PAYLOAD'; readonly detail: string };

function badPayload(detail: string): TelemetryResult {
  return { ok: false, reason: 'BAD_PAYLOAD', detail };
}

const SCALAR_NAMES: readonly (ScalarName | undefined)[] = [
  undefined,
  ...Object.keys(TELEMETRY_KEYS),
] as never;

/** Shared with the fast path, so both decoders agree on OBIS codes. */
const FAST: FastContext = { obisRe: OBIS_RE };

function profileProblem(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length > MAX_PROFILE_ROWS) return 'key 20 must be an array of ≤ 1024 rows';
  for (const row of v as unknown[]) {
    if (!Array.isArray(row) || row.length !== 7 || !row.every(isSafeInt)) return 'key 20 rows are 7 integers';
  }
  return undefined;
}

function obisFromMap(v: unknown): Record<string, number> | string {
  if (!(v instanceof Map)) return 'key 30 must be a map';
  const obis: Record<string, number> = {};
  for (const [code, val] of v as Map<unknown, unknown>) {
    if (typeof code !== 'string' || !OBIS_RE.test(code)) return 'key 30 keys must be OBIS codes';
    if (typeof val !== 'number' || !Number.isFinite(val)) return `key 30: value of ${code} must be a number`;
    obis[code] = val;
  }
  return obis;
}

/** Checks one map entry and stores it in `rec`; returns a problem, or undefined when the entry is fine. */
function takeEntry(rec: Record<string, unknown>, k: unknown, v: unknown): string | undefined {
  if (typeof k !== 'number') return 'keys must be integers';
  const scalar = k >= 1 && k <= 9 ? SCALAR_NAMES[k] : undefined;
  if (scalar !== undefined) {
    if (!isSafeInt(v)) return `key ${k} (${scalar}) must be an integer`;
    rec[scalar] = v;
    return undefined;
  }
  if (k === KEY_PROFILE) {
    rec.profile = v;
    return profileProblem(v);
  }
  if (k === KEY_OBIS) {
    const obis = obisFromMap(v);
    if (typeof obis === 'string') return obis;
    rec.obis = obis;
    return undefined;
  }
  return `unknown key ${k}`;
}

/**
 * One pass over the decoded map: known keys only, right value types, `t` present. `forEach` rather
 * than `for…of` spares an entry array per key on the ingest hot path.
 */
function fromMap(map: Map<unknown, unknown>): TelemetryResult {
  const rec: Record<string, unknown> = {};
  let problem: string | undefined;
  map.forEach((v, k) => {
    problem ??= takeEntry(rec, k, v);
  });
  if (problem !== undefined) return badPayload(problem);
  const t = rec.t;
  if (t === undefined || (t as number) < 0) return badPayload('key 1 (t) is required and must be ≥ 0');
  // Stored as integer milliseconds: a `t` whose ms are not a safe integer is refused here, at decode,
  // so it never reaches (and fails) a group commit shared with other terminals' frames (issue #16).
  if ((t as number) > MAX_T_SECONDS) return badPayload(`key 1 (t) must be ≤ ${MAX_T_SECONDS}`);
  return { ok: true, telemetry: rec as unknown as Telemetry };
}

/**
 * Decodes and validates a CBOR telemetry payload. Never throws: malformed CBOR, trailing bytes,
 * unknown keys or wrong value types give `BAD_PAYLOAD`.
 */
export function decodeTelemetry(payload: Uint8Array): TelemetryResult {
  const fast = decodeTelemetryFast(payload, FAST);
  if (fast !== undefined) return { ok: true, telemetry: fast as Telemetry };
  let value: unknown;
  try {
    value = decoder.decode(payload);
  } catch {
    return badPayload('not well-formed CBOR');
  }
  if (!(value instanceof Map)) return badPayload('telemetry must be a CBOR map');
  return fromMap(value as Map<unknown, unknown>);
}
