// The CoAP datagram guard [RFC7252-3, RFC7959-2.2]: framing, block numbers and sizes checked before node-coap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDatagram } from './datagram-guard.ts';

const LIM = { maxDatagramBytes: 1152, maxBlockNumber: 64, maxBlockBytes: 1024 };
/** CON POST, message id 1, token 0xab, Uri-Path "t" (option 11), then `rest`. */
const msg = (...rest: number[]) => Uint8Array.from([0x41, 0x02, 0x00, 0x01, 0xab, 0xb1, 0x74, ...rest]);

describe('checkDatagram', () => {
  it('accepts a well-framed POST with a payload', () => {
    expect(checkDatagram(msg(0xff, 1, 2, 3), LIM)).toBe('ok');
    expect(checkDatagram(msg(), LIM)).toBe('ok');
  });

  it('refuses a bad version, a long token, truncated options and a marker without payload', () => {
    expect(checkDatagram(Uint8Array.from([0x81, 0x02, 0, 1]), LIM)).toBe('malformed');
    expect(checkDatagram(Uint8Array.from([0x49, 0x02, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]), LIM)).toBe(
      'malformed',
    );
    expect(checkDatagram(msg(0x15), LIM)).toBe('malformed'); // option length 5, nothing follows
    expect(checkDatagram(msg(0xff), LIM)).toBe('malformed');
    expect(checkDatagram(msg(0xf1, 0), LIM)).toBe('malformed'); // delta 15 is reserved
  });

  it('refuses Block1 numbers beyond the limit or past maxBlockBytes (the 1 GiB allocation)', () => {
    // Block1 = option 27: delta 16 from 11 → nibble 13 with extension 3.
    const block1 = (...v: number[]) => msg(0xd0 | v.length, 3, ...v, 0xff, 0);
    expect(checkDatagram(block1(0x0e), LIM)).toBe('ok'); // NUM 0, M 1, SZX 6
    expect(checkDatagram(block1(0xff, 0xff, 0xfe), LIM)).toBe('block_limit'); // NUM 2^20-1
    expect(checkDatagram(block1(0x1e), LIM)).toBe('block_limit'); // NUM 1 × 1024 bytes ≥ maxBlockBytes
    expect(checkDatagram(block1(0x30), LIM)).toBe('ok'); // NUM 3 × 16 bytes
    expect(checkDatagram(block1(0x0f), LIM)).toBe('malformed'); // SZX 7 reserved
  });

  it('refuses an oversize datagram', () => {
    expect(checkDatagram(new Uint8Array(2000).fill(0x41, 0, 1), LIM)).toBe('oversize');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1300 }), (b) => {
        expect(['ok', 'oversize', 'malformed', 'block_limit']).toContain(checkDatagram(b, LIM));
      }),
    );
  });
});
