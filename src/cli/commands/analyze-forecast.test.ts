// CLI contract of `gridtrust analyze forecast` on taylor: auto selection reported, --model names what ran, bad input.
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import type { CliIo } from '../io.ts';

const T = '../shared/data/taylor/taylor_gb_demand_2000_halfhourly.csv';

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

describe('gridtrust analyze forecast', () => {
  it('--model auto (default) prints one JSON document with the validation scores and the chosen model', async () => {
    const io = capture();
    const code = await main(
      [
        'analyze',
        'forecast',
        '--input',
        T,
        '--train-until',
        '2000-07-31T00:00',
        '--rolling',
        // the neural candidate trained tiny: this test checks the selection contract, not accuracy
        '--neural-epochs',
        '1',
        '--members',
        '1',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout()) as {
      model: string;
      meanMape: number;
      selection: { chosen: string; scores: { name: string; meanMape: number }[] };
    };
    expect(doc.selection.scores.map((s) => s.name)).toEqual([
      'linear',
      'dshw',
      'combo(linear+dshw)',
      'neural',
    ]);
    const best = [...doc.selection.scores].sort((a, b) => a.meanMape - b.meanMape)[0];
    expect(doc.model).toBe(best?.name);
    expect(doc.meanMape).toBeGreaterThan(0);
  });

  it('--model dshw runs dshw on a fixed origin and reports the baselines', async () => {
    const io = capture();
    const code = await main(
      [
        'analyze',
        'forecast',
        '--input',
        T,
        '--train-until',
        '2000-08-21T00:00',
        '--horizon',
        '48',
        '--model',
        'dshw',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout()) as { model: string; forecast: number[]; baselines: object };
    expect(doc.model).toBe('dshw');
    expect(doc.forecast).toHaveLength(48);
    expect(Object.keys(doc.baselines)).toEqual(['seasonalNaiveWeek', 'seasonalNaiveDay', 'linear']);
  });

  it('rejects an unknown model and a too-short training span for auto with exit 2 and a hint', async () => {
    for (const args of [
      ['--train-until', '2000-08-21T00:00', '--model', 'arima'],
      ['--train-until', '2000-06-20T00:00'],
    ]) {
      const io = capture();
      expect(await main(['analyze', 'forecast', '--input', T, ...args, '--json'], io)).toBe(2);
      expect(io.stderr()).toContain('hint');
      expect(io.stdout()).toBe('');
    }
  });
});
