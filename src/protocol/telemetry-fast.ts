// Fast path of the telemetry CBOR decoder [SGT1-7.3]: the common record shape only; anything else → undefined.
//
// Accepts exactly a subset of what `decodeTelemetry` (cbor-x + shape checks) accepts and returns the
// same record for it: a definite map with unique unsigned keys 1..9 (integers with ≤ 4-byte
// arguments), 20 (≤ 1024 rows of 7 such integers) and 30 (a map of ASCII OBIS codes to integers),
// `t` present and ≥ 0, no trailing bytes. Any other input (floats, tags, long arguments, indefinite
// lengths, duplicate keys, bad shapes) gives undefined, and the caller runs the general decoder,
// which produces the value or the precise rejection reason.

/** Cursor over the payload. */
interface Cursor {
  readonly b: Uint8Array;
  pos: number;
}

/** Reads a head of `major`: its argument (≤ 4 bytes), or -1 when it is anything else. */
function head(c: Cursor, major: number): number {
  const p = c.pos;
  const ib = c.b[p];
  if (ib === undefined || ib >> 5 !== major) return -1;
  const info = ib & 0x1f;
  if (info < 24) {
    // The common case (small keys, lengths and values) kept short so it inlines at every call site.
    c.pos = p + 1;
    return info;
  }
  return longHead(c, p, info);
}

/** The 1-, 2- and 4-byte arguments of a head at `p` (info 24, 25, 26), or -1. */
function longHead(c: Cursor, p: number, info: number): number {
  const b = c.b;
  if (info === 24 && p + 1 < b.length) {
    c.pos = p + 2;
    return b[p + 1]!;
  }
  if (info === 25 && p + 2 < b.length) {
    c.pos = p + 3;
    return (b[p + 1]! << 8) | b[p + 2]!;
  }
  if (info === 26 && p + 4 < b.length) {
    c.pos = p + 5;
    return ((b[p + 1]! << 24) >>> 0) + (b[p + 2]! << 16) + (b[p + 3]! << 8) + b[p + 4]!;
  }
  return -1;
}

/** An integer (major 0 or 1, ≤ 4-byte argument), or undefined. */
function int(c: Cursor): number | undefined {
  const ib = c.b[c.pos];
  if (ib === undefined || ib >> 6 !== 0) return undefined;
  const negative = ib >> 5 === 1;
  const n = head(c, negative ? 1 : 0);
  if (n < 0) return undefined;
  return negative ? -1 - n : n;
}

/** One profile row: exactly 7 integers, built as one packed array literal; or undefined. */
function row(c: Cursor): number[] | undefined {
  if (head(c, 4) !== 7) return undefined;
  const t = int(c);
  const u = int(c);
  const i = int(c);
  const p = int(c);
  const q = int(c);
  const pf = int(c);
  const f = int(c);
  // A failed read leaves the cursor in place, so later reads fail too: checking the last one is not enough.
  if (t === undefined || u === undefined || i === undefined || p === undefined) return undefined;
  if (q === undefined || pf === undefined || f === undefined) return undefined;
  return [t, u, i, p, q, pf, f];
}

/** Key 20: an array of ≤ 1024 rows of 7 integers, or undefined. */
function profile(c: Cursor): number[][] | undefined {
  const n = head(c, 4);
  if (n < 0 || n > 1024) return undefined;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r = row(c);
    if (r === undefined) return undefined;
    rows.push(r);
  }
  return rows;
}

/** An ASCII text string, or undefined. */
function ascii(c: Cursor): string | undefined {
  const n = head(c, 3);
  const p = c.pos;
  if (n < 0 || p + n > c.b.length) return undefined;
  for (let i = p; i < p + n; i++) if (c.b[i]! >= 0x80) return undefined;
  c.pos = p + n;
  // One flat string from the bytes (ASCII checked above), not one concatenation per character.
  return String.fromCharCode.apply(null, c.b.subarray(p, p + n) as unknown as number[]);
}

/** Key 30: OBIS code → integer, codes checked with `obisRe`, or undefined. */
function obis(c: Cursor, obisRe: RegExp): Record<string, number> | undefined {
  const n = head(c, 5);
  if (n < 0) return undefined;
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const code = ascii(c);
    if (code === undefined || !obisRe.test(code)) return undefined;
    const v = int(c);
    if (v === undefined) return undefined;
    out[code] = v;
  }
  return out;
}

/** A record under construction; fields in the order their keys arrive, as the general decoder does. */
type Rec = Record<string, unknown>;

/**
 * Stores a value under the name of its key [SGT1-7.3] with named (not keyed) stores, so records share
 * hidden classes. Names must match TELEMETRY_KEYS (the differential test checks it).
 */
function put(rec: Rec, key: number, v: unknown): void {
  switch (key) {
    case 1:
      rec.t = v;
      break;
    case 2:
      rec.voltage = v;
      break;
    case 3:
      rec.current = v;
      break;
    case 4:
      rec.activePower = v;
      break;
    case 5:
      rec.reactivePower = v;
      break;
    case 6:
      rec.powerFactor = v;
      break;
    case 7:
      rec.frequency = v;
      break;
    case 8:
      rec.energyImport = v;
      break;
    case 9:
      rec.energyExport = v;
      break;
    case 20:
      rec.profile = v;
      break;
    default:
      rec.obis = v;
  }
}

/** One map entry into `rec`; false when the entry leaves the fast-path subset. */
function entry(c: Cursor, rec: Rec, key: number, obisRe: RegExp): boolean {
  const v = key <= 9 ? int(c) : key === 20 ? profile(c) : obis(c, obisRe);
  if (v === undefined) return false;
  put(rec, key, v);
  return true;
}

/** What the fast path shares with the general decoder: the OBIS code pattern. */
export interface FastContext {
  readonly obisRe: RegExp;
}

/**
 * Decodes a telemetry record of the common shape [SGT1-7.3], or returns undefined when the payload is
 * outside the subset described above (the caller then runs the general decoder). Never throws.
 */
export function decodeTelemetryFast(payload: Uint8Array, ctx: FastContext): object | undefined {
  const c: Cursor = { b: payload, pos: 0 };
  const n = head(c, 5);
  if (n < 0) return undefined;
  const rec: Rec = {};
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const key = head(c, 0);
    const bit = key >= 1 && key <= 9 ? 1 << key : key === 20 ? 1 << 10 : key === 30 ? 1 << 11 : 0;
    if (bit === 0 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    if (!entry(c, rec, key, ctx.obisRe)) return undefined;
  }
  if (c.pos !== payload.length || (seen & 2) === 0 || (rec.t as number) < 0) return undefined;
  return rec;
}
