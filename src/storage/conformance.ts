// Conformance suite of the store port: every adapter (memory, SQLite, PostgreSQL) must pass it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantId, TerminalId, UnixMillis } from '../core/index.ts';
import type { KeyRecord, TerminalRecord } from '../keys/index.ts';
import { isGridtrustError } from '../core/index.ts';
import type { ReadingInput, Store, StoreFactory } from './types.ts';

const T1 = '4d4d4d0000bc614e' as TerminalId;
const T2 = '4d4d4d0000bc614f' as TerminalId;
const T0 = 1_700_000_000_000;
const at = (ms: number): UnixMillis => (T0 + ms) as UnixMillis;

/** A terminal record for tests. */
export function sampleTerminal(id: TerminalId, extra: Partial<TerminalRecord> = {}): TerminalRecord {
  return {
    id,
    type: 'smart-meter',
    fusionTerminal: null,
    tenant: 1 as TenantId,
    createdAt: at(0),
    status: 'active',
    ...extra,
  };
}

/** A key record for tests. */
export function sampleKey(
  terminal: TerminalId,
  purpose: number,
  version = 1,
  extra: Partial<KeyRecord> = {},
): KeyRecord {
  return {
    terminal,
    purpose,
    version,
    state: 'active',
    wrapped: purpose === 0 ? new Uint8Array(40).fill(7) : null,
    createdAt: at(0),
    updatedAt: at(0),
    graceUntil: null,
    ...extra,
  };
}

/** A telemetry reading for tests. */
export function sampleReading(
  terminal: TerminalId,
  fc: number,
  extra: Partial<ReadingInput> = {},
): ReadingInput {
  return {
    terminal,
    purpose: 1,
    keyVersion: 1,
    fc,
    ts: at(fc * 60_000),
    receivedAt: at(fc * 60_000 + 150),
    voltage: 230.1,
    current: 5.12,
    activePower: 1000 + fc,
    reactivePower: 50,
    powerFactor: 0.98,
    frequency: 50.01,
    energyImport: 12_345 + fc,
    energyExport: 0,
    ...extra,
  };
}

const audit = (action: string) => ({ at: at(0), actor: 'test', action, subject: T1, details: { n: 1 } });

async function seed(store: Store): Promise<void> {
  await store.addTerminals({
    terminals: [sampleTerminal(T1), sampleTerminal(T2, { fusionTerminal: T1, type: 'smart-socket' })],
    keys: [sampleKey(T1, 0), sampleKey(T1, 1), sampleKey(T2, 0), sampleKey(T2, 1)],
    audit: [audit('terminal.add')],
  });
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isGridtrustError(e) ? e.code : e).toBe(code);
}

/**
 * Registers the store conformance tests for one adapter.
 * @example
 * describeStoreConformance('memory', () => createMemoryStore());
 */
export function describeStoreConformance(name: string, factory: StoreFactory): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
      await seed(store);
    });
    afterEach(async () => {
      await store.close();
    });
    describeTerminalsAndKeys(() => store);
    describeBatches(() => store);
    describeQueriesAndAudit(() => store);
  });
}

function describeTerminalsAndKeys(get: () => Store): void {
  it('stores and lists terminals with their fields', async () => {
    const list = await get().listTerminals();
    expect(list.map((t) => t.id)).toEqual([T1, T2]);
    expect(await get().getTerminal(T2)).toEqual(
      sampleTerminal(T2, { fusionTerminal: T1, type: 'smart-socket' }),
    );
    expect(await get().getTerminal('0000000000000000' as TerminalId)).toBeUndefined();
    expect(await get().listTerminals({ tenant: 2 as TenantId })).toEqual([]);
  });

  it('refuses a duplicate terminal and writes nothing of that call', async () => {
    const T3 = '0102030405060708' as TerminalId;
    await expectCode(
      get().addTerminals({ terminals: [sampleTerminal(T3), sampleTerminal(T1)], keys: [], audit: [] }),
      'GT_ERR_STORAGE_DUPLICATE',
    );
    expect(await get().getTerminal(T3)).toBeUndefined();
  });

  it('keeps wrapped key material byte for byte and refuses a duplicate key version', async () => {
    const k = await get().getKey({ terminal: T1, purpose: 0, version: 1 });
    expect(Buffer.from(k!.wrapped!).toString('hex')).toBe('07'.repeat(40));
    await expectCode(get().addKeys({ keys: [sampleKey(T1, 1)], audit: [] }), 'GT_ERR_STORAGE_DUPLICATE');
    await get().addKeys({ keys: [sampleKey(T1, 1, 2, { state: 'pre-activation' })], audit: [] });
    expect((await get().listKeys(T1)).map((x) => `${x.purpose}/${x.version}/${x.state}`)).toEqual([
      '0/1/active',
      '1/1/active',
      '1/2/pre-activation',
    ]);
  });

  it('applies allowed lifecycle transitions, refuses others, audits each applied one', async () => {
    const key = { terminal: T1, purpose: 1, version: 1 };
    const req = { key, at: at(5), actor: 'op', reason: 'r' };
    expect(await get().transitionKey({ ...req, to: 'suspended' })).toEqual({
      ok: true,
      from: 'active',
      to: 'suspended',
    });
    expect(await get().transitionKey({ ...req, to: 'active' })).toMatchObject({ ok: true });
    expect(await get().transitionKey({ ...req, to: 'deactivated', graceUntil: at(99) })).toMatchObject({
      ok: true,
    });
    expect(await get().getKey(key)).toMatchObject({
      state: 'deactivated',
      graceUntil: at(99),
      updatedAt: at(5),
    });
    expect(await get().transitionKey({ ...req, to: 'active' })).toEqual({
      ok: false,
      reason: 'NOT_ALLOWED',
      from: 'deactivated',
    });
    expect(await get().transitionKey({ ...req, to: 'deactivated' })).toMatchObject({
      ok: false,
      reason: 'SAME_STATE',
    });
    const missing = { ...req, key: { ...key, version: 9 }, to: 'active' as const };
    expect(await get().transitionKey(missing)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    const log = (await get().listAudit()).filter((r) => r.action === 'key.transition');
    expect(log.map((r) => r.details.to)).toEqual(['suspended', 'active', 'deactivated']);
    expect(log[0]).toMatchObject({
      actor: 'op',
      subject: `${T1}/1/1`,
      details: { from: 'active', reason: 'r' },
    });
  });

  it('erases wrapped material when a key is destroyed and keeps the tombstone', async () => {
    const key = { terminal: T1, purpose: 0, version: 1 };
    await get().transitionKey({ key, to: 'destroyed', at: at(9), actor: 'op', reason: 'retired' });
    const k = await get().getKey(key);
    expect(k).toMatchObject({ state: 'destroyed', wrapped: null, updatedAt: at(9) });
  });

  it('quarantines a terminal with an audit record', async () => {
    const change = { id: T2, status: 'quarantined' as const, at: at(1), actor: 'trust', reason: 'A3' };
    expect(await get().setTerminalStatus(change)).toBe(true);
    expect((await get().getTerminal(T2))?.status).toBe('quarantined');
    expect(await get().setTerminalStatus({ ...change, id: '0000000000000001' as TerminalId })).toBe(false);
    expect((await get().listAudit()).at(-1)).toMatchObject({ action: 'terminal.status', subject: T2 });
  });
}

function describeBatches(get: () => Store): void {
  it('stores a batch and reports a retried frame as duplicate, never storing it twice', async () => {
    const r1 = sampleReading(T1, 1);
    expect(await get().commitBatch({ readings: [r1, sampleReading(T1, 2)] })).toEqual({
      stored: 2,
      duplicates: [],
    });
    const again = await get().commitBatch({
      readings: [sampleReading(T1, 3), { ...r1, activePower: 5 }, r1],
    });
    expect(again).toEqual({ stored: 1, duplicates: [1, 2] });
    expect(await get().countReadings(T1)).toBe(3);
    expect((await get().queryReadings({ terminal: T1 }))[0]?.activePower).toBe(1001);
  });

  it('treats the same fc under another purpose or key version as a different frame', async () => {
    const r = sampleReading(T1, 1);
    await get().commitBatch({
      readings: [r, { ...r, keyVersion: 2 }, { ...r, purpose: 3 }, { ...r, terminal: T2 }],
    });
    expect(await get().countReadings()).toBe(4);
  });

  it('is atomic: an invalid batch writes no reading, replay state, evidence, counter or audit', async () => {
    const auditBefore = (await get().listAudit()).length;
    const bad = {
      readings: [sampleReading(T1, 1), sampleReading('0000000000000009' as TerminalId, 1)],
      replayUpdates: [
        { terminal: T1, purpose: 1, dir: 0 as const, version: 1, state: { highest: 1, bitmap: 1n } },
      ],
      evidenceDeltas: [{ terminal: T1, cycle: 0, requests: 1 }],
      rejectCounts: [{ reason: 'BAD_TAG', count: 1 }],
      audit: [audit('x')],
    };
    await expectCode(get().commitBatch(bad), 'GT_ERR_STORAGE_UNKNOWN_TERMINAL');
    await expectCode(
      get().commitBatch({ ...bad, readings: [sampleReading(T1, 0)] }),
      'GT_ERR_STORAGE_INVALID_BATCH',
    );
    await expectCode(
      get().commitBatch({ ...bad, readings: [sampleReading(T1, 1, { voltage: Number.NaN })] }),
      'GT_ERR_STORAGE_INVALID_BATCH',
    );
    expect(await get().countReadings()).toBe(0);
    expect(await get().getReplayState({ terminal: T1, purpose: 1, dir: 0, version: 1 })).toBeUndefined();
    expect(await get().getEvidence()).toEqual([]);
    expect((await get().getRejectCounts()).byReason).toEqual({});
    expect((await get().listAudit()).length).toBe(auditBefore);
  });

  it('commits readings with their replay window; a window never moves backwards', async () => {
    const key = { terminal: T1, purpose: 1, dir: 0 as const, version: 1 };
    await get().commitBatch({
      readings: [sampleReading(T1, 70)],
      replayUpdates: [{ ...key, state: { highest: 70, bitmap: 1n } }],
    });
    expect(await get().getReplayState(key)).toEqual({ highest: 70, bitmap: 1n });
    await get().commitBatch({ replayUpdates: [{ ...key, state: { highest: 68, bitmap: 1n } }] });
    expect(await get().getReplayState(key)).toEqual({ highest: 70, bitmap: 0b101n });
    const max = { highest: 0xffff_ffff, bitmap: (1n << 64n) - 1n };
    await get().commitBatch({ replayUpdates: [{ ...key, version: 2, state: max }] });
    expect(await get().getReplayState({ ...key, version: 2 })).toEqual(max);
    expect((await get().listReplayStates(T1)).length).toBe(2);
    expect(await get().listReplayStates(T2)).toEqual([]);
  });

  it("counts a reading's counter in its window, with or without an update (ADR 0009)", async () => {
    const key = { terminal: T1, purpose: 1, dir: 0 as const, version: 1 };
    await get().commitBatch({ readings: [sampleReading(T1, 5), sampleReading(T1, 3)] });
    expect(await get().getReplayState(key)).toEqual({ highest: 5, bitmap: 0b101n });
    await get().commitBatch({
      readings: [sampleReading(T1, 6)],
      replayUpdates: [{ ...key, state: { highest: 4, bitmap: 1n } }], // a counter without a reading
    });
    expect(await get().getReplayState(key)).toEqual({ highest: 6, bitmap: 0b1111n });
    expect(await get().listReplayStates(T1)).toEqual([{ ...key, state: { highest: 6, bitmap: 0b1111n } }]);
    expect(await get().getReplayState({ ...key, dir: 1 })).toBeUndefined();
  });

  it('adds evidence per terminal and cycle and computes the mean delay', async () => {
    const d = { terminal: T1, cycle: 3, requests: 2, replies: 1, delaySumMs: 300, delayCount: 2 };
    await get().commitBatch({
      evidenceDeltas: [d, { terminal: T1, cycle: 3, duplicates: 1, integrityFailures: 2 }],
    });
    await get().commitBatch({
      evidenceDeltas: [
        { ...d, delaySumMs: 600, delayCount: 1, late: 1 },
        { terminal: T2, cycle: 4, requests: 1 },
      ],
    });
    const [e1, e2] = await get().getEvidence({ terminal: T1 });
    expect(e2).toBeUndefined();
    expect(e1).toEqual({
      terminal: T1,
      cycle: 3,
      requests: 4,
      replies: 2,
      duplicates: 1,
      late: 1,
      integrityFailures: 2,
      delaySumMs: 900,
      delayCount: 3,
      meanDelayMs: 300,
    });
    expect((await get().getEvidence({ fromCycle: 4 })).map((e) => e.terminal)).toEqual([T2]);
    expect((await get().getEvidence({ toCycle: 3 })).map((e) => e.terminal)).toEqual([T1]);
  });

  it('counts rejected frames by reason and by terminal when known', async () => {
    await get().commitBatch({
      rejectCounts: [
        { reason: 'BAD_TAG', terminal: T1, count: 2 },
        { reason: 'UNKNOWN_TERMINAL', count: 5 },
      ],
    });
    await get().commitBatch({
      rejectCounts: [
        { reason: 'BAD_TAG', terminal: T1, count: 1 },
        { reason: 'BAD_TAG', count: 1 },
      ],
    });
    const c = await get().getRejectCounts();
    expect(c.byReason).toEqual({ BAD_TAG: 4, UNKNOWN_TERMINAL: 5 });
    expect(c.byTerminal).toEqual([{ terminal: T1, reason: 'BAD_TAG', count: 3 }]);
  });

  it('runs concurrent batches independently (one bad batch fails only its own caller)', async () => {
    const results = await Promise.allSettled([
      get().commitBatch({ readings: [sampleReading(T1, 1)] }),
      get().commitBatch({ readings: [sampleReading('0000000000000009' as TerminalId, 1)] }),
      get().commitBatch({ readings: [sampleReading(T2, 1), sampleReading(T1, 1)] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toEqual({ status: 'fulfilled', value: { stored: 1, duplicates: [1] } });
    expect(await get().countReadings()).toBe(2);
  });
}

function describeQueriesAndAudit(get: () => Store): void {
  it('returns readings of one terminal in a half-open time range, oldest first, every field', async () => {
    const raw = new Uint8Array([0xa1, 0x01, 0x02]);
    const readings = [5, 1, 3, 2, 4].map((fc) =>
      sampleReading(T1, fc, fc === 3 ? { raw, voltage: null } : {}),
    );
    await get().commitBatch({ readings: [...readings, sampleReading(T2, 3)] });
    const got = await get().queryReadings({ terminal: T1, from: at(2 * 60_000), to: at(5 * 60_000) });
    expect(got.map((r) => r.fc)).toEqual([2, 3, 4]);
    expect(got[1]).toMatchObject({
      voltage: null,
      activePower: 1003,
      frequency: 50.01,
      receivedAt: at(3 * 60_000 + 150),
    });
    expect(Buffer.from(got[1]!.raw!).toString('hex')).toBe('a10102');
    expect((await get().queryReadings({ terminal: T1, limit: 2 })).map((r) => r.fc)).toEqual([1, 2]);
    expect(await get().queryReadings({ terminal: T1, from: at(10 ** 9) })).toEqual([]);
  });

  it('aggregates active power in buckets', async () => {
    await get().commitBatch({ readings: [1, 2, 3, 4, 5].map((fc) => sampleReading(T1, fc)) });
    const b = await get().aggregateReadings({
      terminal: T1,
      from: at(0),
      to: at(5 * 60_000),
      bucketMs: 120_000,
    });
    expect(b).toEqual([
      { start: at(0), count: 1, meanActivePower: 1001, maxActivePower: 1001 },
      { start: at(120_000), count: 2, meanActivePower: 1002.5, maxActivePower: 1003 },
      { start: at(240_000), count: 1, meanActivePower: 1004, maxActivePower: 1004 },
    ]);
  });

  it('chains the audit log with SHA-256 and verifies it', async () => {
    const recs = await get().appendAudit([audit('a'), audit('b')]);
    expect(recs.map((r) => r.seq)).toEqual([2, 3]);
    expect(recs[1]?.prevHash).toBe(recs[0]?.hash);
    await get().commitBatch({ audit: [audit('c')] });
    const all = await get().listAudit();
    expect(all.map((r) => r.action)).toEqual(['terminal.add', 'a', 'b', 'c']);
    expect(all[0]?.prevHash).toBe('0'.repeat(64));
    expect(await get().verifyAudit()).toEqual({ ok: true, count: 4, head: all[3]?.hash });
    expect((await get().listAudit({ afterSeq: 2, limit: 1 })).map((r) => r.action)).toEqual(['b']);
  });

  it('refuses work after close', async () => {
    const s = get();
    await s.close();
    await expectCode(s.commitBatch({ readings: [sampleReading(T1, 1)] }), 'GT_ERR_STORAGE_CLOSED');
  });
}
