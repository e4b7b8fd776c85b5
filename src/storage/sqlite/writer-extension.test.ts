// Writer extensions of the SQLite store: commits from inside the write worker, their failures, a bad module, close.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId } from '../../core/index.ts';
import { sampleReading, sampleTerminal } from '../conformance.ts';
import type { CommitBatch } from '../types.ts';
import { openSqliteStore, type SqliteStore } from './sqlite-store.ts';
import type { FixtureReply } from './writer-extension.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-writer-ext-'));
let n = 0;
const freshPath = (): string => join(dir, `x${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = '00000000000000a1' as TerminalId;
const UNKNOWN = '00000000000000ff' as TerminalId;
const FIXTURE = new URL('./writer-extension.fixture.ts', import.meta.url);
const windowOf = (terminal: TerminalId, highest: number) => ({
  terminal,
  purpose: 1,
  dir: 0 as const,
  version: 1,
  state: { highest, bitmap: 1n },
});

async function storeWithTerminal(): Promise<SqliteStore> {
  const store = await openSqliteStore({ path: freshPath(), readWorker: false });
  await store.addTerminals({ terminals: [sampleTerminal(A)], keys: [], audit: [] });
  return store;
}

/** `extendWriter`, which every SQLite store has (it is optional on the Store port). */
function extend(store: SqliteStore, entry: URL, data: unknown): Promise<MessagePort> {
  if (store.extendWriter === undefined) throw new Error('this SQLite store has no extendWriter');
  return store.extendWriter(entry, data);
}

/** Sends batches to the fixture on `port` and resolves each with the fixture's answer. */
function committerOn(port: MessagePort): (batch: CommitBatch) => Promise<FixtureReply> {
  const waiting = new Map<number, (r: FixtureReply) => void>();
  let next = 0;
  port.on('message', (r: FixtureReply) => {
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  return (batch) =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      port.postMessage({ id, batch });
    });
}

/** Resolves when `port` emits 'close', or rejects after `ms`. */
function closed(port: MessagePort, ms = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'close' within ${ms} ms`)), ms);
    void once(port, 'close').then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('sqlite writer extension', () => {
  it('commits a batch in the write worker that reads see at once, counted as a group commit', async () => {
    const store = await storeWithTerminal();
    const port = await extend(store, FIXTURE, { tag: 'first' });
    const commit = committerOn(port);
    const before = store.groupCommits;
    const batch = { readings: [1, 2, 3].map((fc) => sampleReading(A, fc)), replayUpdates: [windowOf(A, 3)] };
    expect(await commit(batch)).toEqual({ id: 1, tag: 'first', ok: true, stored: 3 });
    expect(store.groupCommits - before).toBe(1);
    expect(await store.countReadings(A)).toBe(3);
    expect((await store.queryReadings({ terminal: A })).map((r) => r.fc)).toEqual([1, 2, 3]);
    // Each reading carries its own counter (ADR 0009): the window holds all three.
    expect(await store.getReplayState(windowOf(A, 0))).toEqual({ highest: 3, bitmap: 0b111n });
    // The same readings again are duplicates, as through commitBatch.
    expect(await commit({ readings: [sampleReading(A, 2)] })).toMatchObject({ ok: true, stored: 0 });
    expect(await store.commitBatch({ readings: [sampleReading(A, 3), sampleReading(A, 4)] })).toEqual({
      stored: 1,
      duplicates: [0],
    });
    expect(await store.countReadings(A)).toBe(4);
    port.close();
    await store.close();
  });

  it('throws a StorageError and writes nothing for an invalid batch, then commits the next one', async () => {
    const store = await storeWithTerminal();
    const port = await extend(store, FIXTURE, { tag: 2 });
    const commit = committerOn(port);
    const unknown = await commit({
      readings: [sampleReading(A, 1), sampleReading(UNKNOWN, 1)],
      replayUpdates: [windowOf(A, 1)], // a known terminal's window in the same, rolled-back batch
    });
    expect(unknown).toMatchObject({ ok: false, storageError: true, code: 'GT_ERR_STORAGE_UNKNOWN_TERMINAL' });
    const invalid = await commit({ readings: [sampleReading(A, 0)] }); // fc 0 is never a frame counter
    expect(invalid).toMatchObject({ ok: false, storageError: true, code: 'GT_ERR_STORAGE_INVALID_BATCH' });
    expect(await store.countReadings()).toBe(0);
    expect(await store.getReplayState(windowOf(A, 0))).toBeUndefined();
    expect(await commit({ readings: [sampleReading(A, 1)], replayUpdates: [windowOf(A, 1)] })).toEqual({
      id: 3,
      tag: 2,
      ok: true,
      stored: 1,
    });
    expect(await store.countReadings(A)).toBe(1);
    expect(await store.getReplayState(windowOf(A, 0))).toEqual({ highest: 1, bitmap: 1n });
    port.close();
    await store.close();
  });

  it('rejects a module without attachWriterExtension (or none at all) and keeps the store working', async () => {
    const store = await storeWithTerminal();
    // writer-extension.ts holds only types: a module that loads but exports no attachWriterExtension.
    const typesOnly = new URL('./writer-extension.ts', import.meta.url);
    await expect(extend(store, typesOnly, {})).rejects.toMatchObject({
      name: 'StorageError',
      code: 'GT_ERR_STORAGE_WRITE',
      message: expect.stringContaining('does not export attachWriterExtension') as unknown,
    });
    const missing = new URL('./no-such-extension.fixture.ts', import.meta.url);
    await expect(extend(store, missing, {})).rejects.toMatchObject({
      code: 'GT_ERR_STORAGE_WRITE',
      message: expect.stringContaining('no-such-extension') as unknown,
    });
    expect(await store.commitBatch({ readings: [sampleReading(A, 1)] })).toEqual({
      stored: 1,
      duplicates: [],
    });
    const port = await extend(store, FIXTURE, { tag: 'after' });
    expect(await committerOn(port)({ readings: [sampleReading(A, 2)] })).toMatchObject({
      ok: true,
      stored: 1,
    });
    expect(await store.countReadings(A)).toBe(2);
    port.close();
    await store.close();
  });

  it("closes the extension's port when the store closes, and refuses new extensions after", async () => {
    const store = await storeWithTerminal();
    const port = await extend(store, FIXTURE, { tag: 'closing' });
    const commit = committerOn(port);
    expect(await commit({ readings: [sampleReading(A, 1)] })).toMatchObject({ ok: true });
    const portClosed = closed(port);
    await store.close();
    await portClosed;
    await expect(extend(store, FIXTURE, {})).rejects.toMatchObject({ code: 'GT_ERR_STORAGE_CLOSED' });
    const again = await openSqliteStore({ path: store.path, readWorker: false });
    expect(await again.countReadings(A)).toBe(1);
    await again.close();
  });
});
