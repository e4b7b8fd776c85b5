// Draws the figures of trust spec §10 (5a–d, 6a–b, 7, S1–S5) as SVG + PNG, with one CSV per figure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { heatMap, lineChart, svgToPng, type LineSeries } from '../../figures/index.ts';
import type { ExperimentReport } from './experiment.ts';

type Row = readonly (string | number)[];

interface Fig {
  name: string;
  svg: string;
  csv: { header: Row; rows: Row[] };
}

const LABEL: Record<string, string> = {
  paper: 'DTMS (paper)',
  'paper-rm': 'DTMS + spec robust mode',
  robust: 'robust (ours)',
  brs: 'BRS',
  'brs-attest': 'BRS+attest',
  sl: 'SL',
  tdtc: 'TDTC†',
};
/** Every figure says what TDTC is (spec §7.1: "CCTM, reconstructed from abstract"). */
const TDTC_NOTE = ' († TDTC = CCTM, reconstructed from abstract)';
const DASHED = new Set(['brs', 'brs-attest', 'sl']);
const cycles = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Writes every figure the report has data for; returns the file names written. */
export function writeFigures(dir: string, r: ExperimentReport): string[] {
  mkdirSync(dir, { recursive: true });
  const figs = [...mainFigures(r), ...extraFigures(r)];
  const written: string[] = [];
  for (const f of figs) {
    writeFileSync(join(dir, `${f.name}.svg`), f.svg);
    writeFileSync(join(dir, `${f.name}.png`), svgToPng(f.svg));
    writeFileSync(
      join(dir, `${f.name}.csv`),
      [f.csv.header, ...f.csv.rows].map((x) => x.join(',')).join('\n') + '\n',
    );
    written.push(f.name);
  }
  writeFileSync(join(dir, 'results.json'), JSON.stringify(r, null, 2));
  return written;
}

function perCycleFig(
  name: string,
  title: string,
  yLabel: string,
  series: { key: string; values: number[]; dashed?: boolean }[],
): Fig {
  const T = Math.max(0, ...series.map((s) => s.values.length));
  const ls: LineSeries[] = series.map((s) => ({
    name: s.key,
    values: s.values,
    x: cycles(s.values.length),
    dashed: s.dashed === true,
  }));
  return {
    name,
    svg: lineChart({ title: `${title}${TDTC_NOTE}`, xLabel: 'cycle', yLabel, series: ls }),
    csv: {
      header: ['cycle', ...series.map((s) => JSON.stringify(s.key))],
      rows: cycles(T).map((c) => [c, ...series.map((s) => s.values[c - 1] ?? '')]),
    },
  };
}

function mainFigures(r: ExperimentReport): Fig[] {
  const out: Fig[] = [];
  const paper = r.results.filter((c) => c.scheme === 'paper');
  if (paper.length > 0) {
    out.push(
      perCycleFig(
        'fig6a',
        'Fig. 6a — DTMS detection rate by malicious ratio',
        'DR(t)',
        paper.map((c) => ({ key: `ρ=${c.ratio}`, values: c.detectionRate })),
      ),
    );
  }
  for (const ratio of r.config.ratios) {
    const cells = r.results.filter((c) => c.ratio === ratio);
    const mk = (pick: (c: (typeof cells)[number]) => number[]) =>
      cells.map((c) => ({ key: LABEL[c.scheme] ?? c.scheme, values: pick(c), dashed: DASHED.has(c.scheme) }));
    out.push(
      perCycleFig(
        `fig6b-r${ratio}`,
        `Fig. 6b — detection rate, ρ=${ratio}`,
        'DR(t)',
        mk((c) => c.detectionRate),
      ),
    );
    out.push(
      perCycleFig(
        `fig7-r${ratio}`,
        `Fig. 7 — residual energy ratio (honest), ρ=${ratio}`,
        'RER(t)',
        mk((c) => c.residualEnergyRatio),
      ),
    );
    out.push(
      perCycleFig(
        `figS1-r${ratio}`,
        `S1 — false-positive rate, ρ=${ratio}`,
        'FPR(t)',
        mk((c) => c.falsePositiveRate),
      ),
    );
  }
  return out;
}

function extraFigures(r: ExperimentReport): Fig[] {
  const x = r.extras;
  if (x === undefined) return [];
  const out: Fig[] = [];
  const parts = [
    ['fig5a', 'Stm', 'stm'],
    ['fig5b', 'Dtm', 'dtm'],
    ['fig5c', 'Etm', 'etm'],
    ['fig5d', 'Ctm', 'ctm'],
  ] as const;
  for (const [name, label, key] of parts) {
    out.push(
      perCycleFig(
        name,
        `Fig. ${name.slice(3)} — mean ${label} (DTMS, no exclusion)`,
        `mean ${label}`,
        x.fig5.map((f) => ({ key: `ρ=${f.ratio}`, values: f[key] })),
      ),
    );
  }
  out.push(
    heatFig(
      'figS2',
      'S2 — DR at T, all attackers of one type (ρ=0.2)',
      x.singleAttack.map((s) => [LABEL[s.scheme] ?? s.scheme, s.attack, s.detectionRate]),
    ),
  );
  out.push(latencyFig(x.latencies));
  out.push(
    heatFig(
      'figS4',
      'S4 — DTMS ablations (ρ=0.2)',
      x.ablations.flatMap(
        (a) =>
          [
            [a.label, 'DR@10', a.dr10],
            [a.label, 'DR@T', a.drT],
            [a.label, 'FPR@T', a.fprT],
          ] as [string, string, number][],
      ),
    ),
  );
  out.push(
    heatFig(
      'figS5a',
      'S5 — sensitivity to honest attestation noise p_nc (ρ=0.2)',
      x.noise.flatMap(
        (n) =>
          [
            [`${LABEL[n.scheme] ?? n.scheme} DR@T`, String(n.noise), n.drT],
            [`${LABEL[n.scheme] ?? n.scheme} FPR@T`, String(n.noise), n.fprT],
          ] as [string, string, number][],
      ),
    ),
  );
  out.push(rocFig(x.roc));
  return out;
}

function heatFig(name: string, title: string, cells: [string, string, number][]): Fig {
  const rows = [...new Set(cells.map((c) => c[0]))];
  const cols = [...new Set(cells.map((c) => c[1]))];
  const values = rows.map((rw) =>
    cols.map((cl) => cells.find((c) => c[0] === rw && c[1] === cl)?.[2] ?? Number.NaN),
  );
  return {
    name,
    svg: heatMap({
      title,
      rowLabels: rows,
      colLabels: cols,
      values,
      width: 900,
      height: 120 + 40 * rows.length,
    }),
    csv: { header: ['row', ...cols], rows: rows.map((rw, i) => [JSON.stringify(rw), ...(values[i] ?? [])]) },
  };
}

function latencyFig(lat: { scheme: string; values: number[] }[]): Fig {
  const xs = Array.from({ length: 51 }, (_, i) => i);
  const cdf = (v: number[]): number[] =>
    xs.map((x) => (v.length > 0 ? v.filter((l) => l <= x).length / v.length : Number.NaN));
  return {
    name: 'figS3',
    svg: lineChart({
      title: `S3 — detection latency CDF (cycles after onset)${TDTC_NOTE}`,
      xLabel: 'latency (cycles)',
      yLabel: 'share',
      series: lat.map((l) => ({
        name: LABEL[l.scheme] ?? l.scheme,
        values: cdf(l.values),
        x: xs,
        dashed: DASHED.has(l.scheme),
      })),
    }),
    csv: {
      header: ['latency', ...lat.map((l) => l.scheme)],
      rows: xs.map((x, i) => [x, ...lat.map((l) => cdf(l.values)[i] ?? '')]),
    },
  };
}

function rocFig(roc: { scheme: string; setting: number; drT: number; fprT: number }[]): Fig {
  const schemes = [...new Set(roc.map((p) => p.scheme))];
  const series = schemes.map((s) => {
    const pts = roc.filter((p) => p.scheme === s).sort((a, b) => a.fprT - b.fprT);
    return {
      name: `${LABEL[s] ?? s} (sweep ${s === 'brs' ? 'θ' : 'DevTh'})`,
      values: pts.map((p) => p.drT),
      x: pts.map((p) => p.fprT),
    };
  });
  return {
    name: 'figS5b',
    svg: lineChart({
      title: 'S5 — DR@T vs FPR@T sweeping the decision threshold (ρ=0.2)',
      xLabel: 'FPR@T',
      yLabel: 'DR@T',
      series,
    }),
    csv: {
      header: ['scheme', 'setting', 'drT', 'fprT'],
      rows: roc.map((p) => [p.scheme, p.setting, p.drT, p.fprT]),
    },
  };
}
