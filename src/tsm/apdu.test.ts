// APDU codec: the four ISO 7816-4 cases round-trip; GP commands have their published byte layout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deleteAid,
  encodeCommand,
  encodeResponse,
  encodeStatusEntry,
  getStatus,
  loadBlock,
  parseCommand,
  parseResponse,
  parseStatusEntries,
  setStatus,
  toHex,
} from './apdu.ts';

describe('APDUs [ISO7816-4-5.1]', () => {
  it('round-trips every short command case', () => {
    fc.assert(
      fc.property(
        fc.record({
          cla: fc.integer({ min: 0, max: 255 }),
          ins: fc.integer({ min: 0, max: 255 }),
          p1: fc.integer({ min: 0, max: 255 }),
          p2: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ maxLength: 255 }),
          le: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        }),
        (c) => {
          const p = parseCommand(encodeCommand(c));
          expect(p.ok).toBe(true);
          if (p.ok)
            expect({ ...p.apdu, data: [...p.apdu.data] }).toEqual({
              ...c,
              data: [...c.data],
              ...(c.le === undefined ? {} : {}),
            });
        },
      ),
    );
  });

  it('refuses an Lc that does not match as a value', () => {
    expect(parseCommand(Uint8Array.of(0x80, 0xe8, 0, 0, 5, 1, 2))).toMatchObject({
      ok: false,
      reason: 'BAD_APDU',
    });
    expect(parseCommand(Uint8Array.of(0x80))).toMatchObject({ ok: false });
  });

  it('builds GlobalPlatform commands byte for byte [GPCS-11]', () => {
    expect(toHex(encodeCommand(deleteAid('a0000001510001')))).toBe('80e40000094f07a0000001510001');
    expect(toHex(encodeCommand(setStatus({ p1: 0x40, state: 0x80, aid: 'a0000001510001' })))).toBe(
      '80f0408007a0000001510001',
    );
    expect(toHex(encodeCommand(getStatus({ p1: 0x80 })))).toBe('80f28002024f0000');
    expect(toHex(encodeCommand(loadBlock({ block: 3, last: true, data: Uint8Array.of(0xc4) })))).toBe(
      '80e8800301c4',
    );
  });

  it('round-trips status words and GET STATUS entries', () => {
    const r = parseResponse(encodeResponse({ data: Uint8Array.of(1, 2), sw: 0x6a88 }));
    expect(r?.sw).toBe(0x6a88);
    const e = {
      aid: 'a0000001510001',
      lifeCycle: 0x87,
      privileges: 0,
      elfAid: 'a00000015100',
      sdAid: 'a000000151000000',
    };
    expect(parseStatusEntries(Uint8Array.from(encodeStatusEntry(e)))).toEqual([e]);
    expect(parseStatusEntries(Uint8Array.of(0xe3, 9, 0x4f))).toBeUndefined();
  });
});
