// Batch assembly: one store batch per event-loop turn, resolved after its commit; failures keep the counters.
import { describe, expect, it } from 'vitest';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import { createBatchWriter } from './batch-writer.ts';
import { createEvidenceAccumulator } from './evidence.ts';
import type { IngestBatch, IngestReading, ReplayWindowUpdate } from './store-port.ts';

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

describe('batch writer: joined frames', () => {
  const frame = (fc: number, also?: ReplayWindowUpdate, withReading = true) => {
    const common = { windowId: `${T}|1|0|1`, fc, also };
    return withReading ? { ...common, reading: reading(fc) } : { ...common, update: update(fc) };
  };

  it('gives every frame of a turn one ticket, settled after the commit and after onSettled', async () => {
    const store = deferredStore();
    const log: string[] = [];
    const w = createBatchWriter({
      store,
      evidence: createEvidenceAccumulator(),
      onSettled: (frames, failed) => log.push(`settled ${frames.map((f) => f.fc).join(',')} ${failed}`),
    });
    const down = { ...update(7), dir: 1 as const, purpose: 2 };
    const a = w.join(frame(1));
    const b = w.join(frame(2, down));
    expect(b).toBe(a);
    void a.committed.then(() => log.push('committed'));
    await tickOnce();
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.readings.map((r) => r.fc)).toEqual([1, 2]);
    // The readings carry their own counters (ADR 0009): only the ack's downlink counter is an update.
    expect(store.batches[0]!.replayUpdates).toEqual([down]);
    const c = w.join(frame(3));
    expect(c).not.toBe(a);
    expect(log).toEqual([]);
    store.release();
    await a.committed;
    expect(log).toEqual(['settled 1,2 false', 'committed']);
  });

  it('finds the unsettled batch holding a counter, also an earlier one of the same window', async () => {
    const store = deferredStore();
    const w = createBatchWriter({ store, evidence: createEvidenceAccumulator() });
    const first = w.join(frame(1));
    w.join(frame(2));
    await tickOnce(); // first batch at the store
    const second = w.join(frame(3));
    expect(w.holding(`${T}|1|0|1`, 1)).toBe(first);
    expect(w.holding(`${T}|1|0|1`, 2)).toBe(first);
    expect(w.holding(`${T}|1|0|1`, 3)).toBe(second);
    expect(w.holding(`${T}|1|0|1`, 4)).toBeUndefined();
    expect(w.holding(`${T}|1|0|2`, 1)).toBeUndefined();
    store.release();
    await first.committed;
    expect(w.holding(`${T}|1|0|1`, 1)).toBeUndefined();
    expect(w.holding(`${T}|1|0|1`, 3)).toBe(second);
  });

  it('never splits a frame from its ack counter, even at maxBatch', async () => {
    const store = deferredStore();
    const w = createBatchWriter({ store, evidence: createEvidenceAccumulator(), maxBatch: 1 });
    const down = { ...update(9), dir: 1 as const, purpose: 2 };
    w.join(frame(1));
    w.join(frame(2, down));
    await tickOnce();
    expect(store.batches.map((b) => b.replayUpdates.map((u) => u.state.highest))).toEqual([[], [9]]);
    expect(store.batches.map((b) => b.readings.map((r) => r.fc))).toEqual([[1], [2]]);
  });

  it('sends only the windows frames without a reading moved: their newest update', async () => {
    const store = deferredStore();
    const w = createBatchWriter({ store, evidence: createEvidenceAccumulator() });
    w.join(frame(1));
    w.join(frame(2, undefined, false)); // e.g. a payload that did not decode: no reading, counter 2
    w.join(frame(3));
    w.join(frame(5, undefined, false));
    w.join(frame(4, undefined, false)); // accepted late, inside the window: 5's update is the newer
    await tickOnce();
    expect(store.batches[0]!.readings.map((r) => r.fc)).toEqual([1, 3]);
    expect(store.batches[0]!.replayUpdates).toEqual([update(5)]);
  });

  it('sends evidence with every n-th batch while others are at the store, all of it once none is', async () => {
    const store = deferredStore();
    const ev = createEvidenceAccumulator();
    const w = createBatchWriter({ store, evidence: ev, evidenceEvery: 3 });
    for (let fc = 1; fc <= 4; fc++) {
      ev.count(T, 0, 'requests');
      w.join(frame(fc));
      await tickOnce();
    }
    const requests = () => store.batches.map((b) => b.evidenceDeltas.map((e) => e.requests));
    expect(requests()).toEqual([[1], [], [], [3]]); // the first went alone; then every third batch
    ev.count(T, 0, 'requests'); // counted after the last batch left
    for (let i = 0; i < 4; i++) store.release();
    await tickOnce();
    expect(requests()).toEqual([[1], [], [], [3], [1]]); // nothing at the store: one more batch
  });

  it('reports a failed commit to onSettled before the ticket rejects, and keeps the evidence', async () => {
    const store = deferredStore();
    const ev = createEvidenceAccumulator();
    const failedFrames: number[] = [];
    const w = createBatchWriter({
      store,
      evidence: ev,
      onSettled: (frames, failed) => {
        if (failed) failedFrames.push(...frames.map((f) => f.fc));
      },
    });
    ev.count(T, 0, 'requests');
    store.setFail(true);
    const t = w.join(frame(5));
    await tickOnce();
    store.release();
    await expect(t.committed).rejects.toThrow('io');
    expect(failedFrames).toEqual([5]);
    expect(ev.pending).toBe(true);
    expect(w.holding(`${T}|1|0|1`, 5)).toBeUndefined();
  });

  it('hands the evidence of each durable commit to onEvidence, after the commit and never a failed one', async () => {
    const store = deferredStore();
    const ev = createEvidenceAccumulator();
    const published: number[][] = [];
    const w = createBatchWriter({
      store,
      evidence: ev,
      onEvidence: (d) => published.push(d.map((e) => e.requests)),
    });
    ev.count(T, 0, 'requests');
    store.setFail(true);
    const failed = w.join(frame(1));
    await tickOnce();
    store.release();
    await expect(failed.committed).rejects.toThrow('io');
    expect(published).toEqual([]);
    store.setFail(false);
    ev.count(T, 0, 'requests');
    const ok = w.join(frame(2));
    await tickOnce();
    expect(published).toEqual([]); // not before the commit
    store.release();
    await ok.committed;
    expect(published).toEqual([[2]]); // the restored count and the new one, once
  });
});
