// `gridtrust demo --json` as a user runs it: one JSON document with the DESIGN.md contract, exit 0.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('gridtrust demo', () => {
  it('runs a small fleet with attacks and prints the summary contract, then exits cleanly', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        'bin/gridtrust.mjs',
        'demo',
        '--terminals',
        '30',
        '--malicious',
        '0.3',
        '--duration',
        '5',
        '--seed',
        '7',
        '--json',
      ],
      { timeout: 90_000 },
    );
    const s = JSON.parse(stdout) as {
      terminals: number;
      framesAccepted: number;
      framesRejected: Record<string, number>;
      flagged: { id: string; reason: string; cycle: number }[];
      detection: { truePositives: number; falsePositives: number; falseNegatives: number };
      httpUrl: string;
      malicious: { id: string }[];
    };
    expect(s.terminals).toBe(30);
    expect(s.framesAccepted).toBeGreaterThan(30);
    expect(Object.keys(s.framesRejected).length).toBeGreaterThan(0);
    expect(s.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.malicious).toHaveLength(9);
    const d = s.detection;
    expect(d.truePositives + d.falseNegatives).toBe(9);
    expect(d.truePositives + d.falsePositives).toBe(s.flagged.length);
    for (const f of s.flagged)
      expect(f).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{16}$/), reason: expect.any(String) });
  });
});
