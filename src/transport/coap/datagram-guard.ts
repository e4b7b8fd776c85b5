// A check of every CoAP datagram before node-coap parses it [RFC7252-3]: size, option framing, block numbers.

/** What the guard allows. */
export interface DatagramLimits {
  /** Largest datagram in bytes (header, token, options and payload). */
  maxDatagramBytes: number;
  /** Largest Block1/Block2 number [RFC7959-2.2]; a larger one is refused before node-coap buffers it. */
  maxBlockNumber: number;
  /** A block must start below this byte offset (NUM × block size): bounds one transfer's buffer. */
  maxBlockBytes: number;
  /** Most options in one message. @default 32 */
  maxOptions?: number;
}

/** Why a datagram was dropped (counted as `coap` transport events). */
export type DatagramVerdict = 'ok' | 'oversize' | 'malformed' | 'block_limit';

const OPTION_BLOCK2 = 23;
const OPTION_BLOCK1 = 27;

/** Reads an extended option delta/length nibble [RFC7252-3.1]; -1 when truncated or reserved (15). */
function extended(b: Uint8Array, at: { p: number }, nibble: number): number {
  if (nibble < 13) return nibble;
  if (nibble === 13) return at.p < b.length ? 13 + b[at.p++]! : -1;
  if (nibble === 14) {
    if (at.p + 1 >= b.length) return -1;
    const v = 269 + ((b[at.p]! << 8) | b[at.p + 1]!);
    at.p += 2;
    return v;
  }
  return -1;
}

/**
 * The byte offset a block option names (NUM × 2^(SZX+4); value 0–3 bytes, NUM = value >> 4, SZX 7
 * reserved) [RFC7959-2.2], or -1 when malformed; `num` gets NUM.
 */
function blockOffset(b: Uint8Array, from: number, len: number, out: { num: number }): number {
  if (len > 3) return -1;
  let v = 0;
  for (let i = 0; i < len; i++) v = (v << 8) | b[from + i]!;
  if ((v & 7) === 7) return -1;
  out.num = v >> 4;
  return out.num * (16 << (v & 7));
}

/** Walks the options of one message; 'ok' when they are well framed and within the limits. */
function checkOptions(b: Uint8Array, start: number, lim: DatagramLimits): DatagramVerdict {
  const at = { p: start };
  let number = 0;
  let count = 0;
  const maxOptions = lim.maxOptions ?? 32;
  while (at.p < b.length) {
    const first = b[at.p++]!;
    if (first === 0xff) return at.p < b.length ? 'ok' : 'malformed'; // payload marker, payload follows
    const delta = extended(b, at, first >> 4);
    const len = extended(b, at, first & 0x0f);
    if (delta < 0 || len < 0 || at.p + len > b.length || ++count > maxOptions) return 'malformed';
    number += delta;
    if (number === OPTION_BLOCK1 || number === OPTION_BLOCK2) {
      const block = { num: 0 };
      const offset = blockOffset(b, at.p, len, block);
      if (offset < 0) return 'malformed';
      if (block.num > lim.maxBlockNumber || offset >= lim.maxBlockBytes) return 'block_limit';
    }
    at.p += len;
  }
  return 'ok';
}

/**
 * Checks one datagram: version 1, token length ≤ 8, well-framed options, block numbers in bounds,
 * size within the limit. Anything else is dropped before node-coap allocates for it (a Block1 number
 * of 2^20−1 made it allocate 1 GiB).
 */
export function checkDatagram(b: Uint8Array, lim: DatagramLimits): DatagramVerdict {
  if (b.length > lim.maxDatagramBytes) return 'oversize';
  if (b.length < 4 || b[0]! >> 6 !== 1) return 'malformed';
  const tkl = b[0]! & 0x0f;
  if (tkl > 8 || 4 + tkl > b.length) return 'malformed';
  return checkOptions(b, 4 + tkl, lim);
}
