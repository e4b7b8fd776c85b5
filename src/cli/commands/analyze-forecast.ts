// `gridtrust analyze forecast`: load forecasts with baselines, fixed-origin or Taylor's rolling protocol [analytics §4].
import type { Command } from 'commander';
import {
  AUTO_CANDIDATES,
  MODEL_NAMES,
  createMethod,
  detectInterval,
  forecastMetrics,
  rollingEvaluation,
  seasonalNaive,
  selectModel,
  type ForecastMethod,
  type ModelName,
  type SeasonalSeries,
  type ValidationScore,
  type TrustReport,
  trustedTotal,
} from '../../analytics/index.ts';
import { drawForecast, drawMapeByLead, openOutDir } from '../analyze-output.ts';
import type { CommandContext } from '../command.ts';
import {
  addSourceOptions,
  loadSource,
  trustLine,
  type LoadedSource,
  type SourceFlags,
} from '../analyze-source.ts';
import { parseIsoTimestamp, type WideTable } from '../data-files.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { conceptOption } from '../vocabulary.ts';

interface ForecastFlags extends SourceFlags {
  column?: string;
  trainUntil: string;
  horizon: string;
  model: string;
  rolling?: boolean;
  maxLead: string;
  seed: string;
  epochs: string;
  neuralEpochs: string;
  members: string;
  out?: string;
  json?: boolean;
}

/** The series to forecast: one column, or the sum of all columns (missing = 0). */
function pickSeries(src: LoadedSource, column: string | undefined): { values: Float64Array; name: string } {
  const t = src.table;
  if (column !== undefined && src.trust?.report.distrusted.includes(column) === true)
    throw new CliError('GT_ERR_CLI_USAGE', `column ${column} is distrusted (trust below the threshold)`, {
      hint: 'forecast a trusted column or the feeder total (omit --column), or lower --trust-threshold',
    });
  if (column === undefined && src.trust !== undefined && src.trust.report.customers > 1)
    return {
      values: trustedTotal(src.trust),
      name: `sum of ${t.columns.length} columns (${src.trust.report.distrusted.length} distrusted, estimated)`,
    };
  if (column !== undefined) {
    const i = t.ids.indexOf(column);
    const col = t.columns[i];
    if (col === undefined)
      throw new CliError('GT_ERR_CLI_USAGE', `no column "${column}" in ${t.source}`, {
        hint: `choose one of: ${t.ids.slice(0, 8).join(', ')}${t.ids.length > 8 ? ', ...' : ''}`,
      });
    if (col.some((v) => Number.isNaN(v)))
      throw new CliError('GT_ERR_CLI_BAD_DATA_FILE', `column ${column} has missing values`, {
        hint: 'forecast a column without gaps, or the sum of all columns (omit --column)',
      });
    return { values: col, name: column };
  }
  if (t.columns.length === 1)
    return { values: t.columns[0] ?? new Float64Array(0), name: t.ids[0] ?? 'value' };
  const sum = new Float64Array(t.timestamps.length);
  for (const col of t.columns) col.forEach((v, i) => (sum[i] = (sum[i] ?? 0) + (Number.isNaN(v) ? 0 : v)));
  return { values: sum, name: `sum of ${t.columns.length} columns` };
}

/** Resolves `--model` (running the inner-validation selection for `auto`). */
async function resolveModel(
  f: ForecastFlags,
  s: SeasonalSeries,
  o: { end: number; horizon: number },
): Promise<{
  method: ForecastMethod;
  selection?: { method: string; chosen: string; scores: ValidationScore[] };
}> {
  const cat = {
    seed: parseNumberArg('--seed', f.seed, { integer: true, min: 0 }),
    epochs: parseNumberArg('--epochs', f.epochs, { integer: true, min: 1 }),
    neuralEpochs: parseNumberArg('--neural-epochs', f.neuralEpochs, { integer: true, min: 1 }),
    ensemble: parseNumberArg('--members', f.members, { integer: true, min: 1, max: 20 }),
  };
  const model = f.model as ModelName;
  if (model !== 'auto') return { method: createMethod(model, cat) };
  const sel = await selectModel(s, { ...cat, ...o });
  return {
    method: sel.method,
    selection: {
      method: `lowest mean MAPE over leads 1..${o.horizon}, rolling origins in the last ${sel.validationSteps} steps before --train-until, fitted on the data before them`,
      chosen: sel.name,
      scores: sel.scores,
    },
  };
}

async function setup(
  f: ForecastFlags,
  ctx: CommandContext,
): Promise<{
  t: WideTable;
  s: SeasonalSeries;
  end: number;
  name: string;
  trust?: TrustReport;
}> {
  if (!(MODEL_NAMES as readonly string[]).includes(f.model))
    throw new CliError('GT_ERR_CLI_USAGE', `--model must be one of ${MODEL_NAMES.join(', ')}`, {
      hint: 'e.g. --model auto',
    });
  const until = parseIsoTimestamp(f.trainUntil);
  if (until === undefined)
    throw new CliError('GT_ERR_CLI_USAGE', `--train-until "${f.trainUntil}" is not an ISO 8601 time`, {
      hint: 'e.g. --train-until 2000-08-21T00:00',
    });
  const src = await loadSource(f, ctx);
  const t = src.table;
  const interval = detectInterval(t.timestamps);
  const end = t.timestamps.findIndex((ts) => ts >= until);
  if (end <= 0)
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--train-until ${f.trainUntil} is ${end === 0 ? 'before the first' : 'after the last'} timestamp of ${t.source}`,
      { hint: 'choose a time inside the series' },
    );
  const { values, name } = pickSeries(src, f.column);
  let scale = 0;
  for (let i = 0; i < end; i++) scale += (values[i] ?? 0) / end;
  const day = 24 * interval.perHour;
  return {
    t,
    s: { values, timestamps: t.timestamps, day, week: 7 * day, scale, calendar: false },
    end,
    name,
    ...(src.trust === undefined ? {} : { trust: src.trust.report }),
  };
}

async function runFixed(f: ForecastFlags, ctx: CommandContext): Promise<void> {
  const { t, s, end, name, trust } = await setup(f, ctx);
  const horizon = parseNumberArg('--horizon', f.horizon, { integer: true, min: 1, max: s.week });
  const t0 = performance.now();
  const { method, selection } = await resolveModel(f, s, { end, horizon });
  const origin = Array.from({ length: horizon }, (_, i) => ({ origin: end - 1, target: end + i }));
  const forecast = await method.predict(s, end, horizon, origin);
  const seconds = (performance.now() - t0) / 1000;
  const model = method.name;
  const avail = Math.min(horizon, s.values.length - end);
  const actual = s.values.subarray(end, end + avail);
  const score = (p: ArrayLike<number>): ReturnType<typeof forecastMetrics> | null =>
    avail > 0 ? forecastMetrics(actual, Array.from(p).slice(0, avail)) : null;
  const naiveWeek = seasonalNaive(s.values, end, horizon, s.week);
  const linear =
    model === 'linear'
      ? forecast
      : await createMethod('linear', { seed: 1, epochs: 1 }).predict(s, end, horizon, origin);
  const m = score(forecast);
  const doc = {
    model,
    horizon,
    mape: m?.mape ?? null,
    mae: m?.mae ?? null,
    rmse: m?.rmse ?? null,
    seconds,
    forecast: Array.from(forecast),
    ...(selection === undefined ? {} : { selection }),
    ...(trust === undefined ? {} : { trust }),
    timestamps: Array.from({ length: horizon }, (_, i) =>
      new Date((t.timestamps[end - 1] ?? 0) + (i + 1) * (s.day > 0 ? 86_400_000 / s.day : 0)).toISOString(),
    ),
    series: name,
    trainUntil: new Date(t.timestamps[end] ?? 0).toISOString(),
    trainPoints: end,
    evaluatedPoints: avail,
    baselines: {
      seasonalNaiveWeek: score(naiveWeek),
      seasonalNaiveDay: score(seasonalNaive(s.values, end, horizon, s.day)),
      linear: score(linear),
    },
  };
  if (f.out !== undefined && avail > 0) {
    const out = openOutDir(f.out);
    drawForecast(out, {
      actual,
      forecast: forecast.subarray(0, avail),
      naive: naiveWeek.subarray(0, avail),
      unit: name,
      model,
    });
    out.csv(
      'forecast',
      ['timestamp', 'forecast', 'actual', 'naive_week'],
      doc.timestamps
        .slice(0, avail)
        .map((ts, i) => [ts, forecast[i] ?? '', actual[i] ?? '', naiveWeek[i] ?? '']),
    );
    Object.assign(doc, { files: out.written });
  }
  if (f.json === true) return printJson(ctx.io, doc);
  const fmt = (x: ReturnType<typeof score>): string =>
    x === null
      ? 'n/a (no actual values)'
      : `MAPE ${x.mape.toFixed(3)} %  MAE ${x.mae.toFixed(1)}  RMSE ${x.rmse.toFixed(1)}`;
  ctx.io.out(`${model}: ${fmt(m)}  (${seconds.toFixed(1)} s, fitted on ${end} points)\n`);
  for (const [k, v] of Object.entries(doc.baselines)) ctx.io.out(`${k.padEnd(18)} ${fmt(v)}\n`);
  if (trust !== undefined) ctx.io.out(trustLine(trust) + '\n');
  if (selection !== undefined)
    ctx.io.out(`selected by inner validation: ${JSON.stringify(selection.scores)}\n`);
}

async function runRolling(f: ForecastFlags, ctx: CommandContext): Promise<void> {
  const { s, end, trust } = await setup(f, ctx);
  const maxLead = parseNumberArg('--max-lead', f.maxLead, { integer: true, min: 1, max: s.week });
  const t0 = performance.now();
  const { method, selection } = await resolveModel(f, s, { end, horizon: maxLead });
  const r = await rollingEvaluation(s, end, maxLead, method);
  const seconds = (performance.now() - t0) / 1000;
  const model = method.name;
  const doc = {
    model,
    protocol:
      'Taylor (2003): fit once before --train-until, forecast leads 1..max-lead from every later origin, parameters fixed',
    maxLead,
    origins: r.origins,
    meanMape: r.meanMape,
    mapeByLead: r.mapeByLead,
    seconds,
    ...(selection === undefined ? {} : { selection }),
    ...(trust === undefined ? {} : { trust }),
    baselines: { seasonalNaiveWeek: { meanMape: r.naiveWeekMeanMape, mapeByLead: r.naiveWeekMapeByLead } },
  };
  if (f.out !== undefined) {
    const out = openOutDir(f.out);
    drawMapeByLead(out, [
      { name: model, values: r.mapeByLead, x: r.mapeByLead.map((_, i) => i + 1) },
      {
        name: 'weekly naive',
        values: r.naiveWeekMapeByLead,
        x: r.mapeByLead.map((_, i) => i + 1),
        dashed: true,
      },
    ]);
    out.csv(
      'rolling-mape-by-lead',
      ['lead', model, 'naive_week'],
      r.mapeByLead.map((v, i) => [i + 1, v, r.naiveWeekMapeByLead[i] ?? '']),
    );
    Object.assign(doc, { files: out.written });
  }
  if (f.json === true) return printJson(ctx.io, doc);
  ctx.io.out(
    `${model}: mean MAPE over leads 1–${maxLead} ${r.meanMape.toFixed(3)} % (lead 1 ${r.mapeByLead[0]?.toFixed(3)} %, lead ${maxLead} ${r.mapeByLead[maxLead - 1]?.toFixed(3)} %), ${r.origins} origins, ${seconds.toFixed(1)} s\n`,
  );
  ctx.io.out(`weekly naive: ${r.naiveWeekMeanMape.toFixed(3)} %\n`);
  if (trust !== undefined) ctx.io.out(trustLine(trust) + '\n');
  if (selection !== undefined)
    ctx.io.out(`selected by inner validation: ${JSON.stringify(selection.scores)}\n`);
}

/** Registers `analyze forecast`. */
export function registerForecast(analyze: Command, ctx: CommandContext): void {
  const cmd = describe(analyze.command('forecast'), {
    purpose: 'forecast load with a neural network or linear model beside seasonal naive baselines',
    details:
      'Fits on the values before --train-until and forecasts --horizon steps after it, reporting MAPE\n' +
      '(%), MAE and RMSE (in the unit of the input) beside the weekly naive forecast; --rolling runs\n' +
      "Taylor's rolling-origin protocol over every origin after --train-until.",
    examples: [
      'gridtrust analyze forecast --input ../shared/data/taylor/taylor_gb_demand_2000_halfhourly.csv --train-until 2000-07-31 --horizon 48',
      'gridtrust analyze forecast --input ../shared/data/taylor/taylor_gb_demand_2000_halfhourly.csv --train-until 2000-07-31 --rolling --json',
    ],
    docs: ['docs/analytics.md'],
  })
    .option('--column <name>', 'forecast this column instead of the sum')
    .requiredOption('--train-until <iso>', 'fit only on values before this time (UTC if no zone)')
    .option('--horizon <steps>', 'steps to forecast from the end of training (≤ one week)', '48')
    .option(
      '--model <name>',
      `${MODEL_NAMES.join(' | ')}: auto = the best of ${AUTO_CANDIDATES.join(', ')} on the last two weeks before --train-until; linear = ridge on weekly-naive error features; dshw = Taylor's double-seasonal Holt-Winters + AR(1); combo = mean of linear and dshw; neural = N-HiTS-style tfjs-wasm MLP (trend, daily/weekly Fourier and generic blocks on the pooled two-week window, calendar and bank-holiday inputs) correcting dshw, seeded ensemble early-stopped on the last training week; mlp-ens = 3 tfjs-wasm MLPs on dshw residuals, early-stopped; mlp / hybrid = single MLP on weekly-naive residuals / ridge + MLP`,
      'auto',
    )
    .option(
      '--rolling',
      "Taylor's rolling-origin protocol: MAPE by lead 1..--max-lead over every origin after --train-until",
    )
    .option('--max-lead <steps>', 'longest lead of --rolling', '48')
    .option('--epochs <n>', 'training epochs of the older MLP models (mlp, hybrid, mlp-ens)', '40')
    .option(
      '--neural-epochs <n>',
      "upper bound on the neural model's epochs (early stopping on the inner validation week)",
      '60',
    )
    .option('--members <n>', 'ensemble members of neural and mlp-ens (seeds seed·1000 + k)', '3')
    .addOption(conceptOption('seed', { detail: 'seeds sampling and the network initialisation' }))
    .addOption(conceptOption('out', { detail: 'the figure (SVG + PNG) and a CSV' }))
    .addOption(conceptOption('json'));
  addSourceOptions(cmd, 'timestamp,value CSV, or a wide household CSV(.gz) (summed unless --column)').action(
    (f: ForecastFlags) => (f.rolling === true ? runRolling(f, ctx) : runFixed(f, ctx)),
  );
}
