// `gridtrust analyze flexibility`: peak contributions, coincidence and load factors, per month and per pattern [analytics §3].
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import {
  createWorkerExecutor,
  evaluateFlexibility,
  flexibilityByCluster,
  prepareDailyCurves,
  runKmeans,
  type ClusterFlexibility,
  withEstimateColumn,
  DISTRUSTED_ESTIMATE_ID,
  type LoadTable,
} from '../../analytics/index.ts';
import { createRandom } from '../../core/index.ts';
import { drawRanking, openOutDir } from '../analyze-output.ts';
import type { CommandContext } from '../command.ts';
import { addSourceOptions, loadSource, trustLine, type SourceFlags } from '../analyze-source.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { conceptOption } from '../vocabulary.ts';

interface FlexFlags extends SourceFlags {
  peakWindow: string;
  utcOffset: string;
  k?: string;
  seed: string;
  top: string;
  out?: string;
  json?: boolean;
}

function parseWindow(text: string): [number, number] {
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(text);
  const [a, b] = [Number(m?.[1]), Number(m?.[2])];
  if (m === null || a >= b || b > 24)
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--peak-window must look like 16-20 (hours, from < to ≤ 24), got "${text}"`,
      { hint: 'e.g. --peak-window 16-20' },
    );
  return [a, b];
}

async function perCluster(
  table: LoadTable,
  flex: ReturnType<typeof evaluateFlexibility>,
  k: number,
  seed: number,
  utcOffsetMinutes: number,
): Promise<{ clusters: ClusterFlexibility[]; centroids: number[][] }> {
  const curves = prepareDailyCurves(table, { utcOffsetMinutes });
  const ex = createWorkerExecutor(availableParallelism());
  try {
    const r = await runKmeans(
      { data: curves.data, n: curves.n, d: 24 },
      { k, random: createRandom(seed), nInit: 3 },
      ex,
    );
    const clusters = flexibilityByCluster(table, flex, {
      customer: curves.customer,
      day: curves.day,
      labels: r.labels,
      k,
    });
    return {
      clusters,
      centroids: Array.from({ length: k }, (_, j) => Array.from(r.centres.subarray(j * 24, j * 24 + 24))),
    };
  } finally {
    await ex.close();
  }
}

async function runFlexibility(f: FlexFlags, ctx: CommandContext): Promise<void> {
  const src = await loadSource(f, ctx);
  // the system (aggregate) keeps the distrusted customers' estimated share; rankings are of trusted ones
  const table = src.trust === undefined ? src.table : withEstimateColumn(src.trust);
  const customersTable = src.trust === undefined ? src.table : src.trust.trusted;
  const utcOffsetMinutes = parseNumberArg('--utc-offset', f.utcOffset, {
    min: -840,
    max: 840,
    integer: true,
  });
  const top = parseNumberArg('--top', f.top, { integer: true, min: 1 });
  const t0 = performance.now();
  const flex = evaluateFlexibility(table, { peakWindow: parseWindow(f.peakWindow), utcOffsetMinutes });
  const k = f.k === undefined ? undefined : parseNumberArg('--k', f.k, { integer: true, min: 1, max: 40 });
  const clusters =
    k === undefined
      ? undefined
      : await perCluster(
          customersTable,
          flex,
          k,
          parseNumberArg('--seed', f.seed, { integer: true, min: 0 }),
          utcOffsetMinutes,
        );
  const customers = [...flex.customers]
    .filter((c) => c.id !== DISTRUSTED_ESTIMATE_ID)
    .sort((a, b) => a.rank - b.rank)
    .map((c, i) => ({ ...c, rank: i + 1 }));
  const estimate = flex.customers.find((c) => c.id === DISTRUSTED_ESTIMATE_ID);
  const doc = {
    customers,
    days: flex.days,
    peakContributionSum: customers.reduce((a, c) => a + c.peakContribution, 0),
    ...(src.trust === undefined
      ? {}
      : { trust: src.trust.report, distrustedPeakContribution: estimate?.peakContribution ?? 0 }),
    typicalPeakTime: flex.typicalPeakTime,
    peakWindow: flex.peakWindow,
    demandResponseTargets: customers.slice(0, top).map((c) => c.id),
    months: flex.months.map((m) => ({
      month: m.month,
      days: m.days,
      peakContribution: Object.fromEntries(table.ids.map((id, i) => [id, m.peakContribution[i] ?? 0])),
    })),
    perCluster: clusters,
    seconds: (performance.now() - t0) / 1000,
  };
  if (f.out !== undefined) {
    const out = openOutDir(f.out);
    drawRanking(out, customers, top);
    out.csv(
      'flexibility',
      [
        'id',
        'rank',
        'peakContribution',
        'coincidenceFactor',
        'loadFactor',
        'peakWindowShare',
        'flexibleEnergyPerDay',
      ],
      customers.map((c) => [
        c.id,
        c.rank,
        c.peakContribution,
        c.coincidenceFactor,
        c.loadFactor,
        c.peakWindowShare,
        c.flexibleEnergyPerDay,
      ]),
    );
    Object.assign(doc, { files: out.written });
  }
  if (f.json === true) return printJson(ctx.io, doc);
  ctx.io.out(
    `${flex.days} days, system peak most often at ${flex.typicalPeakTime}; peak contributions sum to ${doc.peakContributionSum.toFixed(6)}\n`,
  );
  if (src.trust !== undefined) ctx.io.out(trustLine(src.trust.report) + '\n');
  ctx.io.out('rank id          PC %   CF     LF     peak-window %  flexible/day\n');
  for (const c of customers.slice(0, top)) {
    ctx.io.out(
      `${String(c.rank).padStart(4)} ${c.id.padEnd(10)} ${(100 * c.peakContribution).toFixed(2).padStart(5)} ${c.coincidenceFactor.toFixed(3)}  ${c.loadFactor.toFixed(3)}  ${(100 * c.peakWindowShare).toFixed(1).padStart(5)}          ${c.flexibleEnergyPerDay.toFixed(3)}\n`,
    );
  }
  for (const c of clusters?.clusters ?? []) {
    const centre = clusters?.centroids[c.cluster] ?? [];
    const where =
      c.cluster < 0
        ? 'unclustered'
        : `P${c.cluster + 1} (centre peaks at ${centre.indexOf(Math.max(...centre))}:00)`;
    ctx.io.out(`pattern ${where}: ${(100 * c.peakShare).toFixed(1)} % of the daily peak\n`);
  }
}

/** Registers `analyze flexibility`. */
export function registerFlexibility(analyze: Command, ctx: CommandContext): void {
  const cmd = describe(analyze.command('flexibility'), {
    purpose: 'who drives the peak: daily peak contribution, coincidence and load factors, flexibility',
    details:
      'Per customer: the share of the daily system peak (the shares sum to 1), coincidence and load\n' +
      'factors and the energy in the peak window, per month and, with --k, per load pattern; the top\n' +
      '--top customers are the demand-response targets.',
    examples: [
      'gridtrust analyze flexibility --input ../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz --top 10',
      'gridtrust analyze flexibility --input ../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz --k 4 --json',
    ],
    docs: ['docs/analytics.md'],
  })
    .option('--peak-window <a-b>', 'peak window in local hours [a, b)', '16-20')
    .option('--utc-offset <minutes>', 'local day = UTC + this many minutes', '0')
    .option(
      '--k <n>',
      'also cluster the daily curves into k patterns and report which pattern drives the peak',
    )
    .addOption(conceptOption('seed', { detail: 'seeds the clustering' }))
    .option('--top <n>', 'customers listed as demand-response targets and drawn in the ranking', '20')
    .addOption(conceptOption('out', { detail: 'the ranking figure (SVG + PNG) and a CSV' }))
    .addOption(conceptOption('json'));
  addSourceOptions(
    cmd,
    'wide CSV(.gz): timestamp,<customer>,... (the system is the sum of the customers; missing = 0)',
  ).action((f: FlexFlags) => runFlexibility(f, ctx));
}
