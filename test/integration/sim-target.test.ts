// `gridtrust simulate --target coap://…` against the embedded platform: real frames, attacks answered as the ground truth says.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { makeTerminals, startTestPlatform } from './support/platform.ts';

const terminals = makeTerminals(60);
let env: Awaited<ReturnType<typeof startTestPlatform>>;

beforeAll(async () => {
  env = await startTestPlatform({ terminals });
});
afterAll(async () => {
  await env.platform.close();
});

function captureIo(): CliIo & { stdout: string[] } {
  const stdout: string[] = [];
  return { stdout, out: (t) => stdout.push(t), err: () => undefined, interactive: false, env: {} };
}

describe('gridtrust simulate --target', () => {
  it('sends real SGT1 frames over CoAP; every answer matches the fleet ground truth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-sim-'));
    const csv = join(dir, 'keys.csv');
    const rows = terminals.map((t) => `${t.id},${t.rootKey.toString('hex')}`);
    writeFileSync(csv, ['system_title,root_key', ...rows].join('\n'));
    const io = captureIo();
    const code = await main(
      [
        'simulate',
        '--target',
        `coap://127.0.0.1:${env.platform.coapPort}`,
        '--root-keys',
        csv,
        '--terminals',
        '60',
        '--speed',
        '7200',
        '--duration',
        '20',
        '--hours',
        '3',
        '--malicious',
        '0.2',
        '--batching',
        'each',
        '--json',
      ],
      io,
    );
    const r = JSON.parse(io.stdout.join('')) as {
      frames: number;
      framesFailed: number;
      framesRejected: Record<string, number>;
      truthCheck: { mismatches: number };
    };
    expect(r.frames).toBeGreaterThan(500);
    expect(r.framesFailed).toBe(0);
    expect(r.truthCheck.mismatches).toBe(0);
    expect(Object.keys(r.framesRejected).length).toBeGreaterThanOrEqual(3);
    expect(code).toBe(0);
    await env.platform.pipeline.flush();
    expect(await env.store.countReadings(terminals[1]!.id)).toBeGreaterThan(5);
  });
});
