// `gridtrust analyze forecast`: load forecasts with baselines, fixed-origin or Taylor's rolling protocol [analytics §4].
import type { Command } from 'commander';
import {
  AUTO_CANDIDATES,
  MODEL_NAMES,
  createMethod,
  detectInterval,
  forecastMetrics,
  rollingEvaluation,
  rollingPairs,
  seasonalNaive,
  selectModel,
  type ForecastMethod,
  type ModelName,
  type SeasonalSeries,
  type ValidationScore,
  type TrustReport,
  trustedTotal,
  calibrateQuantiles,
  probabilisticScores,
  quantileBands,
  type Pair,
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
  quantiles: string;
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

function parseLevels(text: string): number[] | undefined {
  if (text === 'none') return undefined;
  const levels = text.split(',').map((v) => Number(v));
  if (levels.length === 0 || levels.some((q) => !(q > 0 && q < 1)))
    throw new CliError('GT_ERR_CLI_USAGE', `--quantiles must be levels in (0,1) or none, got "${text}"`, {
      hint: 'e.g. --quantiles 0.1,0.5,0.9',
    });
  return levels;
}

/** Quantile bands of the forecast pairs and their scores where actual values exist [issue 22]. */
async function probabilistic(
  f: ForecastFlags,
  o: {
    s: SeasonalSeries;
    method: ForecastMethod;
    end: number;
    horizon: number;
    pairs: readonly Pair[];
    forecast: Float64Array;
  },
): Promise<{ doc: Record<string, unknown>; bands: Float64Array[] } | undefined> {
  const levels = parseLevels(f.quantiles);
  if (levels === undefined) return undefined;
  const validation = 2 * o.s.week;
  // too little history before the validation weeks: no band rather than no forecast
  if (o.end - validation < 3 * o.s.week)
    return {
      doc: { levels, skipped: `needs ${5 * o.s.week} values before --train-until (5 weeks), got ${o.end}` },
      bands: [],
    };
  const q = await calibrateQuantiles(o.s, o.method, { end: o.end, horizon: o.horizon, validation, levels });
  const bands = quantileBands(q, o.pairs, o.forecast);
  const known = o.pairs.map((p, i) => (p.target < o.s.values.length ? i : -1)).filter((i) => i >= 0);
  const scores =
    known.length === 0
      ? null
      : probabilisticScores(
          q.levels,
          bands.map((b) => Float64Array.from(known, (i) => b[i] ?? 0)),
          known.map((i) => o.s.values[o.pairs[i]?.target ?? 0] ?? 0),
        );
  return {
    doc: { levels: q.levels, method: q.method, relativeErrorQuantiles: q.rows, ...(scores ?? {}) },
    bands,
  };
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
  const prob = await probabilistic(f, { s, method, end, horizon, pairs: origin, forecast });
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
    ...(prob === undefined
      ? {}
      : {
          quantiles: {
            ...prob.doc,
            bands: Object.fromEntries(
              (prob.doc.levels as number[]).map((q, j) => [String(q), Array.from(prob.bands[j] ?? [])]),
            ),
          },
        }),
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
      start: doc.trainUntil,
      ...(prob === undefined || prob.bands.length === 0
        ? {}
        : {
            band: {
              lo: (prob.bands[0] ?? new Float64Array(0)).subarray(0, avail),
              hi: (prob.bands[prob.bands.length - 1] ?? new Float64Array(0)).subarray(0, avail),
              lowLabel: `P${(100 * ((prob.doc.levels as number[])[0] ?? 0)).toFixed(0)}`,
              highLabel: `P${(100 * ((prob.doc.levels as number[]).at(-1) ?? 1)).toFixed(0)}`,
            },
          }),
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
  if (prob?.doc.pinball !== undefined)
    ctx.io.out(
      `quantiles ${JSON.stringify(prob.doc.levels)}: pinball ${Number(prob.doc.pinball).toFixed(2)}, coverage of the outer interval ${(100 * Number(prob.doc.coverage)).toFixed(1)} %\n`,
    );
  for (const [k, v] of Object.entries(doc.baselines)) ctx.io.out(`${k.padEnd(18)} ${fmt(v)}\n`);
  if (trust !== undefined) ctx.io.out(trustLine(trust) + '\n');
  if (selection !== undefined)
    ctx.io.out(`selected by inner validation: ${JSON.stringify(selection.scores)}\n`);
}

/** The method with its last forecast kept: the rolling pairs are forecast once for MAPE and bands. */
function remember(m: ForecastMethod): ForecastMethod {
  let last: { key: string; value: Float64Array } | undefined;
  return {
    name: m.name,
    async predict(s, end, h, pairs) {
      const key = `${end}:${h}:${pairs.length}:${pairs[0]?.origin}:${pairs.at(-1)?.target}`;
      if (last?.key !== key) last = { key, value: await m.predict(s, end, h, pairs) };
      return last.value;
    },
  };
}

async function runRolling(f: ForecastFlags, ctx: CommandContext): Promise<void> {
  const { s, end, trust } = await setup(f, ctx);
  const maxLead = parseNumberArg('--max-lead', f.maxLead, { integer: true, min: 1, max: s.week });
  const t0 = performance.now();
  const { method, selection } = await resolveModel(f, s, { end, horizon: maxLead });
  const memo = remember(method);
  const r = await rollingEvaluation(s, end, maxLead, memo);
  const seconds = (performance.now() - t0) / 1000;
  const pairs = rollingPairs(end, s.values.length, maxLead);
  const prob =
    parseLevels(f.quantiles) === undefined
      ? undefined
      : await probabilistic(f, {
          s,
          method,
          end,
          horizon: maxLead,
          pairs,
          forecast: await method.predict(s, end, maxLead, pairs),
        });
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
    ...(prob === undefined ? {} : { quantiles: prob.doc }),
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
    .option(
      '--quantiles <levels>',
      'quantile levels of the band (from the inner validation errors), or none',
      '0.1,0.5,0.9',
    )
    .option('--members <n>', 'ensemble members of neural and mlp-ens (seeds seed·1000 + k)', '3')
    .addOption(conceptOption('seed', { detail: 'seeds sampling and the network initialisation' }))
    .addOption(conceptOption('out', { detail: 'the figure (SVG + PNG) and a CSV' }))
    .addOption(conceptOption('json'));
  addSourceOptions(cmd, 'timestamp,value CSV, or a wide household CSV(.gz) (summed unless --column)').action(
    (f: ForecastFlags) => (f.rolling === true ? runRolling(f, ctx) : runFixed(f, ctx)),
  );
}
