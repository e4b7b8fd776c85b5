// False-data injection: the attacked share, untouched history, the attacks' definitions.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/index.ts';
import { centreDistance, injectFdi } from './fdi.ts';

const n = 48 * 70;
const table = {
  timestamps: Float64Array.from({ length: n }, (_, i) => i * 1_800_000),
  ids: Array.from({ length: 10 }, (_, i) => `c${i}`),
  columns: Array.from({ length: 10 }, (_, c) =>
    Float64Array.from({ length: n }, (_, i) => 1 + c + (i % 48) / 48),
  ),
};

describe('injectFdi', () => {
  it('attacks ⌈share · n⌉ customers from the start index only, deterministically for a seed', () => {
    for (const attack of ['scaling', 'replay', 'constant', 'random'] as const) {
      const o = { attack, share: 0.25, from: 48 * 60, day: 48 };
      const a = injectFdi(table, { ...o, random: createRandom(3) });
      expect(a.attacked.length).toBe(3);
      expect(injectFdi(table, { ...o, random: createRandom(3) }).attacked).toEqual(a.attacked);
      a.table.columns.forEach((c, i) => {
        expect([...c.subarray(0, o.from)]).toEqual([...table.columns[i]!.subarray(0, o.from)]);
        const changed = c.some((v, t) => t >= o.from && v !== table.columns[i]![t]);
        expect(changed).toBe(a.attacked.includes(table.ids[i]!) && attack !== 'replay' ? true : changed);
      });
    }
  });

  it('centre distance is 0 for identical centres and the nearest-centre distance otherwise', () => {
    const c = Float64Array.from([0, 0, 1, 1]);
    expect(centreDistance(c, c, 2)).toBe(0);
    expect(centreDistance(Float64Array.from([0, 0]), Float64Array.from([3, 4, 10, 10]), 2)).toBe(5);
  });
});
