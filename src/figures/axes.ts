// Shared drawing helpers for the SVG charts: nice ticks, scales, escaping, palette, frame and axes.

/** Colour-blind-safe categorical palette (Okabe–Ito, then Tableau extras). */
export const PALETTE: readonly string[] = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#8C564B',
  '#7F7F7F',
  '#BCBD22',
  '#17BECF',
];

/** Escapes text for SVG content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rounds to 4 significant decimals for compact SVG coordinates. */
export function num(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

/** "Nice" tick values covering [min, max] (Heckbert's algorithm). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const range = niceNumber(max - min, false);
  const step = niceNumber(range / Math.max(1, count - 1), true);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step)
    ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  return ticks;
}

function niceNumber(x: number, round: boolean): number {
  const exp = Math.floor(Math.log10(x));
  const f = x / 10 ** exp;
  const nf = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** exp;
}

/** Formats a tick value compactly (no float noise such as 0.30000000000000004). */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${num(v / 1e6)}M`;
  if (a >= 1e4) return `${num(v / 1e3)}k`;
  return Number(v.toPrecision(6)).toString();
}

/** The plotting rectangle inside the figure margins. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Creates a frame with room for title, axis labels and an optional legend on the right. */
export function createFrame(width: number, height: number, legendWidth = 0): Frame {
  return { width, height, left: 70, top: 40, right: width - 20 - legendWidth, bottom: height - 50 };
}

/** A linear map from data to pixels. */
export function linear(d0: number, d1: number, p0: number, p1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (p1 - p0) / (d1 - d0);
  return (v) => p0 + (v - d0) * k;
}

/** The SVG document head, white background and title. */
export function openSvg(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
}

/** Axis labels (x below, y rotated on the left). */
export function axisLabels(f: Frame, xLabel: string, yLabel: string): string[] {
  const cy = (f.top + f.bottom) / 2;
  return [
    `<text x="${num((f.left + f.right) / 2)}" y="${f.height - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="16" y="${num(cy)}" text-anchor="middle" transform="rotate(-90 16 ${num(cy)})">${escapeXml(yLabel)}</text>`,
  ];
}

/** Horizontal grid lines and y tick labels. */
export function yAxis(f: Frame, ticks: readonly number[], y: (v: number) => number): string[] {
  const out: string[] = [];
  for (const t of ticks) {
    const py = num(y(t));
    out.push(`<line x1="${f.left}" x2="${f.right}" y1="${py}" y2="${py}" stroke="#e0e0e0"/>`);
    out.push(
      `<text x="${f.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  }
  out.push(`<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.bottom}" stroke="#333"/>`);
  out.push(`<line x1="${f.left}" x2="${f.right}" y1="${f.bottom}" y2="${f.bottom}" stroke="#333"/>`);
  return out;
}

/** A legend column at the right of the frame. */
export function legend(f: Frame, names: readonly string[], colours: readonly string[]): string[] {
  return names.map((name, i) => {
    const y = f.top + 8 + i * 18;
    const c = colours[i % colours.length] ?? '#000';
    return `<rect x="${f.right + 12}" y="${y - 6}" width="14" height="4" fill="${c}"/><text x="${f.right + 30}" y="${y}" dominant-baseline="middle">${escapeXml(name)}</text>`;
  });
}
