// kill -9 of the platform while jobs run: each restart resumes from the journal's cursor; the SE ends in
// the intended state with every effect applied exactly once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../src/core/index.ts';
import type { SimSeState } from '../src/sim/index.ts';
import { SCENARIO_EFFECTS } from '../src/sim/se/scenario.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-tsm-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHILD = join(import.meta.dirname, 'support', 'tsm-crash-child.ts');

/** Runs the child; SIGKILLs it after `killAfter` exchanges. Resolves true when it finished by itself. */
function runChild(args: string[], killAfter: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = 0;
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      seen += d.toString().split('x').length - 1;
      if (seen >= killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0 && out.includes('done')) resolve(true);
      else reject(new Error(`child ended ${code}: ${err}`));
    });
  });
}

describe('TSM jobs across platform kill -9', () => {
  it('resume from the durable cursor and apply every step once', async () => {
    const args = [join(dir, 'tsm.db'), join(dir, 'se.json')];
    const rnd = createRandom(18);
    let finished = false;
    let kills = 0;
    for (let round = 0; round < 40 && !finished; round++) {
      finished = await runChild(args, rnd.int(1, 12));
      if (!finished) kills++;
    }
    expect(finished).toBe(true);
    expect(kills).toBeGreaterThan(3);
    const se = JSON.parse(readFileSync(args[1]!, 'utf8')) as SimSeState;
    expect(se.effects).toEqual(SCENARIO_EFFECTS);
  }, 120_000);
});
