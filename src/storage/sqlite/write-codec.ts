// Packs a group of commit batches into a few typed arrays (one transfer to the write worker) and back.
import type { AuditInput } from '../../keys/index.ts';
import type { CommitBatch, RejectCountDelta } from '../types.ts';

/** Numeric columns of one reading; NaN stands for null (validated values are always finite). */
export const READING_COLS = 13;
/** purpose, dir, version, highest, terminal index. */
export const REPLAY_COLS = 5;
/** terminal index, cycle, requests, replies, duplicates, late, integrityFailures, delaySumMs, delayCount. */
export const EVIDENCE_COLS = 9;

/**
 * A group of batches as columns. `*End[i]` is the exclusive end (in rows) of batch i's part; terminal
 * ids are stored once per group in `terminals` and referenced by index.
 */
export interface PackedGroup {
  readonly batches: number;
  readonly terminals: string[];
  readonly readingEnd: Uint32Array;
  /** terminal index per reading. */
  readonly readingTerm: Uint32Array;
  readonly readings: Float64Array;
  /** The raw CBOR per reading, only when some reading of the group carries one. */
  readonly raw: (Uint8Array | null)[] | null;
  readonly replayEnd: Uint32Array;
  readonly replay: Float64Array;
  readonly bitmaps: BigUint64Array;
  readonly evidenceEnd: Uint32Array;
  readonly evidence: Float64Array;
  /** Rare parts, per batch (null when the batch has none). */
  readonly rejects: (readonly RejectCountDelta[] | null)[];
  readonly audit: (readonly AuditInput[] | null)[];
}

const num = (v: number | null | undefined): number => (v === undefined || v === null ? NaN : v);

function sizes(batches: readonly CommitBatch[]) {
  let r = 0;
  let u = 0;
  let e = 0;
  let raw = false;
  for (const b of batches) {
    r += b.readings?.length ?? 0;
    u += b.replayUpdates?.length ?? 0;
    e += b.evidenceDeltas?.length ?? 0;
    if (!raw) raw = (b.readings ?? []).some((x) => x.raw != null);
  }
  return { r, u, e, raw };
}

function emptyGroup(batches: readonly CommitBatch[]): PackedGroup {
  const n = sizes(batches);
  return {
    batches: batches.length,
    terminals: [],
    readingEnd: new Uint32Array(batches.length),
    readingTerm: new Uint32Array(n.r),
    readings: new Float64Array(n.r * READING_COLS),
    raw: n.raw ? [] : null,
    replayEnd: new Uint32Array(batches.length),
    replay: new Float64Array(n.u * REPLAY_COLS),
    bitmaps: new BigUint64Array(n.u),
    evidenceEnd: new Uint32Array(batches.length),
    evidence: new Float64Array(n.e * EVIDENCE_COLS),
    rejects: [],
    audit: [],
  };
}

function writeReading(a: Float64Array, o: number, x: NonNullable<CommitBatch['readings']>[number]): void {
  a[o] = x.purpose;
  a[o + 1] = x.keyVersion;
  a[o + 2] = x.fc;
  a[o + 3] = x.ts;
  a[o + 4] = x.receivedAt;
  a[o + 5] = num(x.voltage);
  a[o + 6] = num(x.current);
  a[o + 7] = num(x.activePower);
  a[o + 8] = num(x.reactivePower);
  a[o + 9] = num(x.powerFactor);
  a[o + 10] = num(x.frequency);
  a[o + 11] = num(x.energyImport);
  a[o + 12] = num(x.energyExport);
}

function writeEvidence(
  a: Float64Array,
  o: number,
  terminal: number,
  x: NonNullable<CommitBatch['evidenceDeltas']>[number],
): void {
  a[o] = terminal;
  a[o + 1] = x.cycle;
  a[o + 2] = x.requests ?? 0;
  a[o + 3] = x.replies ?? 0;
  a[o + 4] = x.duplicates ?? 0;
  a[o + 5] = x.late ?? 0;
  a[o + 6] = x.integrityFailures ?? 0;
  a[o + 7] = x.delaySumMs ?? 0;
  a[o + 8] = x.delayCount ?? 0;
}

/** Packs validated batches in order. */
export function packGroup(batches: readonly CommitBatch[]): PackedGroup {
  const g = emptyGroup(batches);
  const index = new Map<string, number>();
  const term = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) index.set(id, (i = g.terminals.push(id) - 1));
    return i;
  };
  let r = 0;
  let u = 0;
  let e = 0;
  batches.forEach((b, bi) => {
    for (const x of b.readings ?? []) {
      g.readingTerm[r] = term(x.terminal);
      writeReading(g.readings, r * READING_COLS, x);
      g.raw?.push(x.raw ?? null);
      r++;
    }
    for (const x of b.replayUpdates ?? []) {
      const o = u * REPLAY_COLS;
      g.replay[o] = x.purpose;
      g.replay[o + 1] = x.dir;
      g.replay[o + 2] = x.version;
      g.replay[o + 3] = x.state.highest;
      g.replay[o + 4] = term(x.terminal);
      g.bitmaps[u++] = x.state.bitmap;
    }
    for (const x of b.evidenceDeltas ?? [])
      writeEvidence(g.evidence, e++ * EVIDENCE_COLS, term(x.terminal), x);
    g.readingEnd[bi] = r;
    g.replayEnd[bi] = u;
    g.evidenceEnd[bi] = e;
    g.rejects.push(b.rejectCounts?.length ? b.rejectCounts : null);
    g.audit.push(b.audit?.length ? b.audit : null);
  });
  return g;
}

/** The buffers to transfer (not copy) to the worker. */
export function groupTransfers(g: PackedGroup): ArrayBuffer[] {
  const arrays = [g.readingEnd, g.readingTerm, g.readings, g.replayEnd, g.replay, g.bitmaps];
  return [...arrays, g.evidenceEnd, g.evidence].map((a) => a.buffer as ArrayBuffer);
}

/** Row range [from, to) of batches [b0, b1) in a part with exclusive ends `end`. */
export function rowRange(end: Uint32Array, b0: number, b1: number): [number, number] {
  return [b0 === 0 ? 0 : (end[b0 - 1] ?? 0), b1 === 0 ? 0 : (end[b1 - 1] ?? 0)];
}
