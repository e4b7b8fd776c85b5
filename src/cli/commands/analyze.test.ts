// CLI contract of `gridtrust analyze`: JSON fields, .npy input with --init-centers and --tol 0, bad input exit codes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { writeNpyFile } from '../data-files.ts';
import type { CliIo } from '../io.ts';

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    interactive: false,
    env: {},
    stdout: () => out,
    stderr: () => err,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gt-analyze-'));

describe('gridtrust analyze', () => {
  it('clusters a .npy matrix from given centres for exactly --max-iter iterations with --tol 0', async () => {
    const rows = 400;
    const data = new Float64Array(rows * 24);
    for (let i = 0; i < rows; i++)
      for (let t = 0; t < 24; t++)
        data[i * 24 + t] = Math.sin((t + (i % 4) * 6) / 4) + ((i * 7 + t) % 5) / 50;
    writeNpyFile(join(dir, 'x.npy'), { rows, cols: 24, data });
    writeNpyFile(join(dir, 'c.npy'), { rows: 3, cols: 24, data: data.slice(0, 72) });
    const io = capture();
    const code = await main(
      [
        'analyze',
        'clusters',
        '--input',
        join(dir, 'x.npy'),
        '--k',
        '3',
        '--init-centers',
        join(dir, 'c.npy'),
        '--max-iter',
        '7',
        '--tol',
        '0',
        '--threads',
        '1',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout()) as Record<string, unknown>;
    expect(doc).toMatchObject({ k: 3, iterations: 7, daysUsed: 400, daysDropped: 0 });
    expect(typeof doc.inertia).toBe('number');
    expect(typeof doc.seconds).toBe('number');
    expect((doc.centroids as number[][]).length).toBe(3);
  });

  it('rejects a malformed CSV with the line number and exit code 2', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,value\n2000-06-05T00:00:00,1\n2000-06-05T00:30:00,x\n');
    const io = capture();
    const code = await main(
      ['analyze', 'forecast', '--input', join(dir, 'bad.csv'), '--train-until', '2000-06-05T00:30', '--json'],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr()).toContain('bad.csv:3');
    expect(io.stdout()).toBe('');
  });

  it('rejects a bad option with a hint', async () => {
    const io = capture();
    const code = await main(
      ['analyze', 'clusters', '--input', join(dir, 'x.npy'), '--algorithm', 'fast'],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr()).toContain('hint:');
  });
});
