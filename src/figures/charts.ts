// Pure SVG charts: (multi-)line, bar and heat map, each returning a standalone SVG string.
import {
  PALETTE,
  axisLabels,
  createFrame,
  escapeXml,
  formatTick,
  legend,
  linear,
  niceTicks,
  num,
  openSvg,
  yAxis,
} from './axes.ts';

/** One line of a line chart. */
export interface LineSeries {
  name: string;
  /** y values; NaN leaves a gap. */
  values: readonly number[];
  /** x values (default 0, 1, 2, ...). */
  x?: readonly number[];
  /** Stroke colour (default from the palette). */
  colour?: string;
  /** Dashed stroke (e.g. a baseline or a forecast). */
  dashed?: boolean;
}

/** Common chart options. */
export interface ChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** @default 800 */
  width?: number;
  /** @default 450 */
  height?: number;
}

export interface LineChartOptions extends ChartOptions {
  series: readonly LineSeries[];
  /** Labels for x ticks at given x positions (default: nice numeric ticks). */
  xTicks?: readonly { x: number; label: string }[];
}

function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

function pathOf(
  xs: readonly number[],
  ys: readonly number[],
  x: (v: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i] ?? NaN;
    const u = xs[i] ?? i;
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${num(x(u))},${num(y(v))}`;
    pen = true;
  }
  return d;
}

/**
 * A line chart with one or more series and a legend.
 * @example lineChart({ title: 'Centres', series: [{ name: 'c1', values: [0.2, 0.5] }] })
 */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 800;
  const height = o.height ?? 450;
  const legendW = o.series.length > 1 ? 130 : 0;
  const f = createFrame(width, height, legendW);
  const xsOf = (s: LineSeries): readonly number[] => s.x ?? s.values.map((_, i) => i);
  const [x0, x1] = extent(o.series.flatMap(xsOf));
  const yTicks = niceTicks(...extent(o.series.flatMap((s) => [...s.values])));
  const x = linear(x0, x1, f.left, f.right);
  const y = linear(yTicks[0] ?? 0, yTicks[yTicks.length - 1] ?? 1, f.bottom, f.top);
  const out = openSvg(width, height, o.title);
  out.push(...yAxis(f, yTicks, y));
  const xTicks =
    o.xTicks ??
    niceTicks(x0, x1, 8)
      .filter((t) => t >= x0 && t <= x1)
      .map((t) => ({ x: t, label: formatTick(t) }));
  for (const t of xTicks) {
    out.push(
      `<text x="${num(x(t.x))}" y="${f.bottom + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`,
    );
  }
  const colours = o.series.map((s, i) => s.colour ?? PALETTE[i % PALETTE.length] ?? '#000');
  o.series.forEach((s, i) => {
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<path d="${pathOf(xsOf(s), s.values, x, y)}" fill="none" stroke="${colours[i]}" stroke-width="1.6"${dash}/>`,
    );
  });
  if (legendW > 0)
    out.push(
      ...legend(
        f,
        o.series.map((s) => s.name),
        colours,
      ),
    );
  out.push(...axisLabels(f, o.xLabel ?? '', o.yLabel ?? ''), '</svg>');
  return out.join('\n');
}

export interface BarChartOptions extends ChartOptions {
  labels: readonly string[];
  values: readonly number[];
  colour?: string;
}

/** A vertical bar chart (labels rotated when many). */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 800;
  const height = o.height ?? 450;
  const f = createFrame(width, height);
  f.bottom -= 40;
  const ticks = niceTicks(Math.min(0, ...o.values), Math.max(0, ...o.values));
  const y = linear(ticks[0] ?? 0, ticks[ticks.length - 1] ?? 1, f.bottom, f.top);
  const n = Math.max(1, o.values.length);
  const slot = (f.right - f.left) / n;
  const out = openSvg(width, height, o.title);
  out.push(...yAxis(f, ticks, y));
  o.values.forEach((v, i) => {
    const x = f.left + i * slot + slot * 0.1;
    const top = Math.min(y(v), y(0));
    const h = Math.abs(y(v) - y(0));
    out.push(
      `<rect x="${num(x)}" y="${num(top)}" width="${num(slot * 0.8)}" height="${num(h)}" fill="${o.colour ?? PALETTE[0]}"/>`,
    );
    const cx = num(x + slot * 0.4);
    const cy = f.bottom + 10;
    out.push(
      `<text x="${cx}" y="${cy}" font-size="10" text-anchor="end" transform="rotate(-60 ${cx} ${cy})">${escapeXml(o.labels[i] ?? '')}</text>`,
    );
  });
  out.push(...axisLabels(f, o.xLabel ?? '', o.yLabel ?? ''), '</svg>');
  return out.join('\n');
}

export interface HeatMapOptions extends ChartOptions {
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** values[row][col]; NaN is drawn grey. */
  values: readonly (readonly number[])[];
  /** Format of the number printed in each cell (default 3 significant digits). */
  format?: (v: number) => string;
}

/** Sequential colour from white to dark blue for t in [0, 1]. */
function blues(t: number): string {
  const c = Math.max(0, Math.min(1, t));
  const r = Math.round(247 - c * (247 - 8));
  const g = Math.round(251 - c * (251 - 48));
  const b = Math.round(255 - c * (255 - 107));
  return `rgb(${r},${g},${b})`;
}

/** A heat map with row and column labels and the value printed in each cell. */
export function heatMap(o: HeatMapOptions): string {
  const width = o.width ?? 800;
  const height = o.height ?? 450;
  const f = createFrame(width, height);
  f.left = 110;
  const [lo, hi] = extent(o.values.flat());
  const rows = Math.max(1, o.rowLabels.length);
  const cols = Math.max(1, o.colLabels.length);
  const cw = (f.right - f.left) / cols;
  const ch = (f.bottom - f.top) / rows;
  const fmt = o.format ?? ((v: number) => Number(v.toPrecision(3)).toString());
  const out = openSvg(width, height, o.title);
  o.values.forEach((row, r) => {
    row.forEach((v, c) => {
      const t = hi > lo ? (v - lo) / (hi - lo) : 0;
      const fill = Number.isFinite(v) ? blues(t) : '#cccccc';
      const x = f.left + c * cw;
      const yy = f.top + r * ch;
      out.push(
        `<rect x="${num(x)}" y="${num(yy)}" width="${num(cw)}" height="${num(ch)}" fill="${fill}" stroke="#fff"/>`,
      );
      const ink = t > 0.55 ? '#fff' : '#000';
      out.push(
        `<text x="${num(x + cw / 2)}" y="${num(yy + ch / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="11" fill="${ink}">${Number.isFinite(v) ? fmt(v) : '–'}</text>`,
      );
    });
  });
  o.rowLabels.forEach((l, r) => {
    out.push(
      `<text x="${f.left - 6}" y="${num(f.top + (r + 0.5) * ch)}" text-anchor="end" dominant-baseline="middle">${escapeXml(l)}</text>`,
    );
  });
  o.colLabels.forEach((l, c) => {
    out.push(
      `<text x="${num(f.left + (c + 0.5) * cw)}" y="${f.bottom + 16}" text-anchor="middle">${escapeXml(l)}</text>`,
    );
  });
  out.push(...axisLabels(f, o.xLabel ?? '', o.yLabel ?? ''), '</svg>');
  return out.join('\n');
}
