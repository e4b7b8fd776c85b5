// Small SVG charts (line over time, bars by category): responsive via viewBox, labelled for screen readers.

const NS = 'http://www.w3.org/2000/svg';
const W = 600;
const H = 200;
const PAD = { l: 44, r: 8, t: 8, b: 22 };

function s(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function frame(label: string): SVGSVGElement {
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': label,
    class: 'chart',
  }) as SVGSVGElement;
  svg.append(s('title', {}, label));
  return svg;
}

function yAxis(svg: SVGElement, max: number, unit: string, min = 0): void {
  for (const f of [0, 0.5, 1]) {
    const y = PAD.t + (1 - f) * (H - PAD.t - PAD.b);
    svg.append(s('line', { x1: PAD.l, x2: W - PAD.r, y1: y, y2: y, class: 'grid' }));
    svg.append(
      s(
        'text',
        { x: PAD.l - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' },
        `${+(min + (max - min) * f).toPrecision(3)}${unit}`,
      ),
    );
  }
}

export interface Series {
  name: string;
  points: { t: number; v: number | null }[];
  cls?: string;
}

/** Lines over time; x labels in the browser's zone. */
export function lineChart(
  label: string,
  series: Series[],
  o: { unit?: string; min?: number; max?: number; xLabel?: (t: number) => string } = {},
): SVGSVGElement {
  const svg = frame(label);
  const all = series.flatMap((x) => x.points);
  const ts = all.map((p) => p.t);
  const vs = all.map((p) => p.v).filter((v): v is number => v !== null);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 1);
  const lo = o.min ?? Math.min(0, ...vs);
  const top = o.max ?? Math.max(0, ...vs) * 1.05;
  const hi = top - lo < 1e-9 ? lo + 1 : top;
  yAxis(svg, hi, o.unit ?? '', lo);
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo || 1)) * (H - PAD.t - PAD.b);
  series.forEach((se, i) => {
    let d = '';
    let pen = false;
    for (const p of se.points) {
      if (p.v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      pen = true;
    }
    svg.append(s('path', { d, class: `line ${se.cls ?? `s${i}`}`, fill: 'none' }));
  });
  if (all.length > 0)
    for (const t of [t0, t1])
      svg.append(
        s(
          'text',
          { x: x(t), y: H - 6, 'text-anchor': t === t0 ? 'start' : 'end', class: 'tick' },
          o.xLabel?.(t) ?? new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        ),
      );
  return svg;
}

/** Vertical bars with a label under each. */
export function barChart(
  label: string,
  bars: { name: string; v: number; cls?: string }[],
  unit = '',
): SVGSVGElement {
  const svg = frame(label);
  const hi = Math.max(...bars.map((b) => b.v), 1);
  yAxis(svg, hi, unit);
  const bw = (W - PAD.l - PAD.r) / Math.max(1, bars.length);
  bars.forEach((b, i) => {
    const hgt = (b.v / hi) * (H - PAD.t - PAD.b);
    svg.append(
      s('rect', {
        x: PAD.l + i * bw + 2,
        y: H - PAD.b - hgt,
        width: Math.max(1, bw - 4),
        height: hgt,
        class: `bar ${b.cls ?? ''}`,
      }),
    );
    if (bars.length <= 12)
      svg.append(
        s('text', { x: PAD.l + i * bw + bw / 2, y: H - 6, 'text-anchor': 'middle', class: 'tick' }, b.name),
      );
  });
  return svg;
}
