// fast-check properties of SGT1 [SGT1-1.2]: round trip, any flipped bit rejected, random bytes never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock, type UnixMillis } from '../core/index.ts';
import {
  createKeyCache,
  CTYPE,
  encodeHeader,
  parseHeader,
  sealDlms,
  sealFrame,
  verifyDlms,
  verifyFrame,
  type ReplayState,
  type Sgt1HeaderInit,
  type VerifyContext,
} from './index.ts';

const ROOT = Buffer.alloc(32, 0x42);
/** A context that knows every title (so rejections must come from the frame itself, not the lookup). */
function openContext(): VerifyContext & { replay: Map<string, ReplayState> } {
  return {
    lookupTerminal: () => ({ rootKey: ROOT, tenant: 7 }),
    keyStatus: () => ({ state: 'active' }),
    replay: new Map(),
    keyCache: createKeyCache({ maxEntries: 64 }),
    clock: createManualClock(0 as UnixMillis),
  };
}

const PURPOSE_DIR: readonly (readonly [number, 0 | 1])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [4, 1],
  [5, 0],
  [5, 1],
  [6, 0],
  [7, 1],
  [8, 1],
  [9, 0],
];
const NON_CBOR_CTYPES = Object.values(CTYPE).filter((c) => c !== CTYPE.TELEMETRY);

const headerArb: fc.Arbitrary<Sgt1HeaderInit> = fc
  .record({
    pd: fc.constantFrom(...PURPOSE_DIR),
    ackReq: fc.boolean(),
    more: fc.boolean(),
    suite: fc.constantFrom(0x01 as const, 0x02 as const),
    systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    keyVersion: fc.integer({ min: 1, max: 4095 }),
    fc: fc.integer({ min: 1, max: 0xffffffff }),
    ctype: fc.constantFrom(...NON_CBOR_CTYPES),
  })
  .map(({ pd, ...h }) => ({ ...h, purpose: pd[0] as Sgt1HeaderInit['purpose'], dir: pd[1] }));

const telemetryArb = fc.record(
  {
    t: fc.integer({ min: 0, max: 2 ** 32 }),
    voltage: fc.integer({ min: 0, max: 5000 }),
    current: fc.integer({ min: -100000, max: 100000 }),
    energyImport: fc.maxSafeNat(),
    profile: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.integer(), fc.nat(), fc.nat()), {
      maxLength: 4,
    }),
  },
  { requiredKeys: ['t'] },
);

describe('SGT1 properties', () => {
  it('header encode → parse is the identity', () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const bytes = Buffer.concat([encodeHeader(h), Buffer.alloc(16)]);
        const r = parseHeader(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const { version, terminalId, systemTitle, ...rest } = r.header;
        expect({ ...rest, systemTitle: new Uint8Array(systemTitle) }).toEqual({
          ...h,
          systemTitle: new Uint8Array(h.systemTitle),
        });
        expect([version, terminalId]).toEqual([1, Buffer.from(h.systemTitle).toString('hex')]);
      }),
    );
  });

  it('accepts exactly the purpose/direction pairs of the purposes table [SGT1-2.2]', () => {
    // The purposes table: 0x2 and the DLMS keys 0x5–0x7 both ways, 0x4 and 0x8 down only, the rest up.
    const SPEC_DIRS: Record<number, number[]> = {
      1: [0],
      2: [0, 1],
      3: [0],
      4: [1],
      5: [0, 1],
      6: [0, 1],
      7: [0, 1],
      8: [1],
      9: [0],
    };
    const base = Buffer.concat([encodeHeader(fc.sample(headerArb, 1)[0]!), Buffer.alloc(16)]);
    for (let purpose = 0; purpose < 16; purpose++) {
      for (const dir of [0, 1]) {
        const b = Buffer.from(base);
        b[0] = (b[0]! & ~0x08) | (dir << 3);
        b[10] = (purpose << 4) | (b[10]! & 0x0f);
        const allowed = SPEC_DIRS[purpose]?.includes(dir) === true;
        const r = parseHeader(b);
        expect(r.ok ? 'ok' : r.reason).toBe(allowed ? 'ok' : 'BAD_HEADER');
        if (r.ok) expect([r.header.purpose, r.header.dir]).toEqual([purpose, dir]);
      }
    }
  });

  it('seal → verify returns the header and plaintext (both suites)', () => {
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ maxLength: 300 }), (h, plaintext) => {
        const frame = sealFrame({ header: h, key: { rootKey: ROOT, tenant: 7 }, plaintext });
        const r = verifyFrame(frame, openContext());
        expect(r.ok && r.plaintext).toEqual(Buffer.from(plaintext));
        expect(r.ok && r.header.fc).toBe(h.fc);
      }),
      { numRuns: 200 },
    );
  });

  it('telemetry records round-trip through CBOR inside a frame', () => {
    fc.assert(
      fc.property(headerArb, telemetryArb, (h, telemetry) => {
        const header = { ...h, ctype: CTYPE.TELEMETRY };
        const frame = sealFrame({ header, key: { rootKey: ROOT, tenant: 7 }, telemetry });
        const r = verifyFrame(frame, openContext());
        expect(r.ok && r.telemetry).toEqual(telemetry);
      }),
      { numRuns: 150 },
    );
  });

  it('any single flipped bit anywhere in a frame is rejected and leaves the replay window unchanged', () => {
    const framed = fc
      .tuple(headerArb, fc.uint8Array({ maxLength: 64 }))
      .map(([h, p]) => sealFrame({ header: h, key: { rootKey: ROOT, tenant: 7 }, plaintext: p }));
    fc.assert(
      fc.property(framed, fc.nat(), (frame, n) => {
        const bit = n % (frame.length * 8);
        const bad = Buffer.from(frame);
        bad[bit >> 3]! ^= 1 << (bit & 7);
        const ctx = openContext();
        const r = verifyFrame(bad, ctx);
        expect(r.ok).toBe(false);
        expect(ctx.replay.size).toBe(0);
        expect(verifyFrame(frame, ctx).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes of any length never throw', () => {
    const ctx = openContext();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => {
        expect(verifyFrame(bytes, ctx).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes behind a valid-looking header never throw (all suites incl. the 0x80 tunnel)', () => {
    const ctx = openContext();
    const arb = fc.tuple(headerArb, fc.constantFrom(0x01, 0x02, 0x80), fc.uint8Array({ maxLength: 400 }));
    fc.assert(
      fc.property(arb, ([h, suite, tail]) => {
        const head = encodeHeader(h);
        head[1] = suite;
        expect(() => verifyFrame(Buffer.concat([head, tail]), ctx)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('DLMS properties', () => {
  const EK = Buffer.alloc(16, 1);
  const AK = Buffer.alloc(16, 2);
  const TITLE = Buffer.from('4d4d4d0000bc614e', 'hex');
  const keys = { guek: EK, gbek: EK, ak: AK, dedicated: EK };

  it('random bytes of any length never throw', () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc
        .tuple(fc.constantFrom(0xdb, 0xdc, 0xc8, 0x21, 0xd0), fc.uint8Array({ maxLength: 300 }))
        .map(([t, r]) => Uint8Array.of(t, ...r)),
    );
    fc.assert(
      fc.property(arb, (bytes) => {
        expect(() =>
          verifyDlms(bytes, { keys, systemTitle: TITLE, counters: new Map(), allowUnauthenticated: true }),
        ).not.toThrow();
      }),
      { numRuns: 1500 },
    );
  });

  it('any flipped bit of an authenticated APDU is rejected', () => {
    const arb = fc.record({
      tag: fc.constantFrom(0xdb, 0xc8, 0x21, 0xcc),
      sc: fc.constantFrom(0x10, 0x30, 0x50, 0x70),
      ic: fc.integer({ min: 0, max: 0xffffffff }),
      plaintext: fc.uint8Array({ maxLength: 200 }),
      n: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ tag, sc, ic, plaintext, n }) => {
        // service-specific tags must protect their matching xDLMS APDU (get-request 0xC0 in 0xC8, ...)
        const inner = ({ 0xdb: 0xc0, 0xc8: 0xc0, 0x21: 0x01, 0xcc: 0xc4 } as Record<number, number>)[tag]!;
        const apdu = sealDlms({
          tag,
          securityControl: sc,
          invocationCounter: ic,
          systemTitle: TITLE,
          ek: EK,
          ak: AK,
          plaintext: Uint8Array.of(inner, ...plaintext),
        });
        expect(verifyDlms(apdu, { keys, systemTitle: TITLE }).ok).toBe(true);
        const bit = n % (apdu.length * 8);
        apdu[bit >> 3]! ^= 1 << (bit & 7);
        expect(verifyDlms(apdu, { keys, systemTitle: TITLE }).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
