// `gridtrust analyze fdi-experiment`: does trust-aware analytics matter? False data injected into a share
// of the households; the feeder forecast and the load patterns with and without trust vs the clean truth.
import type { Command } from 'commander';
import {
  FDI_ATTACKS,
  applyTrust,
  centreDistance,
  createInlineExecutor,
  dshwMethod,
  forecastMetrics,
  injectFdi,
  prepareDailyCurves,
  runKmeans,
  trustedTotal,
  type LoadTable,
} from '../../analytics/index.ts';
import { createRandom } from '../../core/index.ts';
import type { CommandContext } from '../command.ts';
import { parseIsoTimestamp, readTableFile } from '../data-files.ts';
import { CliError } from '../errors.ts';
import { openOutDir } from '../analyze-output.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { conceptOption } from '../vocabulary.ts';

interface FdiFlags {
  input: string;
  share: string;
  trainUntil: string;
  attackWeeks: string;
  k: string;
  seed: string;
  out?: string;
  json?: boolean;
}

const HELP = `
Injects false data (the trust experiment's attacker set: scaling ×2–4, replay of days 4–8 weeks old,
constant 3× mean, uniform random 0–6× mean) into --share of the households from --attack-weeks before
--train-until on, then compares against the clean data: the feeder (sum of all households) forecast by
dshw for the week after --train-until, without trust and with trust (the attacked households scored 0,
i.e. a detector that caught them; their share estimated as the mean trusted household), and the k-means
load patterns (mean distance of each clean centre to the nearest centre found, peak-normalised curves).

Example:
  gridtrust analyze fdi-experiment --input lcl_london_2013_halfhourly_kwh_dev.csv.gz --share 0.2 --json

Exit codes:
  0  the table was computed
  2  bad input (an unreadable file, a --train-until without 4 weeks before and one after)`;

function sumColumns(t: LoadTable): Float64Array {
  const out = new Float64Array(t.timestamps.length);
  for (const c of t.columns) c.forEach((v, i) => (out[i] = (out[i] ?? 0) + (Number.isNaN(v) ? 0 : v)));
  return out;
}

async function feederMape(
  total: Float64Array,
  truth: Float64Array,
  t: LoadTable,
  end: number,
): Promise<number> {
  const s = { values: total, timestamps: t.timestamps, day: 48, week: 336, scale: 1, calendar: false };
  const pairs = Array.from({ length: 336 }, (_, i) => ({ origin: end - 1, target: end + i }));
  const f = await dshwMethod.predict(s, end, 336, pairs);
  return forecastMetrics(truth.subarray(end, end + 336), f).mape;
}

async function centres(t: LoadTable, k: number, seed: number): Promise<Float64Array> {
  const c = prepareDailyCurves(t, {});
  const ex = createInlineExecutor();
  const r = await runKmeans(
    { data: c.data, n: c.n, d: c.d },
    { k, random: createRandom(seed), nInit: 2 },
    ex,
  );
  await ex.close();
  return r.centres;
}

/** Mean absolute relative error (%) of a feeder total against the truth over [from, end). */
function totalError(total: Float64Array, truth: Float64Array, from: number, end: number): number {
  let s = 0;
  for (let i = from; i < end; i++)
    s += Math.abs((total[i] ?? 0) - (truth[i] ?? 0)) / Math.max(1e-9, truth[i] ?? 0);
  return (100 * s) / Math.max(1, end - from);
}

async function runFdi(f: FdiFlags, ctx: CommandContext): Promise<void> {
  const until = parseIsoTimestamp(f.trainUntil);
  const clean = readTableFile(f.input);
  const end = until === undefined ? -1 : clean.timestamps.findIndex((ts) => ts >= until);
  if (end < 4 * 336 || end + 336 > clean.timestamps.length)
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--train-until ${f.trainUntil} leaves no full week after it or 4 weeks before`,
      {
        hint: 'e.g. --train-until 2013-11-25T00:00 on the LCL file',
      },
    );
  const share = parseNumberArg('--share', f.share, { min: 0.01, max: 0.9 });
  const from =
    end - 336 * parseNumberArg('--attack-weeks', f.attackWeeks, { integer: true, min: 1, max: 20 });
  const k = parseNumberArg('--k', f.k, { integer: true, min: 2, max: 20 });
  const seed = parseNumberArg('--seed', f.seed, { integer: true, min: 0 });
  const truth = sumColumns(clean);
  const cleanCentres = await centres(clean, k, seed);
  const rows = [];
  for (const attack of FDI_ATTACKS) {
    const { table, attacked } = injectFdi(clean, {
      attack,
      share,
      from,
      day: 48,
      random: createRandom(seed),
    });
    const trusted = applyTrust(table, {
      scores: new Map(attacked.map((id) => [id, 0])),
      source: 'experiment',
    });
    const withTrust = trustedTotal(trusted);
    const naive = sumColumns(table);
    rows.push({
      attack,
      attacked: attacked.length,
      trustedEnergyShare: trusted.report.trustedEnergyShare,
      feederTotalErrorPct: {
        withoutTrust: totalError(naive, truth, from, end),
        withTrust: totalError(withTrust, truth, from, end),
      },
      forecastMapeVsTruth: {
        withoutTrust: await feederMape(naive, truth, table, end),
        withTrust: await feederMape(withTrust, truth, table, end),
      },
      patternCentreDistance: {
        withoutTrust: centreDistance(cleanCentres, await centres(table, k, seed), 24),
        withTrust: centreDistance(cleanCentres, await centres(trusted.trusted, k, seed), 24),
      },
    });
  }
  const doc = {
    share,
    attackFrom: new Date(clean.timestamps[from] ?? 0).toISOString(),
    trainUntil: new Date(clean.timestamps[end] ?? 0).toISOString(),
    customers: clean.ids.length,
    cleanForecastMape: await feederMape(truth, truth, clean, end),
    model: 'dshw',
    k,
    rows,
  };
  if (f.out !== undefined) {
    const out = openOutDir(f.out);
    out.csv(
      'fdi-experiment',
      [
        'attack',
        'attacked',
        'forecast_mape_without_trust',
        'forecast_mape_with_trust',
        'total_error_without_trust_pct',
        'total_error_with_trust_pct',
        'centre_distance_without_trust',
        'centre_distance_with_trust',
      ],
      rows.map((r) => [
        r.attack,
        r.attacked,
        r.forecastMapeVsTruth.withoutTrust,
        r.forecastMapeVsTruth.withTrust,
        r.feederTotalErrorPct.withoutTrust,
        r.feederTotalErrorPct.withTrust,
        r.patternCentreDistance.withoutTrust,
        r.patternCentreDistance.withTrust,
      ]),
    );
    Object.assign(doc, { files: out.written });
  }
  if (f.json === true) return printJson(ctx.io, doc);
  ctx.io.out(
    `clean feeder forecast (dshw, week after ${doc.trainUntil}): MAPE ${doc.cleanForecastMape.toFixed(2)} %\n`,
  );
  ctx.io.out(
    'attack    n   forecast MAPE vs truth (no trust / trust)   feeder total error   pattern distance\n',
  );
  for (const r of rows)
    ctx.io.out(
      `${r.attack.padEnd(9)} ${String(r.attacked).padStart(3)}   ${r.forecastMapeVsTruth.withoutTrust.toFixed(2).padStart(8)} % / ${r.forecastMapeVsTruth.withTrust.toFixed(2)} %` +
        `            ${r.feederTotalErrorPct.withoutTrust.toFixed(1)} % / ${r.feederTotalErrorPct.withTrust.toFixed(1)} %      ${r.patternCentreDistance.withoutTrust.toFixed(3)} / ${r.patternCentreDistance.withTrust.toFixed(3)}\n`,
    );
}

/** Registers `analyze fdi-experiment`. */
export function registerFdi(analyze: Command, ctx: CommandContext): void {
  analyze
    .command('fdi-experiment')
    .description(
      'false data in a share of households: feeder forecast and load patterns with vs without trust',
    )
    .requiredOption('--input <file>', 'wide household CSV(.gz), e.g. the LCL file')
    .option('--share <x>', 'share of the households attacked', '0.2')
    .option('--train-until <iso>', 'forecast the week from here', '2013-11-25T00:00')
    .option('--attack-weeks <n>', 'the attack starts this many weeks before --train-until', '8')
    .option('--k <n>', 'load patterns (k-means k)', '6')
    .addOption(conceptOption('seed', { detail: 'seeds the attacked set, the attacks and k-means' }))
    .addOption(conceptOption('out', { detail: 'the table as CSV' }))
    .addOption(conceptOption('json'))
    .addHelpText('after', HELP)
    .action((f: FdiFlags) => runFdi(f, ctx));
}
