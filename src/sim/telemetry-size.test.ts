// The CBOR size model against the protocol's encoder (property tests over scaled §7.3 values).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTelemetry } from '../protocol/index.ts';
import {
  batchRecordBytes,
  cborIntBytes,
  rowValueBytes,
  scalarRecordBytes,
  type ScaledRow,
} from './telemetry-size.ts';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 });
const row = fc.record({
  t: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  u: int32,
  i: int32,
  p: int32,
  q: int32,
  pf: int32,
  f: int32,
});

describe('telemetry size model [SGT1-7.3]', () => {
  it('knows the CBOR integer head boundaries [RFC8949-3.1]', () => {
    expect([0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32].map(cborIntBytes)).toEqual([
      1, 1, 2, 2, 3, 3, 5, 5, 9,
    ]);
    expect([-1, -24, -25, -256, -257].map(cborIntBytes)).toEqual([1, 1, 2, 2, 3]);
  });

  it('predicts the encoded length of any scalar record (property)', () => {
    fc.assert(
      fc.property(row, fc.nat(), fc.nat(), (r: ScaledRow, eImp, eExp) => {
        const rec = {
          t: r.t,
          voltage: r.u,
          current: r.i,
          activePower: r.p,
          reactivePower: r.q,
          powerFactor: r.pf,
          frequency: r.f,
          energyImport: eImp,
          energyExport: eExp,
        };
        return encodeTelemetry(rec).length === scalarRecordBytes(r, eImp, eExp);
      }),
    );
  });

  it('predicts the encoded length of any batched profile record (property)', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 120 }), fc.nat(), fc.nat(), (rows, eImp, eExp) => {
        const t = rows[0]!.t;
        const profile = rows.map((r) => [r.t, r.u, r.i, r.p, r.q, r.pf, r.f] as const);
        const bytes = batchRecordBytes({
          t,
          eImpWh: eImp,
          eExpWh: eExp,
          rows: rows.length,
          rowBytes: rows.reduce((a, r) => a + rowValueBytes(r), 0),
        });
        return encodeTelemetry({ t, energyImport: eImp, energyExport: eExp, profile }).length === bytes;
      }),
      { numRuns: 200 },
    );
  });
});
