// One terminal: its readings chart, trust timeline with the factor breakdown and every flag's reasons,
// its keys and their states; reinstate when quarantined (operator).
import { api } from '../api.ts';
import { lineChart } from '../charts.ts';
import { band, fmtNum, fmtTime, fmtTrust, h, table } from '../dom.ts';
import type { Ctx } from '../main.ts';
import { reinstateForm } from './quarantine.ts';

interface Detail {
  id: string;
  type: string;
  fusionTerminal: string | null;
  status: string;
  trust?: number;
  trustBand: string;
  lastSeen?: string;
  createdAt: string;
  keys: { purpose: number; version: number; state: string; updatedAt: string; graceUntil: string | null }[];
}
interface Factors {
  static: number | null;
  dynamic: number | null;
  energy: number | null;
}
interface Trust {
  score: number | null;
  band: string;
  cycle: number | null;
  factors: Factors;
  reasons: { cycle: number; code: string; detail: string }[];
  explanation?: unknown;
  history: { cycle: number; score: number | null; factors: Factors; quarantined: boolean; flag?: string }[];
}
interface Readings {
  readings: { ts: string; activePower: number | null; voltage: number | null }[];
}

export async function terminal(root: HTMLElement, ctx: Ctx, id: string): Promise<void> {
  const [t, trust, r] = await Promise.all([
    api.get<Detail>(`/api/v1/terminals/${id}`),
    api.get<Trust>(`/api/v1/terminals/${id}/trust?limit=300`),
    api.get<Readings>(`/api/v1/terminals/${id}/readings?limit=2000`),
  ]);
  const hist = [...trust.history].reverse();
  const byCycle = (k: keyof Factors) => hist.map((x, i) => ({ t: i, v: x.factors[k] }));
  const trustChart =
    hist.length === 0
      ? h('p', { class: 'empty' }, 'Not scored yet.')
      : lineChart(
          'Trust per cycle: combined, static, dynamic and energy factors',
          [
            { name: 'combined', points: hist.map((x, i) => ({ t: i, v: x.score })), cls: 's0' },
            { name: 'static', points: byCycle('static'), cls: 's1' },
            { name: 'dynamic', points: byCycle('dynamic'), cls: 's2' },
            { name: 'energy', points: byCycle('energy'), cls: 's3' },
          ],
          { min: 0, max: 1, xLabel: (i) => `cycle ${hist[Math.round(i)]?.cycle ?? ''}` },
        );
  const readings = r.readings.map((x) => ({ t: Date.parse(x.ts), v: x.activePower }));
  const actions = h('div', {});
  if (t.status === 'quarantined' && ctx.canOperate)
    actions.append(
      reinstateForm(t.id, (m) => {
        actions.replaceChildren(h('p', { role: 'status', class: 'notice' }, m));
      }),
    );
  root.append(
    h('h1', {}, `Terminal ${t.id}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Type'),
      h('dd', {}, t.type),
      h('dt', {}, 'Fusion terminal'),
      h(
        'dd',
        {},
        t.fusionTerminal ? h('a', { href: `#/fleet/${t.fusionTerminal}` }, t.fusionTerminal) : 'direct',
      ),
      h('dt', {}, 'Status'),
      h('dd', { 'data-status': t.status }, t.status),
      h('dt', {}, 'Trust'),
      h('dd', {}, fmtTrust(trust.score), ' ', band(trust.band)),
      h('dt', {}, 'Last seen'),
      h('dd', {}, fmtTime(t.lastSeen)),
      h('dt', {}, 'Registered'),
      h('dd', {}, fmtTime(t.createdAt)),
    ),
    actions,
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'rd' },
        h('h2', { id: 'rd' }, 'Active power'),
        readings.length === 0
          ? h('p', { class: 'empty' }, 'No readings stored.')
          : lineChart(
              'Active power in watts over measurement time',
              [{ name: 'P', points: readings, cls: 's0' }],
              { unit: ' W' },
            ),
        h(
          'p',
          {},
          `${r.readings.length} readings · last ${fmtNum(r.readings.at(-1)?.activePower, 'W')} at ${fmtNum(r.readings.at(-1)?.voltage, 'V')}`,
        ),
      ),
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'tt' },
        h('h2', { id: 'tt' }, 'Trust timeline'),
        trustChart,
        h(
          'p',
          {},
          `static ${fmtTrust(trust.factors.static)} · dynamic ${fmtTrust(trust.factors.dynamic)} · energy ${fmtTrust(trust.factors.energy)}`,
        ),
        table(
          'Reasons for every flag',
          ['Cycle', 'Reason', 'Detail'],
          trust.reasons.map((x) => [x.cycle, x.code, x.detail]),
          'Never flagged.',
        ),
        trust.explanation !== undefined
          ? h(
              'details',
              {},
              h('summary', {}, 'Explanation of the newest decision'),
              h('pre', {}, JSON.stringify(trust.explanation, null, 2)),
            )
          : null,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ks' },
        h('h2', { id: 'ks' }, 'Keys'),
        table(
          'Keys and their states',
          ['Purpose', 'Version', 'State', 'Changed', 'Grace until'],
          t.keys.map((k) => [k.purpose, k.version, k.state, fmtTime(k.updatedAt), fmtTime(k.graceUntil)]),
          'No stored keys (derived on demand).',
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'se' },
        h('h2', { id: 'se' }, 'Secure element and firmware'),
        h('p', { class: 'empty' }, 'Not reported by the API yet.'),
      ),
    ),
  );
}
