// `gridtrust simulate --virtual`: the --json contract, determinism by seed, sealing a subset, and bad input → exit 2.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import { readRootKeys } from './simulate-keys.ts';

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    interactive: false,
    env: {},
  };
}

async function run(args: string[]) {
  const io = captureIo();
  const code = await main(['simulate', ...args], io);
  return { code, io };
}

describe('gridtrust simulate --virtual', () => {
  it('prints one JSON document with the contract fields and the ground truth', async () => {
    const { code, io } = await run([
      '--virtual',
      '--terminals',
      '300',
      '--hours',
      '6',
      '--malicious',
      '0.1',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(io.stderr.join('')).toBe('');
    const r = JSON.parse(io.stdout.join('')) as Record<string, unknown>;
    for (const k of [
      'terminals',
      'frames',
      'energyJoules',
      'seconds',
      'framesRejected',
      'battery',
      'sizing',
    ]) {
      expect(r).toHaveProperty(k);
    }
    expect(r.terminals).toBe(300);
    expect(r.frames).toBeGreaterThan(300);
    expect((r.groundTruth as unknown[]).length).toBe(30);
  });

  it('is deterministic for a seed (apart from timings)', async () => {
    const strip = (s: string) => {
      const r = JSON.parse(s) as Record<string, unknown>;
      delete r.seconds;
      delete r.simulationSeconds;
      return r;
    };
    const a = await run(['--virtual', '--terminals', '120', '--hours', '3', '--seed', '4', '--json']);
    const b = await run(['--virtual', '--terminals', '120', '--hours', '3', '--seed', '4', '--json']);
    expect(strip(a.io.stdout.join(''))).toEqual(strip(b.io.stdout.join('')));
  });

  it('seals real frames for an --encrypt subset (bytes = model + 33 B SGT1 overhead per frame)', async () => {
    const { io } = await run([
      '--virtual',
      '--terminals',
      '50',
      '--hours',
      '2',
      '--encrypt',
      '10',
      '--batching',
      'each',
      '--json',
    ]);
    const r = JSON.parse(io.stdout.join('')) as { encrypted: { sealedFrames: number; sealedBytes: number } };
    expect(r.encrypted.sealedFrames).toBeGreaterThan(10);
    expect(r.encrypted.sealedBytes).toBeGreaterThan(r.encrypted.sealedFrames * 33);
  });

  it('writes one CSV row per terminal with --terminals-out (hierarchy, position, attack)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gt-sim-out-')), 'terminals.csv');
    const { code } = await run([
      '--virtual',
      '--terminals',
      '200',
      '--hours',
      '2',
      '--malicious',
      '0.1',
      '--terminals-out',
      file,
    ]);
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(201);
    expect(lines.filter((l) => /,[A-Z_]+,\d{4}-/.test(l))).toHaveLength(20);
  });

  it.each([
    [['--virtual', '--terminals', '0'], 'GT_ERR_CLI_BAD_NUMBER'],
    [['--virtual', '--malicious', '1.5'], 'GT_ERR_CLI_BAD_NUMBER'],
    [['--virtual', '--profile', 'lab'], 'GT_ERR_CLI_USAGE'],
    [['--virtual', '--batching', 'weekly'], 'GT_ERR_CLI_USAGE'],
    [['--virtual', '--battery-kinds', 'meter,toaster'], 'GT_ERR_CLI_USAGE'],
    [['--virtual', '--start', 'yesterday'], 'GT_ERR_CLI_USAGE'],
    [['--terminals', '5'], 'GT_ERR_CLI_USAGE'],
    [['--target', 'http://x:1', '--terminals', '5'], 'GT_ERR_CLI_USAGE'],
    [['--target', 'coap://127.0.0.1:5683'], 'GT_ERR_CLI_MISSING_SECRET'],
  ])('rejects %j with exit 2 and %s', async (args, errCode) => {
    const { code, io } = await run(args);
    expect(code).toBe(2);
    expect(io.stderr.join('')).toContain(errCode);
    expect(io.stdout.join('')).toBe('');
  });
});

describe('gridtrust simulate --write-root-keys / --root-keys', () => {
  it('writes an importable CSV (mode 0600) that --root-keys reads back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gt-sim-keys-')), 'keys.csv');
    const { code } = await run([
      '--write-root-keys',
      file,
      '--terminals',
      '40',
      '--per-fusion',
      '20',
      '--direct-share',
      '0',
    ]);
    expect(code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('system_title,type,fusion_terminal,tenant,root_key');
    expect(lines[1]).toMatch(/^[0-9a-f]{16},ittu,[0-9a-f]{16},1,[0-9a-f]{64}$/);
    const keys = readRootKeys(file);
    expect(keys.size).toBe(40);
    expect([...keys.values()].every((k) => k.length === 32)).toBe(true);
  });

  it('rejects a malformed key file with exit 2, naming the line but never the key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gt-sim-keys-')), 'bad.csv');
    writeFileSync(file, `system_title,root_key\n0011223344556677,${'ab'.repeat(31)}zz\n`);
    const { code, io } = await run(['--target', 'coap://127.0.0.1:5683', '--root-keys', file]);
    expect(code).toBe(2);
    expect(io.stderr.join('')).toContain('line 2');
    expect(io.stderr.join('')).not.toContain('abab');
  });
});
