// `gridtrust trust experiment|score|world`: trust-scheme experiments, scoring recorded evidence, exporting a world.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { ATTACK_TYPES, type AttackType } from '../../sim/index.ts';
import { toSchemeName, TrustError, type SchemeName } from '../../trust/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { createProgress } from '../progress.ts';
import { runExperiment, type ExperimentReport } from '../trust/experiment.ts';
import { writeFigures } from '../trust/figures.ts';
import type { CliExperimentConfig } from '../trust/plan.ts';
import { registerTrustScore, registerTrustWorld } from '../trust/score-command.ts';

interface ExperimentFlags {
  schemes: string;
  ratios: string;
  cycles: string;
  seeds: string;
  seed: string;
  attacks: string;
  noise: string;
  out?: string;
  extraSeeds?: string;
  workers?: string;
  scenario: string;
  json?: boolean;
}

const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

function toAttack(a: string): AttackType {
  const found = ATTACK_TYPES.find((t) => t === a.toUpperCase());
  if (found === undefined) {
    throw new CliError('GT_ERR_CLI_USAGE', `unknown attack "${a}"`, {
      hint: `use a subset of ${ATTACK_TYPES.join(',')}`,
    });
  }
  return found;
}

function toScenario(s: string): 'S1' | 'S2' {
  const v = s.toUpperCase();
  if (v === 'S1' || v === 'S2') return v;
  throw new CliError('GT_ERR_CLI_USAGE', `--scenario must be S1 or S2, got "${s}"`, {
    hint: 'S2 adds the malware footprint of trust spec §8',
  });
}

/** Validates every flag of `trust experiment` into a config (throws a usage error naming the flag). */
export function parseExperimentFlags(f: ExperimentFlags): CliExperimentConfig {
  const schemes: SchemeName[] = list(f.schemes).map(toSchemeName);
  const ratios = list(f.ratios).map((r) => parseNumberArg('--ratios', r, { min: 0.01, max: 0.9 }));
  const seeds = parseNumberArg('--seeds', f.seeds, { min: 1, max: 1000, integer: true });
  if (schemes.length === 0 || ratios.length === 0) {
    throw new CliError('GT_ERR_CLI_USAGE', '--schemes and --ratios need at least one value', {
      hint: 'e.g. --schemes robust,paper --ratios 0.1,0.2',
    });
  }
  return {
    schemes,
    ratios,
    cycles: parseNumberArg('--cycles', f.cycles, { min: 1, max: 10000, integer: true }),
    seeds,
    seed: parseNumberArg('--seed', f.seed, { min: 0, max: 2 ** 31, integer: true }),
    attacks: list(f.attacks).map(toAttack),
    noise: parseNumberArg('--noise', f.noise, { min: 0, max: 0.5 }),
    calibrationSeeds: 20,
    scenario: toScenario(f.scenario),
    extraSeeds: parseNumberArg('--extra-seeds', f.extraSeeds ?? String(Math.min(seeds, 10)), {
      min: 1,
      max: 1000,
      integer: true,
    }),
  };
}

async function experimentAction(ctx: CommandContext, f: ExperimentFlags): Promise<void> {
  const cfg = parseExperimentFlags(f);
  const workers = parseNumberArg('--workers', f.workers ?? String(availableParallelism()), {
    min: 1,
    max: 64,
    integer: true,
  });
  let bar = createProgress(ctx.io, 'calibrate', 1, f.json === true);
  let current = '';
  const report = await runExperiment(cfg, {
    workers,
    withExtras: f.out !== undefined,
    onProgress: (done, total, phase) => {
      if (phase !== current) {
        if (current !== '') bar.done();
        current = phase;
        bar = createProgress(ctx.io, phase.padEnd(12), total, f.json === true);
      }
      bar.update(done, `${done}/${total} runs`);
    },
  });
  bar.done();
  if (f.out !== undefined) {
    const files = writeFigures(f.out, report);
    ctx.io.err(`wrote ${files.length} figures (SVG, PNG, CSV) and results.json to ${f.out}\n`);
  }
  if (f.json === true) printJson(ctx.io, report);
  else printTable(ctx, report);
}

function printTable(ctx: CommandContext, r: Awaited<ReturnType<typeof runExperiment>>): void {
  const T = r.config.cycles;
  ctx.io.out(
    `calibrated ThON=${r.config.thOn} DevTh=${r.config.devTh} (${r.config.calibrationSeeds} attack-free seeds)\n`,
  );
  ctx.io.out(`scheme       ratio  DR@10   DR@${T}   FPR@${T}  RER@${T}  latency  per attack (DR@${T})\n`);
  for (const c of r.results) {
    const pa = Object.entries(c.perAttack)
      .map(([a, v]) => `${a}:${v.toFixed(2)}`)
      .join(' ');
    const last = (a: number[]): string => (a[a.length - 1] ?? Number.NaN).toFixed(3);
    ctx.io.out(
      `${c.scheme.padEnd(12)} ${c.ratio.toFixed(2)}  ${(c.detectionRate[9] ?? Number.NaN).toFixed(3)}  ${last(c.detectionRate)}  ${last(c.falsePositiveRate)}  ${last(c.residualEnergyRatio)}  ${String(c.medianLatency ?? '-').padStart(7)}  ${pa}\n`,
    );
  }
}

export const registerTrust: RegisterCommand = (program: Command, ctx) => {
  const trust = program
    .command('trust')
    .description('dynamic trust measurement: experiments, scoring evidence, evidence worlds');
  trust
    .command('experiment')
    .description(
      'run trust schemes on the seeded evidence world of trust spec §6 (attacks A1–A8), calibrating DTMS thresholds ' +
        'on separate attack-free seeds; reports per scheme and malicious ratio the detection rate, false-positive rate ' +
        'and residual energy per cycle, median latency and per-attack detection (mean over seeds, 95 % CI)',
    )
    .option(
      '--schemes <list>',
      'schemes: robust,paper,paper-rm,brs,brs-attest,sl,tdtc',
      'robust,paper,brs,sl,tdtc',
    )
    .option('--ratios <list>', 'malicious ratios', '0.1,0.2,0.3,0.4')
    .option('--cycles <n>', 'evaluation cycles T', '50')
    .option('--seeds <n>', 'Monte Carlo seeds per configuration', '30')
    .option('--seed <n>', 'first evaluation seed (calibration uses seed+1000000...)', '1')
    .option('--attacks <list>', 'attack types assigned round-robin', ATTACK_TYPES.join(','))
    .option('--noise <p>', 'honest non-core attestation glitch probability p_nc', '0')
    .option('--scenario <S1|S2>', 'S2: behavioural attackers also change software at onset (spec §8)', 'S1')
    .option(
      '--out <dir>',
      'draw the figures of spec §10 (SVG, PNG, CSV) into DIR (runs the extra figure experiments)',
    )
    .option(
      '--extra-seeds <n>',
      'seeds for the extra figure runs (Fig. 5, S2, S4, S5); default min(seeds, 10)',
    )
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print one JSON document { config, results } on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  gridtrust trust experiment --schemes robust,paper,brs --ratios 0.2 --seeds 5 --noise 0.005 --json',
    )
    .action((f: ExperimentFlags) => experimentAction(ctx, f));
  trust
    .command('figures')
    .description('redraw the figures (SVG, PNG, CSV) from a results.json written by `trust experiment --out`')
    .requiredOption('--from <file>', 'results.json of an earlier run')
    .requiredOption('--out <dir>', 'where to write the figures')
    .action((f: { from: string; out: string }) => {
      let report: ExperimentReport;
      try {
        report = JSON.parse(readFileSync(f.from, 'utf8')) as ExperimentReport;
      } catch (cause) {
        throw new TrustError('GT_ERR_TRUST_EVIDENCE_FILE', `cannot read results ${f.from}`, {
          hint: 'pass the results.json that `trust experiment --out DIR` wrote',
          cause,
        });
      }
      ctx.io.out(`wrote ${writeFigures(f.out, report).length} figures to ${f.out}\n`);
    });
  registerTrustScore(trust, ctx);
  registerTrustWorld(trust, ctx);
};
