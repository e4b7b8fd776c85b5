// Fleet: fusion terminals → their terminals; search and filters; trust band colours; cursor pages.
import { api } from '../api.ts';
import { band, fmtTime, fmtTrust, h, table } from '../dom.ts';
import type { Ctx } from '../main.ts';

interface Item {
  id: string;
  type: string;
  fusionTerminal: string | null;
  status: string;
  trust?: number;
  trustBand: string;
  lastSeen?: string;
}
interface Fusion {
  id: string;
  terminals: number;
  quarantined: number;
  meanTrust: number | null;
}

function select(id: string, label: string, options: string[]): [HTMLElement, HTMLSelectElement] {
  const s = h(
    'select',
    { id, name: id },
    h('option', { value: '' }, 'any'),
    ...options.map((o) => h('option', { value: o }, o)),
  ) as HTMLSelectElement;
  return [h('div', { class: 'field' }, h('label', { for: id }, label), s), s];
}

export async function fleet(root: HTMLElement, _ctx: Ctx, arg: string): Promise<void> {
  const { fusionTerminals } = await api.get<{ fusionTerminals: Fusion[] }>('/api/v1/fusion-terminals');
  const q = h('input', { id: 'q', name: 'q', type: 'search', placeholder: 'id or type' }) as HTMLInputElement;
  const [statusF, status] = select('status', 'Status', ['active', 'quarantined', 'retired']);
  const [bandF, bandS] = select('trustBand', 'Trust band', ['high', 'medium', 'low', 'unscored']);
  const [fusionF, fusion] = select('fusionTerminal', 'Fusion terminal', [
    'none',
    ...fusionTerminals.map((f) => f.id),
  ]);
  fusion.value = arg;
  const list = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  let cursor: string | undefined;
  let rows: Item[] = [];
  const render = (total: number) =>
    list.replaceChildren(
      h('p', {}, `${total} terminal(s)`),
      table(
        'Terminals',
        ['Terminal', 'Type', 'Fusion terminal', 'Status', 'Trust', 'Last seen'],
        rows.map((t) => [
          h('a', { href: `#/terminal/${t.id}` }, t.id),
          t.type,
          t.fusionTerminal ?? 'direct',
          t.status,
          h('span', {}, fmtTrust(t.trust), ' ', band(t.trustBand)),
          fmtTime(t.lastSeen),
        ]),
        'No terminal matches.',
      ),
    );
  const load = async (append: boolean) => {
    const p = new URLSearchParams({ limit: '50' });
    if (q.value) p.set('q', q.value);
    if (status.value) p.set('status', status.value);
    if (bandS.value) p.set('trustBand', bandS.value);
    if (fusion.value) p.set('fusionTerminal', fusion.value);
    if (append && cursor) p.set('cursor', cursor);
    const r = await api.get<{ terminals: Item[]; total: number; nextCursor?: string }>(
      `/api/v1/terminals?${p}`,
    );
    rows = append ? [...rows, ...r.terminals] : r.terminals;
    cursor = r.nextCursor;
    more.hidden = cursor === undefined;
    render(r.total);
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter terminals' },
    h('div', { class: 'field' }, h('label', { for: 'q' }, 'Search'), q),
    statusF,
    bandF,
    fusionF,
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load(false);
  });
  for (const s of [status, bandS, fusion]) s.addEventListener('change', () => void load(false));
  more.addEventListener('click', () => void load(true));
  root.append(
    h('h1', {}, 'Fleet'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'ft' },
      h('h2', { id: 'ft' }, 'Fusion terminals'),
      table(
        'Fusion terminals and their terminals',
        ['Fusion terminal', 'Terminals', 'Quarantined', 'Mean trust'],
        fusionTerminals.map((f) => [
          h('a', { href: `#/fleet/${f.id}` }, f.id),
          f.terminals,
          f.quarantined,
          fmtTrust(f.meanTrust),
        ]),
        'No fusion terminals.',
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tl' },
      h('h2', { id: 'tl' }, 'Terminals'),
      form,
      list,
      more,
    ),
  );
  await load(false);
}
