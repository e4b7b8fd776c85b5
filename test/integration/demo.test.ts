// `gridtrust demo --json` as a user runs it: one JSON document with the DESIGN.md contract, exit 0.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/gridtrust.mjs', import.meta.url));

describe('gridtrust demo', () => {
  it('runs the simulator fleet with attacks from another cwd, flags through the trust engine, exits cleanly', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [BIN, 'demo', '--terminals', '30', '--malicious', '0.3', '--duration', '8', '--seed', '7', '--json'],
      { timeout: 90_000, cwd: tmpdir() },
    );
    const s = JSON.parse(stdout) as {
      terminals: number;
      framesAccepted: number;
      framesRejected: Record<string, number>;
      flagged: { id: string; reason: string; cycle: number }[];
      detection: { truePositives: number; falsePositives: number; falseNegatives: number };
      httpUrl: string;
      malicious: { id: string }[];
      loadCurves: string;
    };
    expect(s.loadCurves, stderr).toBe('lcl'); // the data path does not depend on the cwd
    expect(s.terminals).toBe(30);
    expect(s.framesAccepted).toBeGreaterThan(30);
    expect(Object.keys(s.framesRejected).length).toBeGreaterThan(0);
    expect(s.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.malicious).toHaveLength(9);
    const d = s.detection;
    expect(d.truePositives + d.falseNegatives).toBe(9);
    expect(d.truePositives + d.falsePositives).toBe(new Set(s.flagged.map((f) => f.id)).size);
    expect(d.truePositives).toBeGreaterThan(0); // flags come from the trust engine's decisions
    expect(d.falsePositives).toBeLessThanOrEqual(1);
    expect(s.framesRejected.QUARANTINED ?? 0).toBeGreaterThan(0); // a flagged terminal is refused
    for (const f of s.flagged)
      expect(f).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{16}$/), reason: expect.any(String) });
  });
});
