// A-XDR / BER length fields used by DLMS ciphered APDUs [DLMS-GB-9.3]: short form and long form 0x81–0x84.

/** A decoded length and the offset just after it, or undefined when the field is cut short or invalid. */
export interface AxdrLength {
  readonly length: number;
  readonly next: number;
}

/**
 * Reads a length at `offset`: `< 0x80` is the length itself; `0x8n` is followed by n (1..4) big-endian
 * length bytes. `0x80` (indefinite) and `0x85+` are invalid. Never throws.
 */
export function readAxdrLength(buf: Uint8Array, offset: number): AxdrLength | undefined {
  if (offset >= buf.length) return undefined;
  const first = buf[offset]!;
  if (first < 0x80) return { length: first, next: offset + 1 };
  const n = first & 0x7f;
  if (n < 1 || n > 4 || offset + 1 + n > buf.length) return undefined;
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + buf[offset + i]!;
  return { length, next: offset + 1 + n };
}

/** Encodes a length in the shortest form (short form below 128, else 0x81/0x82/0x83/0x84). */
export function encodeAxdrLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
