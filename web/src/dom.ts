// Tiny DOM helpers: elements with attributes and children, escaped by construction (textContent).

type Child = Node | string | number | null | undefined | false;

export function h(
  tag: string,
  attrs: Record<string, string | boolean | ((e: Event) => void)> = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'object' ? c : String(c));
  return el;
}

export const fmtTime = (iso: string | undefined | null): string =>
  iso ? new Date(iso).toLocaleString() : '—';
export const fmtNum = (v: number | null | undefined, unit = '', digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : `${v.toLocaleString(undefined, { maximumFractionDigits: digits })}${unit ? ' ' + unit : ''}`;
export const fmtTrust = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : v.toFixed(2);

/** A table that turns into labelled cards on a phone (each cell carries its column name). */
export function table(
  caption: string,
  cols: string[],
  rows: Child[][],
  empty = 'Nothing here.',
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    { class: 'cards' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...rows.map((r) => h('tr', {}, ...r.map((c, i) => h('td', { 'data-label': cols[i] ?? '' }, c)))),
    ),
  );
}

export function band(b: string): HTMLElement {
  return h('span', { class: `band band-${b}` }, b);
}
