// Tests of the SVG charts: well-formed output, escaping, ticks, and PNG rendering.
import { describe, expect, it } from 'vitest';
import { barChart, heatMap, lineChart, niceTicks, svgToPng } from './index.ts';

describe('figures', () => {
  it('nice ticks cover the range with round steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const t = niceTicks(21_234, 48_900);
    expect(t[0]).toBeLessThanOrEqual(21_234);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(48_900);
  });

  it('draws a multi-line chart with a gap for NaN and escapes names', () => {
    const svg = lineChart({
      title: 'A & B',
      series: [
        { name: '<c1>', values: [1, NaN, 3, 4] },
        { name: 'c2', values: [2, 2, 2, 2], dashed: true },
      ],
    });
    expect(svg).toContain('A &amp; B');
    expect(svg).toContain('&lt;c1&gt;');
    expect(svg.match(/<path d="[^"]*"/g)?.[0]?.match(/M/g)?.length).toBe(2);
    expect(svg).toContain('stroke-dasharray');
  });

  it('renders bar and heat map charts to PNG', () => {
    const bar = barChart({ title: 'bars', labels: ['a', 'b'], values: [1, -2] });
    const heat = heatMap({
      title: 'heat',
      rowLabels: ['DJF', 'MAM'],
      colLabels: ['1', '2'],
      values: [
        [0.1, 0.2],
        [NaN, 0.4],
      ],
    });
    for (const svg of [bar, heat]) {
      const png = svgToPng(svg, { width: 400 });
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      expect(Buffer.from(png).readUInt32BE(16)).toBe(400);
    }
  });
});
