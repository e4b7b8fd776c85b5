// A strict deterministic CBOR subset for SUIT [RFC8949-4.2.1]: shortest-form integers and lengths,
// definite lengths only, integer-keyed maps in the order given; the decoder refuses anything else.

/** A CBOR tag. */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}
export type CborValue =
  number | Uint8Array | string | null | boolean | CborValue[] | Map<number, CborValue> | CborTag;

function head(major: number, n: number, out: number[]): void {
  const m = major << 5;
  if (n < 24) out.push(m | n);
  else if (n < 0x100) out.push(m | 24, n);
  else if (n < 0x10000) out.push(m | 25, n >> 8, n & 0xff);
  else if (n < 0x100000000)
    out.push(m | 26, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  else {
    const hi = Math.floor(n / 0x100000000);
    out.push(m | 27, (hi >>> 24) & 0xff, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff);
    const lo = n >>> 0;
    out.push((lo >>> 24) & 0xff, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
  }
}

function enc(v: CborValue, out: number[]): void {
  if (v === null) out.push(0xf6);
  else if (v === true) out.push(0xf5);
  else if (v === false) out.push(0xf4);
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError('only safe integers');
    if (v >= 0) head(0, v, out);
    else head(1, -1 - v, out);
  } else if (v instanceof Uint8Array) {
    head(2, v.length, out);
    for (const b of v) out.push(b);
  } else if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    head(3, b.length, out);
    for (const x of b) out.push(x);
  } else if (Array.isArray(v)) {
    head(4, v.length, out);
    for (const x of v) enc(x, out);
  } else if (v instanceof Map) {
    head(5, v.size, out);
    for (const [k, x] of v) {
      enc(k, out);
      enc(x, out);
    }
  } else {
    head(6, v.tag, out);
    enc(v.value, out);
  }
}

/** Encodes deterministically. */
export function encodeCbor(v: CborValue): Uint8Array {
  const out: number[] = [];
  enc(v, out);
  return Uint8Array.from(out);
}

/** Thrown inside the decoder only; callers get `undefined`. */
class Malformed extends Error {}

function dec(b: Uint8Array, at: { i: number }, depth: number): CborValue {
  if (depth > 16) throw new Malformed('too deep');
  const ib = b[at.i++];
  if (ib === undefined) throw new Malformed('truncated');
  const major = ib >> 5;
  const ai = ib & 0x1f;
  if (major === 7) {
    if (ib === 0xf6) return null;
    if (ib === 0xf5) return true;
    if (ib === 0xf4) return false;
    throw new Malformed('unsupported simple value');
  }
  const n = arg(b, at, ai);
  switch (major) {
    case 0:
      return n;
    case 1:
      return -1 - n;
    case 2:
    case 3: {
      if (at.i + n > b.length) throw new Malformed('truncated string');
      const s = b.subarray(at.i, at.i + n);
      at.i += n;
      return major === 2 ? s : Buffer.from(s).toString('utf8');
    }
    case 4:
      if (n > b.length) throw new Malformed('array longer than input');
      return Array.from({ length: n }, () => dec(b, at, depth + 1));
    case 5: {
      if (n > b.length) throw new Malformed('map longer than input');
      const m = new Map<number, CborValue>();
      for (let k = 0; k < n; k++) {
        const key = dec(b, at, depth + 1);
        if (typeof key !== 'number' || m.has(key)) throw new Malformed('map keys must be unique integers');
        m.set(key, dec(b, at, depth + 1));
      }
      return m;
    }
    default:
      return new CborTag(n, dec(b, at, depth + 1));
  }
}

function arg(b: Uint8Array, at: { i: number }, ai: number): number {
  if (ai < 24) return ai;
  const len = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
  if (len === 0) throw new Malformed('indefinite lengths are not deterministic');
  if (at.i + len > b.length) throw new Malformed('truncated argument');
  let n = 0;
  for (let k = 0; k < len; k++) n = n * 256 + b[at.i + k]!;
  at.i += len;
  const min = len === 1 ? 24 : len === 2 ? 0x100 : len === 4 ? 0x10000 : 0x100000000;
  if (n < min) throw new Malformed('not the shortest form');
  if (!Number.isSafeInteger(n)) throw new Malformed('integer too large');
  return n;
}

/** Decodes exactly one item filling `b`; `undefined` for anything malformed or non-deterministic. */
export function decodeCbor(b: Uint8Array): CborValue | undefined {
  try {
    const at = { i: 0 };
    const v = dec(b, at, 0);
    return at.i === b.length ? v : undefined;
  } catch (e) {
    if (e instanceof Malformed) return undefined;
    throw e;
  }
}
