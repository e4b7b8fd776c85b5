// Bench figures print one per line, nested objects as dotted keys, aligned.
import { describe, expect, it } from 'vitest';
import { figureRows, formatFigures } from './bench-figures.ts';

describe('bench figures', () => {
  it('flattens nested figures into dotted keys and lists arrays on one line', () => {
    const result = {
      rate: 12.5,
      direct: { ratio: 0.75, skipped: 'open-file limit 1024', perRound: { raw: [1, 2] } },
      note: null,
    };
    expect(figureRows(result)).toEqual([
      ['rate', '12.5'],
      ['direct.ratio', '0.75'],
      ['direct.skipped', 'open-file limit 1024'],
      ['direct.perRound.raw', '1, 2'],
      ['note', 'null'],
    ]);
    const lines = formatFigures(result).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    // The longest key has 19 characters: every value starts two columns after it.
    expect(lines.map((l) => [l[20], l[21] !== ' '])).toEqual(lines.map(() => [' ', true]));
  });
});
