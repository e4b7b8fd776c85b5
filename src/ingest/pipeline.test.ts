// Pipeline: accepts real sealed frames, rejects every attack by reason, serialises duplicates, survives faults.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import {
  createKeyCache,
  openFrame,
  openFrameAead,
  parseFrame,
  sealFrame,
  type KeyStatus,
  type ReplayState,
  type VerifyContext,
} from '../protocol/index.ts';
import { createIngestPipeline } from './pipeline.ts';
import type { FrameOpener, IngestPipelineOptions } from './pipeline-types.ts';
import { windowIdOf } from './tunnel-step.ts';
import type { IngestBatch, IngestStore } from './store-port.ts';

const TITLE = Buffer.from('4d4d4d0000bc614e', 'hex');
const TID = TITLE.toString('hex') as TerminalId;
const ROOT = Buffer.alloc(32, 7);
const T0 = 1_700_000_000_000 as UnixMillis;

function fakeStore(fail = { on: false }): IngestStore & { batches: IngestBatch[] } {
  const seen = new Set<string>();
  const batches: IngestBatch[] = [];
  return {
    batches,
    commitBatch(b) {
      if (fail.on) return Promise.reject(new Error('disk full'));
      batches.push(b);
      const duplicates: number[] = [];
      b.readings.forEach((r, i) => {
        const k = `${r.terminal}|${r.keyVersion}|${r.fc}`;
        if (seen.has(k)) duplicates.push(i);
        seen.add(k);
      });
      return Promise.resolve({ duplicates });
    },
  };
}

function setup(
  extra: Partial<IngestPipelineOptions> = {},
  fail = { on: false },
  verifyExtra: Partial<VerifyContext> = {},
) {
  const clock = createManualClock(T0);
  const keys = new Map<number, KeyStatus>([
    [1, { state: 'deactivated', graceUntil: (T0 - 1) as UnixMillis }],
    [2, { state: 'active' }],
  ]);
  const verify: VerifyContext = {
    lookupTerminal: (id) => (id === TID ? { rootKey: ROOT, tenant: 1 } : undefined),
    keyStatus: (q) => keys.get(q.version),
    replay: new Map<string, ReplayState>(),
    keyCache: createKeyCache(),
    clock,
    ...verifyExtra,
  };
  const store = fakeStore(fail);
  const pipe = createIngestPipeline({ verify, store, cycleMs: 60_000, ...extra });
  return { pipe, store, clock };
}

function frame(fcv: number, o: { version?: number; title?: Buffer; ackReq?: boolean } = {}): Buffer {
  return sealFrame({
    header: {
      dir: 0,
      ackReq: o.ackReq ?? false,
      more: false,
      suite: 0x01,
      systemTitle: o.title ?? TITLE,
      purpose: 1,
      keyVersion: o.version ?? 2,
      fc: fcv,
      ctype: 0x01,
    },
    key: { rootKey: ROOT, tenant: 1 },
    telemetry: { t: T0 / 1000 - 5, voltage: 2301, current: 512, activePower: 1100 },
  });
}

const meta = { transport: 'mqtt', topicTitle: TID };

describe('ingest pipeline', () => {
  it('stores a valid frame in SI units, then rejects its replay', async () => {
    const { pipe, store } = setup();
    expect(await pipe.handleFrame(frame(1), meta)).toEqual({ ok: true });
    expect(await pipe.handleFrame(frame(1), meta)).toEqual({ ok: false, reason: 'REPLAY' });
    await pipe.flush();
    const r = store.batches.flatMap((b) => b.readings);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ terminal: TID, fc: 1, voltage: 230.1, current: 5.12, activePower: 1100 });
    const ev = store.batches.flatMap((b) => b.evidenceDeltas).filter((e) => e.terminal === TID);
    const sum = (k: 'requests' | 'replies' | 'duplicates') => ev.reduce((a, e) => a + e[k], 0);
    expect([sum('requests'), sum('replies'), sum('duplicates')]).toEqual([2, 1, 1]);
    expect(pipe.stats().rejected).toEqual({ REPLAY: 1 });
  });

  it('rejects tampered, unknown, stale-key, mismatched-title and malformed frames by reason', async () => {
    const { pipe } = setup();
    const tampered = frame(2);
    tampered[tampered.length - 1]! ^= 1;
    const other = Buffer.from('0102030405060708', 'hex');
    const cases: [Buffer, object, string][] = [
      [tampered, meta, 'BAD_TAG'],
      [frame(3, { title: other }), { transport: 'coap' }, 'UNKNOWN_TERMINAL'],
      [frame(4, { version: 1 }), meta, 'KEY_NOT_USABLE'],
      [frame(5, { version: 9 }), meta, 'UNKNOWN_KEY'],
      [frame(6), { transport: 'mqtt', topicTitle: '0102030405060708' }, 'TITLE_MISMATCH'],
      [Buffer.from([1, 2, 3]), meta, 'TRUNCATED'],
      [Buffer.alloc(5000), meta, 'OVERSIZE'],
    ];
    for (const [f, m, reason] of cases)
      expect(await pipe.handleFrame(f, m as typeof meta)).toEqual({ ok: false, reason });
    expect(await pipe.handleFrame(frame(7), meta)).toEqual({ ok: true });
  });

  it("resolves a terminal's active key once per key-lookup generation, a key in grace every frame", async () => {
    const states = new Map<number, KeyStatus>([[2, { state: 'active' }]]);
    let calls = 0;
    let generation = 0;
    const { pipe, clock } = setup({ keysGeneration: () => generation }, undefined, {
      keyStatus: (q) => {
        calls++;
        return states.get(q.version);
      },
    });
    const ok = { ok: true };
    expect(await pipe.handleFrame(frame(1), meta)).toEqual(ok);
    const once = calls;
    expect(await pipe.handleFrame(frame(2), meta)).toEqual(ok);
    expect(calls).toBe(once); // the same generation: the remembered key
    states.set(2, { state: 'compromised' });
    generation++; // e.g. the terminal cache reloaded the terminal after the key was revoked
    expect(await pipe.handleFrame(frame(3), meta)).toEqual({ ok: false, reason: 'KEY_NOT_USABLE' });
    states.set(2, { state: 'deactivated', graceUntil: (clock.now() + 60_000) as UnixMillis });
    generation++;
    expect(await pipe.handleFrame(frame(4), meta)).toEqual(ok);
    const before = calls;
    clock.advance(120_000); // the grace window ends without any reload
    expect(await pipe.handleFrame(frame(5), meta)).toEqual({ ok: false, reason: 'KEY_NOT_USABLE' });
    expect(calls).toBeGreaterThan(before);
  });

  it('refuses a quarantined terminal as QUARANTINED and accounts transport rejections on its topic', async () => {
    const { pipe, store } = setup({ isRefused: (id) => id === TID });
    expect(await pipe.handleFrame(frame(1), meta)).toEqual({ ok: false, reason: 'QUARANTINED' });
    pipe.recordRejection('OVERSIZE', meta); // an oversized publish on gt/v1/<TID>/up
    pipe.recordRejection('OVERSIZE', { transport: 'coap' }); // no title: counted, not attributed
    await pipe.flush();
    const ev = store.batches.flatMap((b) => b.evidenceDeltas).filter((e) => e.terminal === TID);
    expect(ev.reduce((a, e) => a + e.requests, 0)).toBe(2);
    expect(ev.reduce((a, e) => a + e.replies, 0)).toBe(0);
    const rejects = store.batches.flatMap((b) => b.rejectCounts);
    expect(rejects).toEqual(
      expect.arrayContaining([
        { reason: 'QUARANTINED', terminal: TID, count: 1 },
        { reason: 'OVERSIZE', terminal: TID, count: 1 },
        { reason: 'OVERSIZE', terminal: null, count: 1 },
      ]),
    );
  });

  it('accepts tunnelled DLMS APDUs (suite 0x80) by their own security: Green Book V1 and V2 [SGT1-1.4, 1.5]', async () => {
    const hex = (x: string) => Buffer.from(x, 'hex');
    const dlms = {
      guek: hex('000102030405060708090A0B0C0D0E0F'),
      ak: hex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
    };
    const { pipe, store } = setup({}, { on: false }, { dlmsKeys: () => dlms }); // the vectors' keys
    const tunnel = (apdu: string) =>
      sealFrame({
        header: {
          dir: 0,
          ackReq: false,
          more: false,
          suite: 0x80,
          systemTitle: TITLE,
          purpose: 5,
          keyVersion: 2,
          fc: 1,
          ctype: 0x10,
        },
        key: { usageKey: Buffer.alloc(16) },
        plaintext: hex(apdu),
      });
    const V1 =
      '21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855';
    const V2_AUTH = 'C81E1001234568C0010000080000010000FF020006725D910F9221D263877516'; // IC + 1: tag no longer fits
    const V2_ENC_ONLY = 'C8122001234567411312FF935A47566827C467BC';
    expect(await pipe.handleFrame(tunnel(V1), meta)).toEqual({ ok: true });
    expect(await pipe.handleFrame(tunnel(V1), meta)).toEqual({ ok: false, reason: 'REPLAY' });
    expect(await pipe.handleFrame(tunnel(V2_AUTH), meta)).toEqual({ ok: false, reason: 'BAD_TAG' });
    expect(await pipe.handleFrame(tunnel(V2_ENC_ONLY), meta)).toEqual({
      ok: false,
      reason: 'UNAUTHENTICATED',
    });
    await pipe.flush();
    const windows = store.batches.flatMap((b) => b.replayUpdates);
    // after a restart the stored window, warmed under windowIdOf, still refuses the replay
    const warm = new Map<string, ReplayState>(windows.map((u) => [windowIdOf(u), u.state]));
    const again = setup({}, { on: false }, { dlmsKeys: () => dlms, replay: warm });
    expect(await again.pipe.handleFrame(tunnel(V1), meta)).toEqual({ ok: false, reason: 'REPLAY' });
    expect(windows).toEqual([
      {
        terminal: TID,
        purpose: 0x105,
        dir: 0,
        version: 2,
        state: expect.objectContaining({ highest: 0x01234567 }),
      },
    ]);
  });

  it('lets only one of two identical in-flight frames pass; the second is answered after the commit', async () => {
    const { pipe, store } = setup();
    const f = frame(10);
    const out = await Promise.all([pipe.handleFrame(f, meta), pipe.handleFrame(f, meta)]);
    expect(out).toEqual([{ ok: true }, { ok: false, reason: 'REPLAY' }]);
    expect(store.batches.flatMap((b) => b.readings)).toHaveLength(1);
  });

  it('with an asynchronous opener: one of two copies passes, a tampered copy never blocks the real one', async () => {
    // Opens on a later turn, in request order (like the platform's AEAD worker).
    const opens: number[] = [];
    const openFrame: FrameOpener = (key, suite, f) =>
      new Promise((resolve) =>
        setImmediate(() => {
          opens.push(f.length);
          resolve(openFrameAead(key, suite, f));
        }),
      );
    const { pipe, store } = setup({ openFrame });
    const f = frame(40);
    const bad = Buffer.from(frame(41));
    bad[bad.length - 1]! ^= 1;
    const out = await Promise.all([
      pipe.handleFrame(f, meta),
      pipe.handleFrame(f, meta),
      pipe.handleFrame(bad, meta),
      pipe.handleFrame(frame(41), meta),
      pipe.handleFrame(frame(41), meta),
    ]);
    expect(out).toEqual([
      { ok: true },
      { ok: false, reason: 'REPLAY' },
      { ok: false, reason: 'BAD_TAG' },
      { ok: true },
      { ok: false, reason: 'REPLAY' },
    ]);
    expect(opens).toHaveLength(5);
    expect(store.batches.flatMap((b) => b.readings).map((r) => r.fc)).toEqual([40, 41]);
    expect(pipe.stats().rejected).toEqual({ REPLAY: 2, BAD_TAG: 1 });
  });

  it('does not acknowledge when the commit fails, and accepts the retry afterwards', async () => {
    const fail = { on: true };
    const { pipe, store } = setup({}, fail);
    await expect(pipe.handleFrame(frame(20), meta)).rejects.toThrow('disk full');
    fail.on = false;
    expect(await pipe.handleFrame(frame(20), meta)).toEqual({ ok: true });
    expect(store.batches.flatMap((b) => b.readings).map((r) => r.fc)).toEqual([20]);
  });

  it('answers ackReq with a downlink ack sealed under the downlink key, counter persisted first', async () => {
    const { pipe, store } = setup();
    const out = await pipe.handleFrame(frame(30, { ackReq: true }), meta);
    if (!out.ok || out.reply === undefined) throw new Error('expected a reply');
    const parsed = parseFrame(out.reply);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.header).toMatchObject({ dir: 1, purpose: 2, ctype: 0x04, fc: 1, keyVersion: 2 });
    const dl = store.batches.flatMap((b) => b.replayUpdates).find((u) => u.dir === 1);
    expect(dl?.state.highest).toBe(1);
    const wrong = openFrame(parsed.frame, parsed.header, Buffer.alloc(16));
    expect(wrong.ok).toBe(false);
  });

  it('never throws on arbitrary bytes (property)', async () => {
    const { pipe } = setup();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (b) => {
        const out = await pipe.handleFrame(b, meta);
        expect(out.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
