// `gridtrust trust experiment|score|world`: trust-scheme experiments, scoring recorded evidence, exporting a world.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import {
  ATTACK_TYPES,
  NOISE_COMPONENTS,
  uniformNoise,
  type AttackIntensity,
  type AttackType,
  type NoiseMult,
} from '../../sim/index.ts';
import { toSchemeName, TrustError, type SchemeName } from '../../trust/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { createProgress } from '../progress.ts';
import { addConcept, addHiddenAlias, conceptOption } from '../vocabulary.ts';
import { runExperiment, type ExperimentReport } from '../trust/experiment.ts';
import { writeFigures } from '../trust/figures.ts';
import type { CliExperimentConfig } from '../trust/plan.ts';
import { registerTrustScore, registerTrustWorld } from '../trust/score-command.ts';

interface ExperimentFlags {
  schemes: string;
  malicious: string;
  cycles: string;
  seeds: string;
  seed: string;
  attacks: string;
  noise: string;
  out?: string;
  extraSeeds?: string;
  workers?: string;
  scenario: string;
  noiseMult: string;
  intensity: string;
  grid?: boolean;
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
    hint: 'S2 adds the malware footprint (a software change at the attack onset)',
  });
}

/** `--noise-mult 2` (every component) or `2,loss=3,jitter=1.5` (a default, then components). */
export function parseNoiseMult(text: string): NoiseMult {
  const out = uniformNoise(1);
  for (const part of list(text)) {
    const [k, v] = part.includes('=') ? part.split('=') : [undefined, part];
    const m = parseNumberArg('--noise-mult', v ?? '', { min: 0, max: 100 });
    if (k === undefined) Object.assign(out, uniformNoise(m));
    else if ((NOISE_COMPONENTS as readonly string[]).includes(k)) out[k as keyof NoiseMult] = m;
    else
      throw new CliError('GT_ERR_CLI_USAGE', `--noise-mult: unknown component "${k}"`, {
        hint: `components: ${NOISE_COMPONENTS.join(', ')} (e.g. --noise-mult 2,loss=3)`,
      });
  }
  return out;
}

function toIntensity(s: string): AttackIntensity {
  if (s === 'default' || s === 'subtle') return s;
  throw new CliError('GT_ERR_CLI_USAGE', `--intensity must be default or subtle, got "${s}"`, {
    hint: 'subtle: drop/tamper 5–10 %, +10–30 ms, 0.05–0.15 replays per reply, 1.5–3× drain',
  });
}

/** Validates every flag of `trust experiment` into a config (throws a usage error naming the flag). */
export function parseExperimentFlags(f: ExperimentFlags): CliExperimentConfig {
  const schemes: SchemeName[] = list(f.schemes).map(toSchemeName);
  const ratios = list(f.malicious).map((r) => parseNumberArg('--malicious', r, { min: 0.01, max: 0.9 }));
  const seeds = parseNumberArg('--seeds', f.seeds, { min: 1, max: 1000, integer: true });
  if (schemes.length === 0 || ratios.length === 0) {
    throw new CliError('GT_ERR_CLI_USAGE', '--schemes and --malicious need at least one value', {
      hint: 'e.g. --schemes robust,paper --malicious 0.1,0.2',
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
    noiseMult: parseNoiseMult(f.noiseMult),
    intensity: toIntensity(f.intensity),
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
    grid: f.grid === true,
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
  printCells(ctx, r);
  for (const g of r.grid ?? []) {
    ctx.io.out(`\nstress grid: honest noise ×${g.noiseMult}, ${g.intensity} attackers\n`);
    printCells(ctx, { config: { ...r.config, thOn: g.thOn, devTh: g.devTh }, results: g.results });
  }
}

function printCells(ctx: CommandContext, r: Pick<ExperimentReport, 'config' | 'results'>): void {
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
  const trust = describe(program.command('trust'), {
    purpose: 'dynamic trust measurement: experiments, scoring evidence, evidence worlds',
    examples: [
      'gridtrust trust experiment --schemes robust,brs --malicious 0.2 --seeds 5',
      'gridtrust trust world --export-evidence ev.jsonl && gridtrust trust score --evidence ev.jsonl',
    ],
    docs: ['docs/trust-results.md', 'docs/evidence-format.md'],
  });
  const experiment = describe(trust.command('experiment'), {
    purpose: 'compare trust schemes on seeded evidence worlds: detection, false positives, energy, latency',
    details:
      'Runs each scheme on the seeded evidence world (attack types A1..A8 of docs/trust-results.md),\n' +
      'calibrating the DTMS thresholds on separate attack-free seeds, and reports per scheme and\n' +
      'malicious share the detection rate (DR), false-positive rate (FPR) and residual energy ratio (RER)\n' +
      'per cycle, the median detection latency in cycles and the detection per attack (means over seeds).',
    examples: [
      'gridtrust trust experiment --schemes robust,paper,brs --malicious 0.2 --seeds 5 --noise 0.005 --json',
      'gridtrust trust experiment --seeds 10 --out figures',
      'gridtrust trust experiment --schemes robust,brs,peer-p99 --noise 0.005 --noise-mult 2,loss=3 --intensity subtle',
      'gridtrust trust experiment --schemes robust,brs,peer-p99 --seeds 30 --noise 0.005 --grid --json',
    ],
    docs: ['docs/trust-results.md'],
  });
  experiment
    .option(
      '--schemes <list>',
      'schemes: robust,paper,paper-rm,brs,brs-attest,sl,tdtc,peer-p99',
      'robust,paper,brs,sl,tdtc',
    )
    .option('--seeds <n>', 'Monte Carlo seeds per configuration', '30')
    .addOption(conceptOption('seed', { detail: 'the first evaluation seed; calibration uses seed+1000000…' }))
    .option('--attacks <list>', 'attack types assigned round-robin', ATTACK_TYPES.join(','))
    .option('--noise <p>', 'honest non-core attestation glitch probability p_nc', '0')
    .option('--scenario <S1|S2>', 'S2: behavioural attackers also change software at their onset', 'S1')
    .option(
      '--noise-mult <m>',
      `honest-noise multiplier: N for every component, or N,component=M,... (${NOISE_COMPONENTS.join(', ')})`,
      '1',
    )
    .option(
      '--intensity <name>',
      'attacker intensity; subtle = drop/tamper 5–10 %, +10–30 ms, 0.05–0.15 replays, 1.5–3× drain',
      'default',
    )
    .option(
      '--grid',
      'also run the stress grid: honest noise ×1, ×1.5, ×2, ×3, each with standard and subtle attackers (report.grid)',
    )
    .addOption(
      conceptOption('out', {
        detail: 'the figures of docs/trust-results.md (SVG, PNG, CSV); runs the extra figure experiments',
      }),
    )
    .addOption(
      withDerivedDefault(
        new Option('--extra-seeds <n>', 'seeds for the extra figure runs (Fig. 5, S2, S4, S5)'),
        'min(--seeds, 10)',
      ),
    )
    .addOption(withDerivedDefault(new Option('--workers <n>', 'worker threads'), 'one per core'))
    .addOption(conceptOption('json', { detail: '{ config, results }' }))
    .action((f: ExperimentFlags) => experimentAction(ctx, f));
  addConcept(experiment, 'malicious', { default: '0.1,0.2,0.3,0.4', detail: 'a comma list sweeps them' });
  addConcept(experiment, 'cycles', { default: '50', detail: 'evaluation cycles T' });
  const figures = describe(trust.command('figures'), {
    purpose: 'redraw the figures (SVG, PNG, CSV) from a results.json written by `trust experiment --out`',
    examples: ['gridtrust trust figures --input figures/results.json --out figures-again'],
    docs: ['docs/trust-results.md'],
  })
    .requiredOption('--input <file>', 'the results.json an earlier `trust experiment --out` wrote')
    .addOption(conceptOption('out', { required: true }))
    .addOption(conceptOption('json', { detail: '{ files: [...] }' }))
    .action((f: { input: string; out: string; json?: boolean }) => {
      let report: ExperimentReport;
      try {
        report = JSON.parse(readFileSync(f.input, 'utf8')) as ExperimentReport;
      } catch (cause) {
        throw new TrustError('GT_ERR_TRUST_EVIDENCE_FILE', `cannot read results ${f.input}`, {
          hint: 'pass the results.json that `trust experiment --out DIR` wrote',
          cause,
        });
      }
      const files = writeFigures(f.out, report);
      if (f.json === true) printJson(ctx.io, { out: f.out, files });
      else ctx.io.out(`wrote ${files.length} figures to ${f.out}\n`);
    });
  addHiddenAlias(figures, '--from <file>', 'input');
  registerTrustScore(trust, ctx);
  registerTrustWorld(trust, ctx);
};
