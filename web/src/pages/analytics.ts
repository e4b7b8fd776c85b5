// Analytics: the fleet's load per hour from the platform's own stored readings.
import { api } from '../api.ts';
import { lineChart } from '../charts.ts';
import { h } from '../dom.ts';

interface Agg {
  buckets: { start: string; count: number; meanActivePowerW: number | null }[];
}

export async function analytics(root: HTMLElement): Promise<void> {
  const to = Date.now() + 30 * 86400_000;
  const from = to - 90 * 86400_000;
  const a = await api.get<Agg>(`/api/v1/readings/aggregate?from=${from}&to=${to}&bucket=3600`);
  const pts = a.buckets
    .filter((b) => b.count > 0)
    .map((b) => ({ t: Date.parse(b.start), v: b.meanActivePowerW }));
  root.append(
    h('h1', {}, 'Analytics'),
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'lp' },
      h('h2', { id: 'lp' }, 'Fleet load per hour'),
      pts.length === 0
        ? h('p', { class: 'empty' }, 'No readings stored yet.')
        : lineChart(
            'Mean active power per hour across the fleet, watts',
            [{ name: 'P', points: pts, cls: 's0' }],
            { unit: ' W' },
          ),
      h(
        'p',
        {},
        'Load patterns by season and day type, flexibility ranking and forecast vs actual: gridtrust analyze clusters|flexibility|forecast --data-dir (docs/analytics.md).',
      ),
    ),
  );
}
