// Differential tests of the telemetry fast path [SGT1-7.3]: it must agree with cbor-x + shape checks.
import { Decoder, Encoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTelemetry, encodeTelemetry } from './telemetry.ts';
import { decodeTelemetryFast } from './telemetry-fast.ts';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ mapsAsObjects: false, useRecords: false });
const FAST = { obisRe: /^\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}(\*\d{1,3})?$/ };

const int32 = fc.integer({ min: -0xffffffff - 1, max: 0xffffffff });
const record = fc.record(
  {
    t: fc.nat({ max: 0xffffffff }),
    voltage: int32,
    current: int32,
    activePower: int32,
    reactivePower: int32,
    powerFactor: int32,
    frequency: int32,
    energyImport: fc.maxSafeNat(),
    energyExport: int32,
    profile: fc.array(fc.tuple(int32, int32, int32, int32, int32, int32, int32), { maxLength: 4 }),
    obis: fc.dictionary(fc.constantFrom('1-0:32.7.0', '1-0:1.8.0*2', 'bad'), fc.oneof(int32, fc.double())),
  },
  { requiredKeys: ['t'] },
);

/** What cbor-x alone makes of the bytes (undefined when it throws). */
function reference(payload: Uint8Array): unknown {
  let v: unknown;
  try {
    v = decoder.decode(payload);
  } catch {
    return undefined;
  }
  return v;
}

describe('decodeTelemetryFast', () => {
  it('returns what decodeTelemetry returns for encoded records', () => {
    fc.assert(
      fc.property(record, (rec) => {
        let payload: Buffer;
        try {
          payload = encodeTelemetry(rec);
        } catch {
          payload = encoder.encode(new Map(Object.values(rec).map((v, i) => [i + 1, v])));
        }
        const fast = decodeTelemetryFast(payload, FAST);
        const full = decodeTelemetry(payload);
        if (fast !== undefined) {
          expect(full).toEqual({ ok: true, telemetry: fast });
          expect(reference(payload)).toBeInstanceOf(Map);
        }
      }),
    );
  });

  it('takes every record of the common shape on the fast path, unchanged', () => {
    const common = fc.record(
      {
        t: fc.nat({ max: 0xffffffff }),
        voltage: int32,
        current: int32,
        activePower: int32,
        reactivePower: int32,
        powerFactor: int32,
        frequency: int32,
        energyImport: int32,
        energyExport: int32,
        profile: fc.array(fc.tuple(int32, int32, int32, int32, int32, int32, int32), { maxLength: 4 }),
        obis: fc.dictionary(fc.constantFrom('1-0:32.7.0', '1-0:1.8.0*2'), int32),
      },
      { requiredKeys: ['t'] },
    );
    fc.assert(
      fc.property(common, (rec) => {
        const payload = encodeTelemetry(rec);
        expect(decodeTelemetryFast(payload, FAST)).toEqual(rec);
        expect(decodeTelemetry(payload)).toEqual({ ok: true, telemetry: rec });
      }),
    );
  });

  it('never accepts a mutated payload that cbor-x rejects, and agrees on the rest', () => {
    fc.assert(
      fc.property(record, fc.nat(), fc.nat({ max: 255 }), fc.nat(), (rec, at, byte, cut) => {
        const base = encodeTelemetry({ t: rec.t, ...(rec.profile ? { profile: rec.profile } : {}) });
        const m = Buffer.from(base);
        m[at % m.length] = byte;
        const payload = m.subarray(0, m.length - (cut % 3));
        const fast = decodeTelemetryFast(payload, FAST);
        if (fast === undefined) return;
        const ref = reference(payload);
        expect(ref).toBeInstanceOf(Map);
        expect(decodeTelemetry(payload)).toEqual({ ok: true, telemetry: fast });
      }),
    );
  });

  it('leaves floats, duplicate keys and trailing bytes to the general decoder', () => {
    const dup = Buffer.from('a2011a0001000001 1a00010001'.replace(/ /g, ''), 'hex');
    expect(decodeTelemetryFast(dup, FAST)).toBeUndefined();
    const trailing = Buffer.concat([encodeTelemetry({ t: 1 }), Buffer.from([0])]);
    expect(decodeTelemetryFast(trailing, FAST)).toBeUndefined();
    expect(decodeTelemetry(trailing).ok).toBe(false);
    const float = encoder.encode(new Map([[1, 1.5]]));
    expect(decodeTelemetryFast(float, FAST)).toBeUndefined();
  });
});

describe('decodeTelemetry bounds', () => {
  it('refuses a t whose milliseconds are not a safe integer (BAD_PAYLOAD at decode, issue #16)', () => {
    const max = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
    expect(decodeTelemetry(encodeTelemetry({ t: max })).ok).toBe(true);
    const r = decodeTelemetry(encodeTelemetry({ t: max + 1 }));
    expect(r).toMatchObject({ ok: false, reason: 'BAD_PAYLOAD' });
  });
});
