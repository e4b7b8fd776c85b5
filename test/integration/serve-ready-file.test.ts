// `gridtrust serve --ready-file`: the file appears with the pid once listening, a second serve on the
// same file is refused (exit 2, GT_ERR_CLI_READY_FILE), and SIGTERM removes it before exiting 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gt-ready-it-'));
const ready = join(dir, 'ready.json');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function serve(dataDir: string): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const args = ['bin/gridtrust.mjs', 'serve', '--data-dir', dataDir, '--ready-file', ready];
  const child = spawn(
    process.execPath,
    [...args, '--mqtt-port', '0', '--coap-port', '0', '--http-port', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stderr: () => err, exit };
}

describe('serve --ready-file', () => {
  it('is written with the pid, refused to a second serve, removed on SIGTERM', async () => {
    const first = serve(join(dir, 'a'));
    const end = Date.now() + 90_000;
    while (!existsSync(ready)) {
      if (Date.now() > end || first.child.exitCode !== null) throw new Error(first.stderr());
      await new Promise((r) => setTimeout(r, 100));
    }
    const body = JSON.parse(readFileSync(ready, 'utf8')) as { pid: number; mqttPort: number };
    expect(body.pid).toBe(first.child.pid);
    expect(body.mqttPort).toBeGreaterThan(0);

    const second = serve(join(dir, 'b'));
    expect(await second.exit).toBe(2);
    expect(second.stderr()).toContain(
      `error GT_ERR_CLI_READY_FILE: ${ready} belongs to a running gridtrust (pid ${body.pid})`,
    );

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(existsSync(ready)).toBe(false);
  });
});
