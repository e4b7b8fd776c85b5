// kill -9 during group commits: every commit that resolved is stored, nothing twice, replay window covers it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalId } from '../../core/index.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHILD = join(import.meta.dirname, 'crash-child.fixture.ts');

/** Runs the child until it has reported `minAcks` commits, then SIGKILLs it; returns the acked fcs. */
function runAndKill(path: string, start: number, minAcks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buf = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (/^\d+$/.test(l)) acked.push(Number(l));
      if (acked.length >= minAcks) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`child ended: ${err}`)),
    );
  });
}

describe('sqlite store crash safety', () => {
  it('loses no resolved commit and stores none twice across kill -9 and restart', async () => {
    const path = join(dir, 'crash.db');
    const first = await runAndKill(path, 1, 300);
    // The restarted writer re-sends from an fc it already used (like a terminal retrying unacked frames).
    const second = await runAndKill(path, Math.max(1, Math.min(...first) + 10), 300);
    const store = await openSqliteStore({ path, readWorker: false });
    const T = '00000000000000c1' as TerminalId;
    const stored = (await store.queryReadings({ terminal: T, limit: 1_000_000 })).map((r) => r.fc);
    expect(new Set(stored).size).toBe(stored.length);
    const missing = [...first, ...second].filter((fc) => !stored.includes(fc));
    expect(missing).toEqual([]);
    const w = await store.getReplayState({ terminal: T, purpose: 1, dir: 0, version: 1 });
    expect(w?.highest).toBeGreaterThanOrEqual(Math.max(...stored));
    await store.close();
  });
});
