// The ingest thread (ADR 0010): the main-thread proxy and the pipeline in the SQLite writer, over a real store.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import { windowIdOf, type IngestReading } from '../ingest/index.ts';
import { CTYPE, openFrame, parseFrame, sealFrame } from '../protocol/index.ts';
import { openSqliteStore, type SqliteStore } from '../storage/index.ts';
import { startIngestThread, type IngestThread } from './ingest-thread.ts';
import { createPlatformRegistry, provisionTerminals, rootKeysFromRegistry } from './provision.ts';
import { createTerminalCache, type TerminalCache, type TerminalEntry } from './terminal-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-ingest-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_700_000_000_000 as UnixMillis;
const MASTER_KEY = randomBytes(32);

interface TestTerminal {
  readonly id: TerminalId;
  readonly title: Buffer;
  readonly rootKey: Buffer;
}

function makeTerminal(): TestTerminal {
  const title = randomBytes(8);
  return { id: title.toString('hex') as TerminalId, title, rootKey: randomBytes(32) };
}

/** One telemetry frame of `t` [SGT1-1.1], sealed under its K_use(purpose 1, version 1). */
function frameOf(t: TestTerminal, fc: number, o: { ackReq?: boolean } = {}): Buffer {
  return sealFrame({
    header: {
      dir: 0,
      ackReq: o.ackReq ?? false,
      more: false,
      suite: 0x01,
      systemTitle: t.title,
      purpose: 1,
      keyVersion: 1,
      fc,
      ctype: CTYPE.TELEMETRY,
    },
    key: { rootKey: t.rootKey, tenant: 1 },
    telemetry: { t: T0 / 1000 - 5, voltage: 2300 + fc, activePower: 500 + fc },
  });
}

/** Polls `cond` every 5 ms for up to 2 s. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

/** Resolves with how `p` settled, or 'pending' after `ms` (so a hang fails the test instead of timing out). */
function settleWithin<T>(p: Promise<T>, ms = 2000): Promise<{ value: T } | { error: unknown } | 'pending'> {
  return Promise.race([
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms)),
  ]);
}

interface Side {
  readonly store: SqliteStore;
  readonly cache: TerminalCache;
  readonly thread: IngestThread;
  readonly accepted: IngestReading[];
  readonly unknown: TerminalId[];
  readonly provision: (ts: readonly TestTerminal[]) => Promise<void>;
  /** The `t` of every message posted to the thread. */
  readonly posted: string[];
}

/**
 * The store, terminal cache and thread wired as embedded.ts buildPipeline wires them: windows warmed
 * from the store, every (re)loaded terminal mirrored into the thread, unknown titles looked up again.
 */
async function openSide(path: string, terminals: readonly TestTerminal[]): Promise<Side> {
  const clock = createManualClock(T0);
  const store = await openSqliteStore({ path, readWorker: false });
  const registry = createPlatformRegistry({ store, masterKey: MASTER_KEY, clock, actor: 'test' });
  const provision = (ts: readonly TestTerminal[]) =>
    provisionTerminals(
      registry,
      ts.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
    );
  if (terminals.length > 0) await provision(terminals);
  const mirror: { to?: (e: TerminalEntry) => void } = {};
  const cache = createTerminalCache(store, rootKeysFromRegistry(registry), {
    onLoaded: (e) => mirror.to?.(e),
  });
  await cache.refresh();
  const states = await store.listReplayStates();
  const accepted: IngestReading[] = [];
  const unknown: TerminalId[] = [];
  const posted: string[] = [];
  const thread = await startIngestThread({
    store: {
      extendWriter: async (entry, data) => {
        const port = await store.extendWriter(entry, data);
        const post = port.postMessage.bind(port);
        // Records what the platform sends its thread (one message per turn of rejections, not each).
        port.postMessage = (m: { t: string }, transfer?: never) => {
          posted.push(m.t);
          post(m, transfer);
        };
        return port;
      },
    },
    clock,
    init: {
      now: clock.now(),
      windows: states
        .filter((u) => u.dir === 0)
        .map((u) => [windowIdOf(u), u.state.highest, u.state.bitmap] as const),
      downlink: states.filter((u) => u.dir === 1),
      terminals: [...cache.entries()],
      cycleMs: 60_000,
      maxFrameBytes: 1024,
      maxBatch: 512,
    },
    onAccepted: (r) => void accepted.push(r),
    onUnknownTerminal: (id) => {
      unknown.push(id);
      void cache.refresh(id);
    },
  });
  mirror.to = (e) => thread.putTerminal(e);
  return { store, cache, thread, accepted, unknown, provision, posted };
}

const mqtt = (t: TestTerminal) => ({ transport: 'mqtt', topicTitle: t.id });

describe('ingest thread', () => {
  // One terminal per test, so the tests share one store and thread without seeing each other's frames.
  const [A, B, C, D, E, F] = [
    makeTerminal(),
    makeTerminal(),
    makeTerminal(),
    makeTerminal(),
    makeTerminal(),
    makeTerminal(),
  ];
  let side: Side;
  beforeAll(async () => {
    side = await openSide(join(dir, 'shared.db'), [A, B, C, D, E, F]);
  });
  afterAll(() => side.store.close());

  it('accepts a valid frame once it is stored, then refuses its replay', async () => {
    const { thread, store, accepted } = side;
    expect(await thread.handleFrame(frameOf(A, 1), mqtt(A))).toEqual({ ok: true });
    expect((await store.queryReadings({ terminal: A.id })).map((r) => [r.fc, r.voltage])).toEqual([
      [1, 230.1],
    ]);
    expect(accepted.filter((r) => r.terminal === A.id).map((r) => r.fc)).toEqual([1]);
    expect(await thread.handleFrame(frameOf(A, 1), mqtt(A))).toEqual({ ok: false, reason: 'REPLAY' });
    expect(await store.countReadings(A.id)).toBe(1);
  });

  it('refuses a tampered frame as BAD_TAG and still accepts the genuine one', async () => {
    const { thread, store } = side;
    const tampered = frameOf(B, 1);
    tampered[tampered.length - 1]! ^= 1;
    expect(await thread.handleFrame(tampered, mqtt(B))).toEqual({ ok: false, reason: 'BAD_TAG' });
    expect(await store.countReadings(B.id)).toBe(0);
    // The failed open did not consume the counter: the genuine frame 1 is still accepted.
    expect(await thread.handleFrame(frameOf(B, 1), mqtt(B))).toEqual({ ok: true });
    expect(await store.countReadings(B.id)).toBe(1);
  });

  it('answers an ackReq frame with an ack sealed for that terminal under its downlink key', async () => {
    const out = await side.thread.handleFrame(frameOf(C, 7, { ackReq: true }), mqtt(C));
    if (!out.ok || out.reply === undefined) throw new Error(`expected a reply, got ${JSON.stringify(out)}`);
    const parsed = parseFrame(out.reply);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.header).toMatchObject({
      dir: 1,
      purpose: 2,
      ctype: CTYPE.COMMAND_RESULT,
      terminalId: C.id,
    });
    expect(openFrame(parsed.frame, parsed.header, Buffer.alloc(16)).ok).toBe(false);
    expect(await side.store.countReadings(C.id)).toBe(1);
    // Its downlink counter was made durable with the frame (ADR 0006).
    const down = (await side.store.listReplayStates(C.id)).filter((u) => u.dir === 1);
    expect(down.map((u) => u.state.highest)).toEqual([parsed.header.fc]);
  });

  it('refuses an unknown terminal, and accepts it once the late loader found it in the store', async () => {
    const late = makeTerminal();
    const { thread, store, cache, unknown, provision } = side;
    expect(await thread.handleFrame(frameOf(late, 1), mqtt(late))).toEqual({
      ok: false,
      reason: 'UNKNOWN_TERMINAL',
    });
    expect(unknown).toContain(late.id); // the thread told the platform about the title
    await provision([late]);
    expect(await thread.handleFrame(frameOf(late, 2), mqtt(late))).toEqual({
      ok: false,
      reason: 'UNKNOWN_TERMINAL',
    });
    await waitFor(() => cache.lookupTerminal(late.id) !== undefined);
    expect(await thread.handleFrame(frameOf(late, 3), mqtt(late))).toEqual({ ok: true });
    expect((await store.queryReadings({ terminal: late.id })).map((r) => r.fc)).toEqual([3]);
  });

  it('refuses a terminal quarantined in the store once the cache reloaded it', async () => {
    const { thread, store, cache } = side;
    expect(await thread.handleFrame(frameOf(D, 1), mqtt(D))).toEqual({ ok: true });
    const change = { id: D.id, status: 'quarantined' as const, at: T0, actor: 'test', reason: 'tamper' };
    expect(await store.setTerminalStatus(change)).toBe(true);
    expect(await cache.refresh(D.id)).toBe(1);
    const before = thread.stats().rejected.QUARANTINED ?? 0;
    expect(await thread.handleFrame(frameOf(D, 2), mqtt(D))).toEqual({ ok: false, reason: 'QUARANTINED' });
    expect(thread.stats().rejected.QUARANTINED).toBe(before + 1);
    expect(await store.countReadings(D.id)).toBe(1);
    // Reinstated: accepted again.
    expect(await store.setTerminalStatus({ ...change, status: 'active', reason: 'released' })).toBe(true);
    await cache.refresh(D.id);
    expect(await thread.handleFrame(frameOf(D, 3), mqtt(D))).toEqual({ ok: true });
  });

  it('counts a transport rejection in stats at once, and in the store', async () => {
    const { thread, store } = side;
    const before = thread.stats().rejected.OVERSIZE ?? 0;
    const stored = (await store.getRejectCounts()).byReason.OVERSIZE ?? 0;
    thread.recordRejection('OVERSIZE', { transport: 'mqtt', topicTitle: E.id });
    expect(thread.stats().rejected.OVERSIZE).toBe(before + 1);
    await thread.flush();
    expect(thread.stats().rejected.OVERSIZE).toBe(before + 1); // the thread's count agrees
    expect((await store.getRejectCounts()).byReason.OVERSIZE).toBe(stored + 1);
  });

  it('sends a flood of transport rejections as one message of totals (issue #16 starvation)', async () => {
    const { thread, store, posted } = side;
    await thread.flush();
    const before = thread.stats().rejected.OVERSIZE ?? 0;
    const stored = (await store.getRejectCounts()).byReason.OVERSIZE ?? 0;
    const sent = posted.filter((t) => t === 'rejects').length;
    for (let i = 0; i < 10_000; i++)
      thread.recordRejection('OVERSIZE', { transport: 'mqtt', topicTitle: E.id });
    for (let i = 0; i < 5_000; i++) thread.recordRejection('BAD_TOPIC', { transport: 'mqtt' });
    expect(thread.stats().rejected.OVERSIZE).toBe(before + 10_000);
    await thread.flush();
    expect(posted.filter((t) => t === 'rejects').length).toBe(sent + 1);
    expect(thread.stats().rejected.OVERSIZE).toBe(before + 10_000);
    expect((await store.getRejectCounts()).byReason.OVERSIZE).toBe(stored + 10_000);
  });

  it('keeps a transport rejection in stats while frames sent before it are answered', async () => {
    const { thread } = side;
    await thread.flush();
    const before = thread.stats().rejected.OVERSIZE ?? 0;
    const frame = thread.handleFrame(frameOf(E, 100), mqtt(E)); // in flight before the rejection
    thread.recordRejection('OVERSIZE', { transport: 'mqtt', topicTitle: E.id });
    expect(await frame).toEqual({ ok: true });
    // The frame's answer carries stats from before the rejection: the count must not dip.
    expect(thread.stats().rejected.OVERSIZE).toBe(before + 1);
    await thread.flush();
    expect(thread.stats().rejected.OVERSIZE).toBe(before + 1);
  });

  it('refuses a frame above 64 KiB as OVERSIZE without touching the frames around it', async () => {
    const { thread, store } = side;
    const n = await store.countReadings(E.id);
    const big = Buffer.alloc(70_000, 7);
    const out = await Promise.all([
      thread.handleFrame(frameOf(E, 201), mqtt(E)),
      thread.handleFrame(big, mqtt(E)),
      thread.handleFrame(Buffer.alloc(65_536, 1), mqtt(E)),
      thread.handleFrame(frameOf(E, 202), mqtt(E)),
    ]);
    expect(out).toEqual([
      { ok: true },
      { ok: false, reason: 'OVERSIZE' },
      { ok: false, reason: 'OVERSIZE' },
      { ok: true },
    ]);
    expect(await store.countReadings(E.id)).toBe(n + 2);
  });

  it('seals a downlink for a known terminal with a durable counter, and refuses an unknown one', async () => {
    const { thread, store } = side;
    const out = await thread.sealDownlinkFor(E.id, { ctype: CTYPE.COMMAND, body: { reboot: true } });
    if (!out.ok) throw new Error(out.reason);
    const parsed = parseFrame(out.frame);
    expect(parsed.ok && parsed.header).toMatchObject({
      dir: 1,
      purpose: 2,
      ctype: CTYPE.COMMAND,
      terminalId: E.id,
    });
    const fc = parsed.ok ? parsed.header.fc : -1;
    const down = (await store.listReplayStates(E.id)).filter((u) => u.dir === 1);
    expect(down.map((u) => u.state.highest)).toEqual([fc]);
    const next = await thread.sealDownlinkFor(E.id, { ctype: CTYPE.COMMAND, body: {} });
    const nextFc = next.ok ? parseFrame(next.frame) : undefined;
    expect(nextFc?.ok && nextFc.header.fc).toBe(fc + 1); // never reused
    const nobody = makeTerminal().id;
    expect(await thread.sealDownlinkFor(nobody, { ctype: CTYPE.COMMAND, body: {} })).toEqual({
      ok: false,
      reason: 'UNKNOWN_TERMINAL',
    });
  });

  it('flushes a burst: every frame settled, stored and counted in stats', async () => {
    const { thread, store } = side;
    const before = thread.stats();
    const pending = Array.from({ length: 40 }, (_, i) => thread.handleFrame(frameOf(F, i + 1), mqtt(F)));
    await thread.flush();
    const after = thread.stats();
    expect(after.accepted - before.accepted).toBe(40);
    expect(after.committedFrames - before.committedFrames).toBe(40);
    expect(after.commits).toBeGreaterThan(before.commits);
    expect(await store.countReadings(F.id)).toBe(40);
    expect(await Promise.all(pending)).toEqual(Array.from({ length: 40 }, () => ({ ok: true })));
  });
});

describe('ingest thread after its store closed', () => {
  it('rejects frames, seals and flushes promptly, and a new thread warms the stored windows', async () => {
    const path = join(dir, 'closing.db');
    const t = makeTerminal();
    const first = await openSide(path, [t]);
    expect(await first.thread.handleFrame(frameOf(t, 1), mqtt(t))).toEqual({ ok: true });
    // A frame handed over just before close: acknowledged only if it is stored, never left hanging.
    const racing = settleWithin(first.thread.handleFrame(frameOf(t, 2), mqtt(t)));
    await first.store.close();
    const raced = await racing;
    expect(raced).not.toBe('pending');
    const rejected = await settleWithin(first.thread.handleFrame(frameOf(t, 3), mqtt(t)));
    expect(rejected).toMatchObject({ error: { code: 'GT_ERR_PLATFORM_START' } });
    const seal = await settleWithin(first.thread.sealDownlinkFor(t.id, { ctype: CTYPE.COMMAND, body: {} }));
    expect(seal).toMatchObject({ error: { code: 'GT_ERR_PLATFORM_START' } });
    expect(await settleWithin(first.thread.flush())).toEqual({ value: undefined });

    const second = await openSide(path, []);
    try {
      // Acknowledged ⇒ stored; a frame not acknowledged may be stored or not (its resend is a REPLAY).
      const stored = (await second.store.queryReadings({ terminal: t.id })).map((r) => r.fc);
      const acked = raced !== 'pending' && 'value' in raced && raced.value.ok;
      expect(stored).toEqual(acked ? [1, 2] : expect.arrayContaining([1]));
      expect(await second.thread.handleFrame(frameOf(t, 1), mqtt(t))).toEqual({
        ok: false,
        reason: 'REPLAY',
      });
      expect(await second.thread.handleFrame(frameOf(t, 4), mqtt(t))).toEqual({ ok: true });
    } finally {
      await second.store.close();
    }
  });
});
