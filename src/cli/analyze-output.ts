// Writes analysis figures (SVG + PNG) and CSVs for `gridtrust analyze ... --out DIR`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, heatMap, lineChart, svgToPng, type LineSeries } from '../figures/index.ts';
import { CliError } from './errors.ts';

/** A directory that receives figures and tables; records what it wrote. */
export interface OutDir {
  readonly dir: string;
  readonly written: string[];
  figure(name: string, svg: string): void;
  csv(name: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void;
}

/** Creates (mkdir -p) the output directory. */
export function openOutDir(dir: string): OutDir {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_WRITE_FILE', `cannot create ${dir}`, {
      hint: 'choose a writable --out directory',
      cause,
    });
  }
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array): void => {
    const path = join(dir, name);
    try {
      writeFileSync(path, data);
    } catch (cause) {
      throw new CliError('GT_ERR_CLI_WRITE_FILE', `cannot write ${path}`, {
        hint: 'check free space and permissions',
        cause,
      });
    }
    written.push(path);
  };
  return {
    dir,
    written,
    figure(name, svg) {
      write(`${name}.svg`, svg);
      write(`${name}.png`, svgToPng(svg, { width: 1200 }));
    },
    csv(name, header, rows) {
      write(`${name}.csv`, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
    },
  };
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Cluster centres as 24-hour curves. */
export function drawCentres(
  out: OutDir,
  centres: readonly number[][],
  shares: readonly number[],
  normalisation: string,
  name = 'cluster-centres',
): void {
  const series: LineSeries[] = centres.map((c, j) => ({
    name: `P${j + 1} (${(100 * (shares[j] ?? 0)).toFixed(1)} %)`,
    values: c,
    x: HOURS,
  }));
  out.figure(
    name,
    lineChart({
      title: `Typical load patterns (k-means centres, ${normalisation} normalised)`,
      xLabel: 'hour of day (UTC)',
      yLabel: 'normalised hourly energy',
      series,
      xTicks: [0, 3, 6, 9, 12, 15, 18, 21, 23].map((h) => ({ x: h, label: `${h}:00` })),
    }),
  );
  out.csv(
    name,
    ['cluster', ...HOURS.map((h) => `h${h}`)],
    centres.map((c, j) => [`P${j + 1}`, ...c.map((v) => v.toFixed(6))]),
  );
}

/** Rows (season or day type) × pattern heat map of shares. */
export function drawCrossTab(
  out: OutDir,
  name: string,
  title: string,
  rows: readonly string[],
  shares: readonly number[][],
): void {
  const k = shares[0]?.length ?? 0;
  out.figure(
    name,
    heatMap({
      title,
      rowLabels: rows,
      colLabels: Array.from({ length: k }, (_, j) => `P${j + 1}`),
      values: shares.map((r) => r.map((v) => 100 * v)),
      format: (v) => `${v.toFixed(1)}%`,
      xLabel: 'load pattern',
      yLabel: '',
    }),
  );
  out.csv(
    name,
    ['row', ...Array.from({ length: k }, (_, j) => `P${j + 1}`)],
    shares.map((r, i) => [rows[i] ?? '', ...r.map((v) => v.toFixed(6))]),
  );
}

/** Peak-contribution ranking of the top customers. */
export function drawRanking(
  out: OutDir,
  customers: readonly { id: string; peakContribution: number }[],
  top: number,
): void {
  const sorted = [...customers].sort((a, b) => b.peakContribution - a.peakContribution).slice(0, top);
  out.figure(
    'peak-contribution-ranking',
    barChart({
      title: `Daily peak contribution, top ${sorted.length} customers`,
      labels: sorted.map((c) => c.id),
      values: sorted.map((c) => 100 * c.peakContribution),
      yLabel: 'share of the daily system peak (%)',
    }),
  );
}

/** Forecast against the actual values (and the weekly naive baseline). */
export function drawForecast(
  out: OutDir,
  f: {
    actual: ArrayLike<number>;
    forecast: ArrayLike<number>;
    naive: ArrayLike<number>;
    unit: string;
    model: string;
    band?: { lo: ArrayLike<number>; hi: ArrayLike<number>; lowLabel: string; highLabel: string };
    /** ISO time of the first forecast step (x axis label). */
    start?: string;
  },
): void {
  const band =
    f.band === undefined
      ? []
      : [
          { name: f.band.lowLabel, values: Array.from(f.band.lo), colour: '#009E73', dashed: true },
          { name: f.band.highLabel, values: Array.from(f.band.hi), colour: '#009E73', dashed: true },
        ];
  out.figure(
    'forecast-vs-actual',
    lineChart({
      title: `Forecast (${f.model}) vs actual`,
      xLabel: f.start === undefined ? 'steps after --train-until' : `steps (intervals) from ${f.start}`,
      yLabel: f.unit,
      series: [
        { name: 'actual', values: Array.from(f.actual), colour: '#000000' },
        { name: f.model, values: Array.from(f.forecast), colour: '#D55E00' },
        { name: 'weekly naive', values: Array.from(f.naive), colour: '#0072B2', dashed: true },
        ...band,
      ],
    }),
  );
}

/** MAPE by lead under the rolling protocol. */
export function drawMapeByLead(out: OutDir, series: readonly LineSeries[]): void {
  out.figure(
    'rolling-mape-by-lead',
    lineChart({ title: 'Rolling-origin MAPE by lead', xLabel: 'lead (steps)', yLabel: 'MAPE (%)', series }),
  );
}
