// The SQLite store passes the store conformance suite; plus durability, migration and tamper checks.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId } from '../../core/index.ts';
import { describeStoreConformance, sampleKey, sampleReading, sampleTerminal } from '../conformance.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-sqlite-'));
let n = 0;
const freshPath = (): string => join(dir, `s${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreConformance('sqlite (read worker)', () => openSqliteStore({ path: freshPath() }));
describeStoreConformance('sqlite (inline reads, synchronous=normal, no delay)', () =>
  openSqliteStore({
    path: freshPath(),
    readWorker: false,
    synchronous: 'normal',
    groupCommit: { maxDelayMs: 0 },
  }),
);

const T = 'aabbccddeeff0011' as TerminalId;

/** Runs one query on its own read-only connection (what another process would see). */
function peek<R>(path: string, sql: string): R[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], R>(sql).all();
  } finally {
    db.close();
  }
}

const countRows = (path: string, table: string) =>
  peek<{ n: number }>(path, `SELECT COUNT(*) AS n FROM ${table}`)[0]?.n;

/** Waits (up to 2 s) until the write worker has merged the whole inbox into readings. */
async function inboxMerged(path: string): Promise<void> {
  for (let i = 0; i < 200 && countRows(path, 'readings_inbox') !== 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(countRows(path, 'readings_inbox')).toBe(0);
}

describe('sqlite store', () => {
  it('keeps everything across close and reopen, and applies migrations once', async () => {
    const path = freshPath();
    const a = await openSqliteStore({ path });
    await a.addTerminals({ terminals: [sampleTerminal(T)], keys: [sampleKey(T, 0)], audit: [] });
    await a.commitBatch({ readings: [sampleReading(T, 1)] });
    await a.close();
    const b = await openSqliteStore({ path });
    expect(await b.countReadings()).toBe(1);
    expect(await b.commitBatch({ readings: [sampleReading(T, 1)] })).toEqual({ stored: 0, duplicates: [0] });
    await b.close();
    const db = new Database(path);
    expect(db.prepare('SELECT version FROM migrations').all()).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
    db.close();
  });

  it('groups concurrent batches into fewer transactions, each caller resolved after commit', async () => {
    const s = await openSqliteStore({ path: freshPath(), groupCommit: { maxDelayMs: 5 } });
    await s.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    const before = s.groupCommits;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => s.commitBatch({ readings: [sampleReading(T, i + 1)] })),
    );
    expect(results.every((r) => r.stored === 1)).toBe(true);
    expect(s.groupCommits - before).toBeLessThan(5);
    expect(await s.countReadings(T)).toBe(50);
    await s.close();
  });

  it('merges the inbox into readings and still finds every duplicate, in either table and after reopen', async () => {
    const path = freshPath();
    const inboxRows = () => [countRows(path, 'readings_inbox'), countRows(path, 'readings')];
    const a = await openSqliteStore({ path, inbox: { mergeSlice: 3, idleMs: 5 } });
    await a.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    await a.commitBatch({ readings: [5, 1, 3, 2, 4].map((fc) => sampleReading(T, fc)) });
    await inboxMerged(path);
    expect(inboxRows()).toEqual([0, 5]);
    // fc 3 is in readings by now; the second fc 7 finds the first one in the inbox.
    const r = await a.commitBatch({
      readings: [sampleReading(T, 7), sampleReading(T, 3), sampleReading(T, 7)],
    });
    expect(r).toEqual({ stored: 1, duplicates: [1, 2] });
    expect((await a.queryReadings({ terminal: T })).map((x) => x.fc)).toEqual([1, 2, 3, 4, 5, 7]);
    await a.close();
    const b = await openSqliteStore({ path, inbox: { idleMs: 60_000 } });
    const again = await b.commitBatch({ readings: [6, 7, 1].map((fc) => sampleReading(T, fc)) });
    expect(again).toEqual({ stored: 1, duplicates: [1, 2] });
    expect(await b.countReadings(T)).toBe(7);
    expect(inboxRows()[0]).toBeGreaterThan(0);
    await b.close();
  });

  it('merges one slice after every group once the inbox is over its hard limit', async () => {
    const path = freshPath();
    const s = await openSqliteStore({ path, inbox: { mergeSlice: 4, hardLimit: 2, idleMs: 60_000 } });
    await s.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    for (let fc = 1; fc <= 12; fc += 3)
      await s.commitBatch({ readings: [fc, fc + 1, fc + 2].map((f) => sampleReading(T, f)) });
    await s.close();
    expect(countRows(path, 'readings')).toBeGreaterThanOrEqual(8);
    expect((countRows(path, 'readings') ?? 0) + (countRows(path, 'readings_inbox') ?? 0)).toBe(12);
  });

  it('keeps a window its readings imply in the inbox rows, and writes it before they are merged', async () => {
    const path = freshPath();
    const rows = () => peek(path, 'SELECT dir, highest, bitmap FROM replay_state ORDER BY dir');
    const key = { terminal: T, purpose: 1, dir: 0 as const, version: 1 };
    const a = await openSqliteStore({ path, inbox: { idleMs: 60_000 } });
    await a.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    await a.commitBatch({
      readings: [sampleReading(T, 1), sampleReading(T, 3)],
      replayUpdates: [{ ...key, state: { highest: 3, bitmap: 0b101n } }],
    });
    // Counter 2 has no reading (a frame whose payload did not decode): its update must be written.
    await a.commitBatch({ replayUpdates: [{ ...key, state: { highest: 3, bitmap: 0b111n } }] });
    await a.commitBatch({
      readings: [sampleReading(T, 5)],
      replayUpdates: [{ ...key, state: { highest: 5, bitmap: 0b11101n } }],
    });
    await a.commitBatch({ readings: [sampleReading(T, 9)] }); // no update: the reading still counts
    const want = { highest: 9, bitmap: 0b111010001n };
    expect(await a.getReplayState(key)).toEqual(want);
    expect(rows()).toEqual([{ dir: 0, highest: 3, bitmap: '0000000000000007' }]);
    await a.close();
    const b = await openSqliteStore({ path, inbox: { idleMs: 5, mergeSlice: 2 } });
    expect(await b.listReplayStates(T)).toEqual([{ ...key, state: want }]);
    await inboxMerged(path);
    expect(rows()).toEqual([{ dir: 0, highest: 9, bitmap: want.bitmap.toString(16).padStart(16, '0') }]);
    expect(await b.getReplayState(key)).toEqual(want);
    await b.close();
  });

  it('writes every window the inbox implies after a rolled-back group, before merging', async () => {
    const path = freshPath();
    const s = await openSqliteStore({ path, groupCommit: { maxDelayMs: 20 }, inbox: { idleMs: 5 } });
    await s.addTerminals({ terminals: [sampleTerminal(T)], keys: [], audit: [] });
    const key = { terminal: T, purpose: 1, dir: 0 as const, version: 1 };
    const update = (fc: number) => ({ ...key, state: { highest: fc, bitmap: 1n } });
    await s.commitBatch({ readings: [sampleReading(T, 1)], replayUpdates: [update(1)] });
    await inboxMerged(path); // the worker now knows which inbox rows its windows cover
    const stranger = 'ffffffffffffffff' as TerminalId;
    const [good, bad] = await Promise.allSettled([
      s.commitBatch({ readings: [sampleReading(T, 4)], replayUpdates: [update(4)] }),
      s.commitBatch({ readings: [sampleReading(stranger, 1)] }), // rolls the group's fast path back
    ]);
    expect([good.status, bad.status]).toEqual(['fulfilled', 'rejected']);
    await inboxMerged(path);
    expect(peek(path, 'SELECT highest, bitmap FROM replay_state')).toEqual([
      { highest: 4, bitmap: '0000000000000009' },
    ]);
    expect(await s.getReplayState(key)).toEqual({ highest: 4, bitmap: 0b1001n });
    await s.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const path = freshPath();
    await (await openSqliteStore({ path })).close();
    const db = new Database(path);
    db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    db.close();
    await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'GT_ERR_STORAGE_SCHEMA_TOO_NEW' });
  });

  it('refuses UPDATE on the audit log, and detects a row rewritten behind its back', async () => {
    const path = freshPath();
    const s = await openSqliteStore({ path });
    const e = { at: 1 as never, actor: 'a', action: 'x', subject: 's', details: { k: 1 } };
    await s.appendAudit([e, e, e]);
    const db = new Database(path);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'm' WHERE seq = 2").run()).toThrow(/append-only/);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET details = '{"k":2}' WHERE seq = 2`).run();
    db.close();
    expect(await s.verifyAudit()).toEqual({ ok: false, brokenAt: 2, reason: 'BAD_HASH' });
    await s.close();
  });
});
