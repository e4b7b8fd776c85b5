// Overview: frames per second accepted and rejected by reason (live), terminals by status, trust
// distribution, newly flagged terminals (live).
import { api } from '../api.ts';
import { barChart, lineChart, type Series } from '../charts.ts';
import { fmtNum, h, table } from '../dom.ts';
import type { Ctx } from '../main.ts';

interface Rejects {
  totals: Record<string, number>;
  series: { at: string; accepted: number; rejected: Record<string, number> }[];
}
interface TrustSummary {
  cycle: number | null;
  distribution: Record<string, number>;
  histogram: number[];
  recentFlags: { terminal: string; cycle: number; reason: string }[];
}

export async function overview(root: HTMLElement, ctx: Ctx): Promise<void> {
  const [rej, trust, ...counts] = await Promise.all([
    api.get<Rejects>('/api/v1/rejects?window=300'),
    api.get<TrustSummary>('/api/v1/trust'),
    ...['active', 'quarantined', 'retired'].map((s) =>
      api.get<{ total: number }>(`/api/v1/terminals?status=${s}&limit=1`),
    ),
  ]);
  const samples = rej.series.map((s) => ({
    t: Date.parse(s.at),
    a: s.accepted,
    r: Object.values(s.rejected).reduce((x, y) => x + y, 0),
  }));
  const rate = h('p', { class: 'big', 'aria-live': 'polite' }, '—');
  const chartBox = h('div', { class: 'chart-box' });
  const draw = () => {
    const series: Series[] = [
      { name: 'accepted', points: samples.map((s) => ({ t: s.t, v: s.a })), cls: 'ok' },
      { name: 'rejected', points: samples.map((s) => ({ t: s.t, v: s.r })), cls: 'bad' },
    ];
    chartBox.replaceChildren(
      lineChart('Frames per second, accepted and rejected, last 5 minutes', series, { unit: '/s' }),
    );
    const last = samples.at(-1);
    rate.textContent = last
      ? `${fmtNum(last.a, 'frames/s accepted', 0)} · ${fmtNum(last.r, 'rejected', 0)}`
      : 'no frames yet';
  };
  draw();
  const rejTable = h('div', {});
  const drawRejects = (totals: Record<string, number>) =>
    rejTable.replaceChildren(
      table(
        'Rejected frames by reason (since the store began)',
        ['Reason', 'Frames'],
        Object.entries(totals)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, fmtNum(v, '', 0)]),
        'No frame rejected.',
      ),
    );
  drawRejects(rej.totals);
  const flags = h(
    'ul',
    { class: 'flags', 'aria-live': 'polite' },
    ...trust.recentFlags.map((f) => flagItem(f.terminal, f.reason, f.cycle)),
  );
  const [active, quarantined, retired] = counts.map((c) => c.total);
  root.append(
    h('h1', {}, 'Overview'),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'fps' },
        h('h2', { id: 'fps' }, 'Frames per second'),
        rate,
        chartBox,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'st' },
        h('h2', { id: 'st' }, 'Terminals by status'),
        barChart('Terminals by status', [
          { name: 'active', v: active ?? 0, cls: 'ok' },
          { name: 'quarantined', v: quarantined ?? 0, cls: 'bad' },
          { name: 'retired', v: retired ?? 0 },
        ]),
        h('p', {}, `${active} active · ${quarantined} quarantined · ${retired} retired`),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'td' },
        h('h2', { id: 'td' }, 'Trust distribution'),
        barChart(
          'Terminals per trust score bin from 0 to 1',
          trust.histogram.map((v, i) => ({
            name: (i / 10).toFixed(1),
            v,
            cls: i >= 8 ? 'ok' : i >= 5 ? 'mid' : 'bad',
          })),
        ),
        h(
          'p',
          {},
          `cycle ${trust.cycle ?? '—'} · high ${trust.distribution.high} · medium ${trust.distribution.medium} · low ${trust.distribution.low}`,
        ),
      ),
      h('section', { class: 'card', 'aria-labelledby': 'nf' }, h('h2', { id: 'nf' }, 'Newly flagged'), flags),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'rj' },
        h('h2', { id: 'rj' }, 'Rejected by reason'),
        rejTable,
      ),
    ),
  );
  ctx.on('frames', (d) => {
    const r = d.rejected as Record<string, number>;
    samples.push({ t: Number(d.at), a: Number(d.accepted), r: Object.values(r).reduce((x, y) => x + y, 0) });
    while (samples.length > 300) samples.shift();
    draw();
  });
  ctx.on('flag', (d) => flags.prepend(flagItem(String(d.terminal), String(d.reason), Number(d.cycle))));
}

function flagItem(id: string, reason: string, cycle: number): HTMLElement {
  return h('li', {}, h('a', { href: `#/terminal/${id}` }, id), ` ${reason} · cycle ${cycle}`);
}
