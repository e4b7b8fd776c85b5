// `gridtrust trust world|score|experiment` end to end through main(): one JSON document, exit codes.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import type { CliIo } from '../io.ts';

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    interactive: false,
    env: {},
  };
  return io;
}

const dir = mkdtempSync(join(tmpdir(), 'gt-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gridtrust trust', () => {
  const file = join(dir, 'ev.jsonl');
  it('exports a world and scores it back, finding every attacker', async () => {
    const w = capture();
    expect(
      await main(
        ['trust', 'world', '--export-evidence', file, '--cycles', '12', '--ratio', '0.2', '--json'],
        w,
      ),
    ).toBe(0);
    expect(JSON.parse(w.stdout)).toMatchObject({ terminals: 100, cycles: 13, malicious: 20 });
    const s = capture();
    expect(
      await main(['trust', 'score', '--evidence', file, '--truth', `${file}.truth.json`, '--json'], s),
    ).toBe(0);
    const doc = JSON.parse(s.stdout) as {
      detection: { truePositives: number; falsePositives: number };
      decisions: unknown[];
    };
    expect(doc.detection).toMatchObject({ truePositives: 20, falsePositives: 0 });
    expect(doc.decisions.length).toBe(1300);
  });
  it('reports bad lines with number and reason, scores the rest, exits 2', async () => {
    appendFileSync(file, 'not json\n{"terminal":"x"}\n');
    const s = capture();
    expect(await main(['trust', 'score', '--evidence', file, '--json'], s)).toBe(2);
    const doc = JSON.parse(s.stdout) as { rejected: { line: number; reason: string }[]; records: number };
    expect(doc.rejected.map((r) => r.reason)).toEqual(['BAD_JSON', 'MISSING_FIELD']);
    expect(doc.rejected[0]?.line).toBe(1301);
    expect(doc.records).toBe(1300);
  });
  it('rejects bad options with exit 2 and a hint', async () => {
    const s = capture();
    expect(await main(['trust', 'experiment', '--noise', '-1'], s)).toBe(2);
    expect(s.stderr).toMatch(/GT_ERR_CLI_BAD_NUMBER[\s\S]*hint/);
    const t = capture();
    expect(await main(['trust', 'score', '--evidence', join(dir, 'missing.jsonl')], t)).toBe(2);
    expect(t.stderr).toContain('GT_ERR_TRUST_EVIDENCE_FILE');
  });
  it('runs a tiny experiment in-process and prints the DESIGN.md contract', async () => {
    const s = capture();
    const args = [
      'trust',
      'experiment',
      '--schemes',
      'robust,brs',
      '--ratios',
      '0.2',
      '--seeds',
      '2',
      '--cycles',
      '12',
      '--workers',
      '1',
      '--json',
    ];
    expect(await main(args, s)).toBe(0);
    const doc = JSON.parse(s.stdout) as {
      config: unknown;
      results: { scheme: string; detectionRate: number[]; perAttack: Record<string, number> }[];
    };
    expect(doc.results.map((r) => r.scheme)).toEqual(['robust', 'brs']);
    expect(doc.results[0]?.detectionRate).toHaveLength(12);
    expect(doc.results[0]?.perAttack['A5']).toBe(1);
    expect(doc.results[1]?.perAttack['A5']).toBe(0);
  });
});
