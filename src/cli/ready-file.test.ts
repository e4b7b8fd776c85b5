// The ready file: written with its pid, removed on shutdown only if still ours, refused while its
// process runs, removed as stale when its process is gone (or it has no pid).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGridtrustError } from '../core/index.ts';
import { claimReadyFile, inspectReadyFile, removeReadyFile, writeReadyFile } from './ready-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-ready-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

describe('ready file', () => {
  it('is written with the pid and removed on shutdown', () => {
    const p = join(dir, 'a.json');
    writeReadyFile(p, { mqttPort: 1 }, 4242);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ mqttPort: 1, pid: 4242 });
    expect(inspectReadyFile(p, alive([4242]))).toEqual({ state: 'live', pid: 4242 });
    removeReadyFile(p, 4242);
    expect(existsSync(p)).toBe(false);
  });

  it('is not removed by another process', () => {
    const p = join(dir, 'b.json');
    writeReadyFile(p, {}, 1111);
    removeReadyFile(p, 2222);
    expect(existsSync(p)).toBe(true);
  });

  it("is refused at start while its process runs (GT_ERR_CLI_READY_FILE, exit 2's code)", () => {
    const p = join(dir, 'c.json');
    writeReadyFile(p, {}, 77);
    let err: unknown;
    try {
      claimReadyFile(p, () => undefined, alive([77]));
    } catch (e) {
      err = e;
    }
    expect(isGridtrustError(err) && err.code).toBe('GT_ERR_CLI_READY_FILE');
    expect((err as Error).message).toBe(`${p} belongs to a running gridtrust (pid 77)`);
    expect(existsSync(p)).toBe(true);
  });

  it('is removed as stale at start when its process is gone, saying so', () => {
    const p = join(dir, 'd.json');
    writeReadyFile(p, { mqttPort: 1883 }, 99);
    const notes: string[] = [];
    claimReadyFile(p, (l) => notes.push(l), alive([]));
    expect(existsSync(p)).toBe(false);
    expect(notes).toEqual([`removed stale ready file ${p} (its process 99 is gone)`]);
  });

  it('an old ready file without a pid counts as stale', () => {
    const p = join(dir, 'e.json');
    writeFileSync(p, '{"mqttPort":1883}\n');
    expect(inspectReadyFile(p, alive([]))).toEqual({ state: 'stale', pid: null });
  });
});
