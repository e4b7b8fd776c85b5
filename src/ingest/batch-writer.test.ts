// Batch assembly: one store batch per event-loop turn, resolved after its commit; failures keep the counters.
import { describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import { createBatchWriter } from './batch-writer.ts';
import { createEvidenceAccumulator } from './evidence.ts';
import type { IngestBatch, IngestReading } from './store-port.ts';

const T = '4d4d4d0000bc614e' as TerminalId;
const reading = (fc: number): IngestReading => ({
  terminal: T,
  purpose: 1,
  keyVersion: 1,
  fc,
  ts: 0 as UnixMillis,
  receivedAt: 0 as UnixMillis,
});
const update = (fc: number) => ({
  terminal: T,
  purpose: 1,
  dir: 0 as const,
  version: 1,
  state: { highest: fc, bitmap: 1n },
});

function deferredStore() {
  const batches: IngestBatch[] = [];
  const pending: (() => void)[] = [];
  let fail = false;
  return {
    batches,
    release: () => pending.shift()?.(),
    setFail: (f: boolean) => (fail = f),
    commitBatch(b: IngestBatch) {
      batches.push(b);
      return new Promise<{ duplicates: number[] }>((res, rej) =>
        pending.push(() =>
          fail ? rej(new Error('io')) : res({ duplicates: b.readings.length > 1 ? [1] : [] }),
        ),
      );
    },
  };
}

const tickOnce = () => new Promise<void>((r) => setImmediate(r));

describe('batch writer', () => {
  it('resolves a frame only after its commit; frames of the next turn go as the next batch at once', async () => {
    const store = deferredStore();
    const w = createBatchWriter({ store, evidence: createEvidenceAccumulator() });
    let firstDone = false;
    const p1 = w.submit({ reading: reading(1), replay: [update(1)] }).then(() => (firstDone = true));
    await tickOnce();
    expect(store.batches).toHaveLength(1);
    const p2 = w.submit({ reading: reading(2), replay: [update(2)] });
    const p3 = w.submit({ reading: reading(3), replay: [update(3)] });
    await tickOnce();
    expect(firstDone).toBe(false);
    expect(store.batches).toHaveLength(2); // no waiting here: the store is the one group-commit layer
    expect(store.batches[1]!.readings.map((r) => r.fc)).toEqual([2, 3]);
    expect(store.batches[1]!.replayUpdates.map((u) => u.state.highest)).toEqual([3]); // newest per window
    store.release();
    await p1;
    store.release();
    expect(await p2).toEqual({ duplicate: false });
    expect(await p3).toEqual({ duplicate: true });
  });

  it('splits a turn with more than maxBatch frames, and flush waits for every batch', async () => {
    const store = deferredStore();
    const w = createBatchWriter({ store, evidence: createEvidenceAccumulator(), maxBatch: 2 });
    const ps = [1, 2, 3, 4, 5].map((fc) => w.submit({ reading: reading(fc), replay: [update(fc)] }));
    await tickOnce();
    expect(store.batches.map((b) => b.readings.length)).toEqual([2, 2, 1]);
    let flushed = false;
    const f = w.flush().then(() => (flushed = true));
    store.release();
    store.release();
    await tickOnce();
    expect(flushed).toBe(false);
    store.release();
    await f;
    expect(flushed).toBe(true);
    await Promise.all(ps);
  });

  it('rejects every frame of a failed commit and keeps the counters for the next one', async () => {
    const store = deferredStore();
    const ev = createEvidenceAccumulator();
    const w = createBatchWriter({ store, evidence: ev });
    ev.reject('BAD_TAG', null);
    store.setFail(true);
    const p = w.submit({ reading: reading(1), replay: [] });
    await tickOnce();
    store.release();
    await expect(p).rejects.toThrow('io');
    store.setFail(false);
    const flushed = w.flush();
    await tickOnce();
    store.release();
    await flushed;
    expect(store.batches.at(-1)!.rejectCounts).toEqual([{ reason: 'BAD_TAG', terminal: null, count: 1 }]);
  });
});
