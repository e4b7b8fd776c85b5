// Live mode equals the world: an honest fleet through `simulate --target` against the running platform,
// over CoAP and MQTT at --speed 600, 60 and 1 (1 s trust cycles): nobody is quarantined.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { makeTerminals, startTestPlatform } from './support/platform.ts';

function captureIo(): CliIo & { stdout: string[] } {
  const stdout: string[] = [];
  return { stdout, out: (t) => stdout.push(t), err: () => undefined, interactive: false, env: {} };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function honestRun(scheme: 'coap' | 'mqtt', speed: number) {
  const terminals = makeTerminals(40);
  const lines: string[] = [];
  const env = await startTestPlatform({ terminals, flags: { cycleMs: 1000 } });
  try {
    const csv = join(mkdtempSync(join(tmpdir(), 'gt-live-')), 'keys.csv');
    const rows = terminals.map((t) => `${t.id},${t.rootKey.toString('hex')}`);
    writeFileSync(csv, ['system_title,root_key', ...rows].join('\n'));
    const io = captureIo();
    const port = scheme === 'coap' ? env.platform.coapPort : env.platform.mqttPort;
    const code = await main(
      [
        'simulate',
        '--target',
        `${scheme}://127.0.0.1:${port}`,
        ...['--root-keys', csv, '--terminals', '40', '--per-fusion', '20', '--seed', '3'],
        ...['--speed', String(speed), '--duration', speed === 1 ? '4' : '6', '--batching', 'each'],
        '--json',
      ],
      io,
    );
    await sleep(2300); // the last cycles end and are scored
    await env.platform.closeEndedCycles();
    const quarantined = (await env.store.listTerminals()).filter((t) => t.status !== 'active');
    const r = JSON.parse(io.stdout.join('')) as { frames: number; failed: boolean; reason?: string };
    return { code, r, quarantined, lines };
  } finally {
    await env.platform.close();
  }
}

describe('live honest fleet (simulate --target → serve)', () => {
  for (const scheme of ['coap', 'mqtt'] as const) {
    for (const speed of [600, 60, 1]) {
      it(`${scheme} at --speed ${speed}: frames flow, nobody is quarantined, the run passes`, async () => {
        const { code, r, quarantined } = await honestRun(scheme, speed);
        expect(r.frames).toBeGreaterThan(40);
        expect(quarantined.map((t) => `${t.id} ${t.status}`)).toEqual([]);
        expect(r.reason).toBeUndefined();
        expect(r.failed).toBe(false);
        expect(code).toBe(0);
      }, 120_000);
    }
  }
});
