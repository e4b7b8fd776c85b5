// Exact CBOR byte counts of §7.3 telemetry records, so virtual runs count bytes without encoding.

/** Bytes of a CBOR integer (major type 0/1) with the shortest head [RFC8949-3.1]. */
export function cborIntBytes(v: number): number {
  const u = v < 0 ? -1 - v : v;
  if (u < 24) return 1;
  if (u < 0x100) return 2;
  if (u < 0x10000) return 3;
  if (u < 0x100000000) return 5;
  return 9;
}

/** Bytes of a CBOR array or map head for `n` items [RFC8949-3.1]. */
export function cborHeadBytes(n: number): number {
  return cborIntBytes(n);
}

/** One measurement in the scaled integer units of §7.3 (0.1 V, 0.01 A, W, var, 0.001, 0.01 Hz). */
export interface ScaledRow {
  t: number;
  u: number;
  i: number;
  p: number;
  q: number;
  pf: number;
  f: number;
}

/** Bytes of the 7 values of a row (without any array head). */
export function rowValueBytes(r: ScaledRow): number {
  return (
    cborIntBytes(r.t) +
    cborIntBytes(r.u) +
    cborIntBytes(r.i) +
    cborIntBytes(r.p) +
    cborIntBytes(r.q) +
    cborIntBytes(r.pf) +
    cborIntBytes(r.f)
  );
}

/**
 * Bytes of a single record `{1:t, 2:U, 3:I, 4:P, 5:Q, 6:PF, 7:f, 8:E_imp, 9:E_exp}` [SGT1-7.3]:
 * map head (1) + nine one-byte keys + the values.
 */
export function scalarRecordBytes(r: ScaledRow, eImpWh: number, eExpWh: number): number {
  return 1 + 9 + rowValueBytes(r) + cborIntBytes(eImpWh) + cborIntBytes(eExpWh);
}

/**
 * Bytes of a batched record `{1:t, 8:E_imp, 9:E_exp, 20:[[t,U,I,P,Q,PF,f], …]}` [SGT1-7.3], given
 * the summed `rowValueBytes` of its rows.
 */
export function batchRecordBytes(o: {
  t: number;
  eImpWh: number;
  eExpWh: number;
  rows: number;
  rowBytes: number;
}): number {
  const head = 1 + 4 + cborIntBytes(o.t) + cborIntBytes(o.eImpWh) + cborIntBytes(o.eExpWh);
  return head + cborHeadBytes(o.rows) + o.rows + o.rowBytes;
}
