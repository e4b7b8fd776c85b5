// `gridtrust bench <name>`: runs one benchmark of bench/ and prints its figures (JSON with --json).
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import type { BenchModule } from '../bench-context.ts';
import { formatFigures } from '../bench-figures.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { conceptOption } from '../vocabulary.ts';

interface BenchEntry {
  describe: string;
  load(): Promise<BenchModule>;
}

/** The registry of benchmarks; each entry's README is bench/<name>/README.md. */
const BENCHES: Record<string, BenchEntry> = {
  ingest: {
    describe:
      'MQTT QoS 1 end to end (verify, store, ack) vs raw broker, gateway and direct layouts; pipeline vs raw AES-GCM opens',
    load: () => import('../../../bench/ingest/run.ts'),
  },
  kmeans: {
    describe: 'k-means on 1,000,000 × 24 real-shaped curves vs scikit-learn (same centres and iterations)',
    load: () => import('../../../bench/kmeans/run.ts'),
  },
  sim: {
    describe:
      'fleet simulator: terminal-intervals per second in virtual time vs an RNG-only typed-array loop',
    load: () => import('../../../bench/sim/run.ts'),
  },
  trust: {
    describe:
      'one full DTMS cycle (all components, combination, detection) over 1,000,000 terminals, one core',
    load: () => import('../../../bench/trust/run.ts'),
  },
  protocol: {
    describe: 'full SGT1 verifyFrame (parse, key cache, replay, open, CBOR) vs raw AES-128-GCM opens',
    load: () => import('../../../bench/protocol/run.ts'),
  },
  upgrade: {
    describe:
      'firmware campaign to 5,000 terminals over CoAP Block2 with 10 % rebooting mid-transfer vs the same blocks by a bare client',
    load: () => import('../../../bench/upgrade/run.ts'),
  },
  storage: {
    describe:
      'SQLite store: group-committed frames/s (reading with its replay counter, evidence) vs raw better-sqlite3 inserts',
    load: () => import('../../../bench/storage/run.ts'),
  },
};

export const registerBench: RegisterCommand = (program: Command, ctx) => {
  const names = Object.keys(BENCHES);
  describe(program.command('bench'), {
    purpose: 'run a benchmark and report its figures as ratios to a reference measured in the same run',
    details: `Benchmarks:\n${names.map((n) => `  ${n.padEnd(10)} ${BENCHES[n]?.describe ?? ''}`).join('\n')}\n\nWhat each measures, against which reference, and its last figures: bench/<name>/ in the source tree.`,
    examples: ['gridtrust bench protocol', 'gridtrust bench sim --scale 0.1 --json'],
    exitCodes: { 2: 'unknown benchmark or bad --scale' },
  })
    .argument('<name>', `one of: ${names.length > 0 ? names.join(', ') : '(none yet)'}`)
    .addOption(conceptOption('json'))
    .option('--scale <x>', 'shrink (<1) or grow (>1) the workload', '1')
    .action(async (name: string, opts: { json?: boolean; scale: string }) => {
      const entry = BENCHES[name];
      if (entry === undefined) {
        throw new CliError('GT_ERR_CLI_UNKNOWN_BENCH', `no benchmark named "${name}"`, {
          hint: `choose one of: ${names.join(', ') || '(none yet)'}`,
        });
      }
      const scale = parseNumberArg('--scale', opts.scale, { min: 0.001, max: 100 });
      const mod = await entry.load();
      const result = await mod.runBench({ io: ctx.io, quiet: opts.json === true, scale });
      if (opts.json === true) printJson(ctx.io, result);
      else ctx.io.out(formatFigures(result));
    });
};
