// Pipeline over one shared commit per batch: outcomes, replies and hooks only after it; resends wait for it.
import { describe, expect, it } from 'vitest';
import { createManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import { CTYPE, createKeyCache, parseFrame, sealFrame, type ReplayState } from '../protocol/index.ts';
import { createIngestPipeline } from './pipeline.ts';
import type { IngestBatch, IngestReading } from './store-port.ts';

const TITLE = Buffer.from('4d4d4d0000bc6150', 'hex');
const TID = TITLE.toString('hex') as TerminalId;
const ROOT = Buffer.alloc(32, 3);
const T0 = 1_700_000_000_000 as UnixMillis;
const meta = { transport: 'mqtt', topicTitle: TID };

function deferredStore() {
  const batches: IngestBatch[] = [];
  const pending: (() => void)[] = [];
  const s = {
    batches,
    fail: false,
    release: () => pending.shift()?.(),
    commitBatch(b: IngestBatch) {
      batches.push(b);
      return new Promise<{ duplicates: number[] }>((res, rej) =>
        pending.push(() => (s.fail ? rej(new Error('disk full')) : res({ duplicates: [] }))),
      );
    },
  };
  return s;
}

function setup() {
  const store = deferredStore();
  const accepted: IngestReading[] = [];
  const pipe = createIngestPipeline({
    verify: {
      lookupTerminal: (id) => (id === TID ? { rootKey: ROOT, tenant: 1 } : undefined),
      keyStatus: () => ({ state: 'active' }),
      replay: new Map<string, ReplayState>(),
      keyCache: createKeyCache(),
      clock: createManualClock(T0),
    },
    store,
    cycleMs: 60_000,
    onAccepted: (r) => accepted.push(r),
  });
  return { pipe, store, accepted };
}

function frame(fc: number, o: { ackReq?: boolean; plaintext?: Buffer; version?: number } = {}): Buffer {
  const header = { dir: 0, ackReq: o.ackReq ?? false, more: false, suite: 0x01, systemTitle: TITLE } as const;
  return sealFrame({
    header: { ...header, purpose: 1, keyVersion: o.version ?? 1, fc, ctype: 0x01 },
    key: { rootKey: ROOT, tenant: 1 },
    ...(o.plaintext ? { plaintext: o.plaintext } : { telemetry: { t: T0 / 1000 - 1, voltage: 2300 + fc } }),
  });
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const settled = (p: Promise<unknown>) => {
  const state = { done: false };
  void p.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
};
const sum = (store: ReturnType<typeof deferredStore>, k: 'requests' | 'replies' | 'duplicates') =>
  store.batches.flatMap((b) => b.evidenceDeltas).reduce((a, e) => a + e[k], 0);

describe('ingest pipeline: one commit per batch', () => {
  it('answers, counts replies and calls onAccepted only after the shared commit', async () => {
    const { pipe, store, accepted } = setup();
    const outs = [1, 2, 3].map((fc) => settled(pipe.handleFrame(frame(fc), meta)));
    const acked = pipe.handleFrame(frame(4, { ackReq: true }), meta);
    await tick();
    expect(store.batches).toHaveLength(1);
    expect(outs.some((o) => o.done)).toBe(false);
    expect([pipe.stats().accepted, accepted.length]).toEqual([0, 0]);
    store.release();
    const reply = await acked;
    expect(reply.ok && reply.reply !== undefined).toBe(true);
    expect(outs.every((o) => o.done)).toBe(true);
    expect(accepted.map((r) => r.fc)).toEqual([1, 2, 3, 4]);
    expect(pipe.stats()).toMatchObject({ accepted: 4, commits: 1, committedFrames: 4 });
    const flushed = pipe.flush();
    await tick();
    store.release();
    await flushed;
    expect([sum(store, 'requests'), sum(store, 'replies')]).toEqual([4, 4]);
  });

  it('holds a resend of a frame still at the store until that commit, across turns', async () => {
    const { pipe, store } = setup();
    const first = pipe.handleFrame(frame(1), meta);
    await tick(); // batch 1 is at the store
    const other = pipe.handleFrame(frame(2), meta); // batch 2, same window
    const resendOut = pipe.handleFrame(frame(1), meta);
    const resend = settled(resendOut);
    const resend2 = pipe.handleFrame(frame(2), meta);
    await tick();
    expect(resend.done).toBe(false);
    store.release();
    expect(await first).toEqual({ ok: true });
    await tick();
    expect(resend.done).toBe(true);
    expect(await resendOut).toEqual({ ok: false, reason: 'REPLAY' });
    store.release();
    expect(await other).toEqual({ ok: true });
    expect(await resend2).toEqual({ ok: false, reason: 'REPLAY' });
    // Batch 2 went while batch 1 was at the store, so the evidence kept summing (the batch writer's
    // evidenceEvery); once nothing is at the store, one more batch takes it: both resends.
    for (let i = 0; i < 4; i++) {
      store.release();
      await tick();
    }
    expect(sum(store, 'duplicates')).toBe(2);
  });

  it('fails a held resend with its first copy, rolls the counter back and accepts the retry', async () => {
    const { pipe, store } = setup();
    const first = pipe.handleFrame(frame(7), meta);
    const firstOut = expect(first).rejects.toThrow('disk full');
    await tick();
    const resend = pipe.handleFrame(frame(7), meta);
    const resendOut = expect(resend).rejects.toThrow('disk full');
    store.fail = true;
    store.release();
    await firstOut;
    await resendOut;
    store.fail = false;
    const retry = pipe.handleFrame(frame(7), meta);
    await tick();
    store.release();
    expect(await retry).toEqual({ ok: true });
    expect(store.batches.flatMap((b) => b.readings).map((r) => r.fc)).toEqual([7, 7]);
  });

  it('commits the counter of an authentic frame with a bad payload, then rejects it (no reply)', async () => {
    const { pipe, store, accepted } = setup();
    const bad = frame(9, { plaintext: Buffer.from([0xff]) });
    const out = pipe.handleFrame(bad, meta);
    const ok = pipe.handleFrame(frame(10), meta);
    await tick();
    store.release();
    expect(await out).toEqual({ ok: false, reason: 'BAD_PAYLOAD' });
    expect(await ok).toEqual({ ok: true });
    // Counter 9 came without a reading: its window goes as an update; 10 rides on its reading.
    expect(store.batches[0]!.replayUpdates.map((u) => u.state.highest)).toEqual([9]);
    expect(store.batches[0]!.readings.map((r) => r.fc)).toEqual([10]);
    expect(await pipe.handleFrame(bad, meta)).toEqual({ ok: false, reason: 'REPLAY' });
    expect(pipe.stats()).toMatchObject({ accepted: 1, rejected: { BAD_PAYLOAD: 1, REPLAY: 1 } });
    expect(accepted).toHaveLength(1);
  });

  it('refuses a reading the store would refuse as BAD_PAYLOAD, and commits the others (issue #16)', async () => {
    const { pipe, store } = setup();
    // `t` passes as a safe integer of seconds, but its milliseconds are not a safe integer.
    const poison = sealFrame({
      header: {
        dir: 0,
        ackReq: false,
        more: false,
        suite: 0x01,
        systemTitle: TITLE,
        purpose: 1,
        keyVersion: 1,
        fc: 20,
        ctype: 0x01,
      },
      key: { rootKey: ROOT, tenant: 1 },
      telemetry: { t: Math.floor(Number.MAX_SAFE_INTEGER / 1000) + 1, voltage: 2300 },
    });
    const out = pipe.handleFrame(poison, meta);
    const ok = pipe.handleFrame(frame(21), meta);
    await tick();
    store.release();
    expect(await out).toEqual({ ok: false, reason: 'BAD_PAYLOAD' });
    expect(await ok).toEqual({ ok: true });
    expect(store.batches[0]!.readings.map((r) => r.fc)).toEqual([21]);
    expect(store.batches[0]!.readings.every((r) => Number.isSafeInteger(r.ts))).toBe(true);
  });

  it('keeps one replay window per key version of a terminal, switching back and forth', async () => {
    const { pipe, store } = setup();
    const frames = [frame(1, { version: 1 }), frame(1, { version: 2 }), frame(2, { version: 1 })];
    const outs = frames.map((f) => pipe.handleFrame(f, meta));
    const again = frames.map((f) => pipe.handleFrame(f, meta));
    await tick();
    store.release();
    expect(await Promise.all(outs)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(await Promise.all(again)).toEqual(frames.map(() => ({ ok: false, reason: 'REPLAY' })));
    // Each reading carries its own counter in its key version's window; no separate update is sent.
    expect(store.batches[0]!.readings.map((r) => [r.keyVersion, r.fc])).toEqual([
      [1, 1],
      [2, 1],
      [1, 2],
    ]);
    expect(store.batches[0]!.replayUpdates).toEqual([]);
  });

  it('seals a command only after its downlink counter is durable, with fresh counters', async () => {
    const { pipe, store } = setup();
    const unknown = await pipe.sealDownlinkFor('00000000000000ff' as TerminalId, {
      ctype: CTYPE.COMMAND,
      body: 1,
    });
    expect(unknown).toEqual({ ok: false, reason: 'UNKNOWN_TERMINAL' });
    const first = settled(pipe.sealDownlinkFor(TID, { ctype: CTYPE.COMMAND, body: { 1: 2 } }));
    await tick();
    expect(first.done).toBe(false);
    expect(store.batches.at(-1)!.replayUpdates).toEqual([expect.objectContaining({ dir: 1, purpose: 2 })]);
    store.release();
    const second = pipe.sealDownlinkFor(TID, { ctype: CTYPE.COMMAND, body: {} });
    await tick();
    store.release();
    const out = await second;
    if (!out.ok) throw new Error(out.reason);
    const parsed = parseFrame(out.frame);
    expect(parsed.ok && parsed.header).toMatchObject({ dir: 1, purpose: 2, ctype: CTYPE.COMMAND, fc: 2 });
    expect(first.done).toBe(true);
  });
});
