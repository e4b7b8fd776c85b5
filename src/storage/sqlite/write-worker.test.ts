// The write worker's group path: packing round trip, per-group aggregation, and no cached state from a rolled-back batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId } from '../../core/index.ts';
import { sampleReading, sampleTerminal } from '../conformance.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-write-worker-'));
let n = 0;
const freshPath = (): string => join(dir, `w${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = '00000000000000a1' as TerminalId;
const B = '00000000000000b2' as TerminalId;
const UNKNOWN = '00000000000000ff' as TerminalId;
const window = (terminal: TerminalId, highest: number, bitmap = 1n) => ({
  terminal,
  purpose: 1,
  dir: 0 as const,
  version: 1,
  state: { highest, bitmap },
});

async function storeWithTerminals() {
  const store = await openSqliteStore({ path: freshPath(), readWorker: false });
  await store.addTerminals({ terminals: [sampleTerminal(A), sampleTerminal(B)], keys: [], audit: [] });
  return store;
}

describe('sqlite write worker', () => {
  it('stores nulls, numbers and raw bytes exactly as given', async () => {
    const store = await storeWithTerminals();
    const raw = new Uint8Array([0xa1, 0x01, 0x1a, 0, 1, 2, 3]);
    const r1 = sampleReading(A, 1, { voltage: null, current: -0.5, energyExport: 1e12, raw });
    const r2 = sampleReading(B, 2, { frequency: 49.98 });
    await Promise.all([store.commitBatch({ readings: [r1] }), store.commitBatch({ readings: [r2] })]);
    const [a] = await store.queryReadings({ terminal: A });
    expect(a).toMatchObject({ voltage: null, current: -0.5, energyExport: 1e12, fc: 1, ts: r1.ts });
    expect([...(a?.raw ?? [])]).toEqual([...raw]);
    expect((await store.queryReadings({ terminal: B }))[0]?.frequency).toBe(49.98);
    await store.close();
  });

  it('merges every window and sums evidence of a group, reporting duplicates per caller', async () => {
    const store = await storeWithTerminals();
    await store.commitBatch({ readings: [sampleReading(A, 1)] });
    const results = await Promise.all(
      [1, 2, 3].map((fc) =>
        store.commitBatch({
          readings: [sampleReading(A, fc)],
          replayUpdates: [window(A, fc)],
          evidenceDeltas: [{ terminal: A, cycle: 7, requests: 1, delaySumMs: 10, delayCount: 1 }],
          rejectCounts: [{ reason: 'BAD_TAG', terminal: A, count: 2 }],
        }),
      ),
    );
    expect(results).toEqual([
      { stored: 0, duplicates: [0] },
      { stored: 1, duplicates: [] },
      { stored: 1, duplicates: [] },
    ]);
    expect(await store.getReplayState(window(A, 0))).toEqual({ highest: 3, bitmap: 0b111n });
    const [ev] = await store.getEvidence({ terminal: A });
    expect(ev).toMatchObject({ requests: 3, delaySumMs: 30, delayCount: 3, meanDelayMs: 10 });
    expect((await store.getRejectCounts()).byReason).toEqual({ BAD_TAG: 6 });
    await store.close();
  });

  it('fails only the bad caller of a group and keeps none of its replay window', async () => {
    const store = await storeWithTerminals();
    const bad = store.commitBatch({
      readings: [sampleReading(UNKNOWN, 1)],
      replayUpdates: [window(A, 100)], // a known terminal's window in the same, rolled-back batch
    });
    const good = store.commitBatch({ readings: [sampleReading(B, 1)], replayUpdates: [window(B, 1)] });
    await expect(bad).rejects.toMatchObject({ code: 'GT_ERR_STORAGE_UNKNOWN_TERMINAL' });
    expect(await good).toEqual({ stored: 1, duplicates: [] });
    expect(await store.getReplayState(window(A, 0))).toBeUndefined();
    await store.commitBatch({ replayUpdates: [window(A, 5)] });
    expect(await store.getReplayState(window(A, 0))).toEqual({ highest: 5, bitmap: 1n });
    await store.close();
  });

  it('keeps order and duplicates exact with several groups in the worker at once', async () => {
    const store = await openSqliteStore({
      path: freshPath(),
      readWorker: false,
      groupCommit: { eagerItems: 1, maxInFlight: 3 },
    });
    await store.addTerminals({ terminals: [sampleTerminal(A)], keys: [], audit: [] });
    const before = store.groupCommits;
    const results = await Promise.allSettled([
      store.commitBatch({ readings: [1, 2, 3].map((fc) => sampleReading(A, fc)) }),
      store.commitBatch({ readings: [3, 4].map((fc) => sampleReading(A, fc)) }),
      store.commitBatch({ readings: [sampleReading(UNKNOWN, 1)] }),
      store.commitBatch({ readings: [4, 5].map((fc) => sampleReading(A, fc)) }),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      { stored: 3, duplicates: [] },
      { stored: 1, duplicates: [0] },
      'rejected',
      { stored: 1, duplicates: [0] },
    ]);
    expect(store.groupCommits - before).toBeGreaterThanOrEqual(3);
    expect((await store.queryReadings({ terminal: A })).map((r) => r.fc)).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });

  it('sums evidence in memory, shows it to reads at once, keeps a failed batch out and writes it at close', async () => {
    const path = freshPath();
    const store = await openSqliteStore({ path, readWorker: false, evidenceFlushMs: 60_000 });
    await store.addTerminals({ terminals: [sampleTerminal(A)], keys: [], audit: [] });
    const ev = (terminal: TerminalId, requests: number) => ({ terminal, cycle: 7, requests, replies: 1 });
    const results = await Promise.allSettled([
      store.commitBatch({ readings: [sampleReading(A, 1)], evidenceDeltas: [ev(A, 2)] }),
      store.commitBatch({ readings: [sampleReading(UNKNOWN, 1)], evidenceDeltas: [ev(A, 100)] }),
      store.commitBatch({ evidenceDeltas: [ev(A, 3)] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.getEvidence({ terminal: A })).toMatchObject([{ cycle: 7, requests: 5, replies: 2 }]);
    await store.commitBatch({ evidenceDeltas: [ev(A, 10)] }); // only in memory until close
    await store.close();
    const again = await openSqliteStore({ path, readWorker: false });
    expect(await again.getEvidence({ terminal: A })).toMatchObject([{ requests: 15, replies: 3 }]);
    await again.close();
  });
});
