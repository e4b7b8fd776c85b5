// `gridtrust simulate`: a terminal fleet in virtual time (--virtual) or against a running platform (--target).
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { createManualClock, createRandom } from '../../core/index.ts';
import { createKeyCache } from '../../protocol/index.ts';
import {
  ATTACK_TYPES,
  BATCH_STRATEGIES,
  COVERAGE_CLASSES,
  batterySummary,
  createFleet,
  createFrameSealer,
  energyProfile,
  estimateLifetime,
  summariseFleet,
  type EnergyProfileName,
  type Fleet,
  type Upload,
} from '../../sim/index.ts';
import type { RegisterCommand } from '../command.ts';
import { resolveLclPath } from '../data-files.ts';
import { CliError } from '../errors.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { parseNumberArg, printJson, type CliIo } from '../io.ts';
import { createProgress } from '../progress.ts';
import { conceptOption } from '../vocabulary.ts';
import { exportEvidenceWorld } from '../trust/score-command.ts';
import {
  fleetOptionsFrom,
  loadShapesFrom,
  startFrom,
  usage,
  type SimulateFlags,
} from './simulate-options.ts';
import { writeFleetKeys } from './simulate-keys.ts';
import { runTarget } from './simulate-target.ts';

const DETAILS = `--virtual runs in virtual time as fast as the machine allows (no sockets); --target sends real SGT1
frames through the terminal agent to a running platform.

Models: smart meters follow real LCL households (../shared/data/lcl, one household each with a day
offset and ±15 % scale jitter), PV a daylight profile with daily weather, EV chargers sessions,
storage self-consumption, smart sockets an appliance, and one iTTU per fusion terminal measures its
group every minute. Energy per frame: E_fix(CE) + bytes · e(CE), with the NB-IoT figures of
docs/simulator.md. Result (--json): { terminals, frames, energyJoules, seconds, framesRejected, battery, ... }.`;

function sealSubset(
  fleet: Fleet,
  uploads: Parameters<ReturnType<typeof createFrameSealer>['seal']>[0][],
  seed: number,
) {
  const rnd = createRandom(seed ^ 0x5eed);
  const keys = new Map<string, Buffer>();
  const keyOf = (id: string): Buffer => {
    let k = keys.get(id);
    if (k === undefined) {
      k = Buffer.from(Array.from({ length: 32 }, () => rnd.int(0, 255)));
      keys.set(id, k);
    }
    return k;
  };
  const sealer = createFrameSealer({ rootKey: keyOf, random: rnd.fork(), keyCache: createKeyCache() });
  let bytes = 0;
  for (const u of uploads) bytes += sealer.seal(u)?.length ?? 0;
  return {
    sealedFrames: uploads.length,
    sealedBytes: bytes,
    sealedTerminals: Math.min(fleet.layout.size, keys.size),
  };
}

async function runVirtual(io: CliIo, f: SimulateFlags): Promise<Record<string, unknown>> {
  const opts = fleetOptionsFrom(f);
  const encrypt =
    f.encrypt === undefined ? 0 : parseNumberArg('--encrypt', f.encrypt, { min: 0, integer: true });
  const start = startFrom(f.start);
  const shapes = loadShapesFrom(f.load);
  const clock = createManualClock(start);
  const began = performance.now();
  const fleet = createFleet({
    ...opts,
    loadShapes: shapes,
    clock,
    ...(encrypt > 0 ? { collect: encrypt } : {}),
  });
  const intervals = Math.round((opts.hours * 3_600_000) / 900_000);
  const progress = createProgress(io, 'simulate', intervals, f.json === true);
  const collected: Upload[] = [];
  for (let k = 0; k < intervals; k++) {
    clock.advance(900_000);
    for (const tick of fleet.advance()) if (encrypt > 0) collected.push(...tick.uploads);
    progress.update(k + 1, `${fleet.tally.frames.toLocaleString('en')} frames`);
    if ((k & 3) === 3) await new Promise((r) => setImmediate(r)); // let the progress bar draw
  }
  progress.done();
  const simSeconds = (performance.now() - began) / 1000;
  const sealed = encrypt > 0 ? sealSubset(fleet, collected, opts.seed ?? 1) : undefined;
  if (f.terminalsOut !== undefined) writeTerminalsCsv(fleet, f.terminalsOut);
  return {
    ...summariseFleet(fleet),
    hours: opts.hours,
    terminalIntervals: fleet.layout.size * intervals,
    seconds: (performance.now() - began) / 1000,
    simulationSeconds: simSeconds,
    start: new Date(start).toISOString(),
    profile: opts.energyProfile,
    batching: opts.batching,
    battery: batterySummary(fleet, { batteryJ: 18_000, elapsedMs: intervals * 900_000 }),
    sizing: sizingTable(opts.energyProfile ?? 'field'),
    loadShapes: { households: shapes.ids.length, dropped: shapes.dropped.length, source: f.load },
    groundTruth: fleet.truth.map((t) => ({
      terminal: t.terminal,
      attack: t.attack,
      onset: new Date(t.onset).toISOString(),
      expectedRejection: t.expectedRejection,
    })),
    ...(sealed === undefined ? {} : { encrypted: sealed }),
  };
}

/** One row per terminal: identity, place in the hierarchy, position, coverage, end state, attack. */
function writeTerminalsCsv(fleet: Fleet, path: string): void {
  const { layout: l, state: s } = fleet;
  const attack = new Map(fleet.truth.map((t) => [t.index, t]));
  const rows = l.ids.map((id, i) => {
    const g = l.group[i] ?? -1;
    const t = attack.get(i);
    return [
      id,
      fleet.kindOf(i),
      g >= 0 ? (l.fusion[g]?.id ?? '') : '',
      (l.x[i] ?? 0).toFixed(1),
      (l.y[i] ?? 0).toFixed(1),
      COVERAGE_CLASSES[l.ce[i] ?? 0],
      s.onBattery[i] === 1 ? (s.batteryJ[i] ?? 0).toFixed(2) : '',
      Math.floor(s.eImpWh[i] ?? 0),
      Math.floor(s.eExpWh[i] ?? 0),
      t?.attack ?? '',
      t === undefined ? '' : new Date(t.onset).toISOString(),
    ].join(',');
  });
  const head =
    'system_title,kind,fusion_terminal,x_m,y_m,coverage,battery_j,energy_import_wh,energy_export_wh,attack,onset';
  try {
    writeFileSync(path, `${head}\n${rows.join('\n')}\n`);
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_USAGE', `cannot write --terminals-out ${path}`, {
      hint: 'check the directory',
      cause,
    });
  }
}

/**
 * Lifetime on a 5 Wh cell and the cell needed for 10 years, per CE class and batching strategy, for
 * a 15-minute load profile of 24-byte rows (the simulator's mean CBOR row) plus 61 B per frame [§6.4].
 */
function sizingTable(profile: EnergyProfileName): Record<string, Record<string, Record<string, number>>> {
  const p = energyProfile(profile);
  return Object.fromEntries(
    COVERAGE_CLASSES.map((ce) => [
      ce,
      Object.fromEntries(
        BATCH_STRATEGIES.map((strategy) => {
          const e = estimateLifetime({
            profile: p,
            ce,
            strategy,
            recordsPerDay: 96,
            recordBytes: 24,
            overheadBytes: 61,
          });
          const r = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
          return [
            strategy,
            {
              joulesPerDay: r(e.totalJPerDay, 3),
              lifetimeYears5Wh: r(e.lifetimeYears, 2),
              wh10y: r(e.requiredWh, 1),
            },
          ];
        }),
      ),
    ]),
  );
}

function printHuman(io: CliIo, r: Record<string, unknown>): void {
  const skip = new Set(['groundTruth']);
  for (const [k, v] of Object.entries(r)) if (!skip.has(k)) io.out(`${k.padEnd(20)} ${JSON.stringify(v)}\n`);
  const truth = r.groundTruth as unknown[] | undefined;
  if (truth !== undefined && truth.length > 0)
    io.out(`groundTruth          ${truth.length} malicious terminals (--json lists them)\n`);
}

export const registerSimulate: RegisterCommand = (program: Command, ctx) => {
  const cmd = describe(program.command('simulate'), {
    purpose: 'simulate a fleet of NB-IoT smart-grid terminals, in virtual time or against a platform',
    details: DETAILS,
    examples: [
      'gridtrust simulate --virtual --terminals 100000 --hours 24 --seed 1 --malicious 0.05 --json',
      'gridtrust simulate --target coap://127.0.0.1:5683 --terminals 2000 --root-keys keys.csv --speed 60',
      'gridtrust simulate --write-root-keys keys.csv --terminals 2000    # then: gridtrust terminals import --csv keys.csv',
    ],
    exitCodes: { 1: 'a --target run had failures (frames refused or lost)' },
    docs: ['docs/simulator.md', 'docs/evidence-format.md'],
  });
  cmd
    .option('--virtual', 'run in virtual time as fast as possible (no network)')
    .option('--target <url>', 'send real SGT1 frames to mqtt://HOST:PORT or coap://HOST:PORT')
    .addOption(conceptOption('terminals', { default: '1000' }))
    .addOption(conceptOption('hours', { default: '24', detail: 'also caps a --target run' }))
    .addOption(conceptOption('seed', { detail: 'seeds the fleet and the run' }))
    .addOption(conceptOption('malicious', { default: '0', detail: 'frame-level attacks' }))
    .option('--profile <name>', 'NB-IoT energy profile: field | 3gpp-ideal', 'field')
    .option('--batching <s>', 'uploads of battery terminals: each | 4x-day | 1x-day', '4x-day')
    .option(
      '--battery-kinds <list>',
      'kinds on a primary cell (meter,socket,pv,storage,ev,ittu or none)',
      'meter',
    )
    .option('--per-fusion <n>', 'LVESUs per fusion terminal (incl. its iTTU)', '100')
    .option('--direct-share <x>', 'share of terminals talking to the platform directly', '0.1')
    .addOption(withDerivedDefault(new Option('--start <iso>', 'simulated start time'), '2024-06-01T00:00Z'))
    .addOption(conceptOption('load'))
    .option('--encrypt <n>', 'virtual mode: also seal real SGT1 frames for the first n terminals')
    .option(
      '--terminals-out <file>',
      'virtual mode: write one CSV row per terminal (kind, group, position, CE, battery, registers, attack)',
    )
    .option('--root-keys <file>', 'target mode: CSV system_title,root_key of provisioned terminals')
    .option(
      '--write-root-keys <file>',
      'write the fleet (same seed and options) with new random root keys as a CSV for `gridtrust terminals import`, and exit',
    )
    .option('--speed <x>', 'target mode: simulated seconds per wall second', '1')
    .addOption(conceptOption('duration', { default: '60', detail: 'target mode' }))
    .option('--concurrency <n>', 'target mode: frames in flight at once (auto: 128 CoAP, 1024 MQTT)', 'auto')
    .addOption(conceptOption('json'))
    .option(
      '--export-evidence <file>',
      'instead: write the trust-evidence world (one fusion terminal, 100 LVESUs, all attack types; --seed, --malicious, 50 cycles) as JSON lines',
    )
    .action(async (flags: SimulateFlags & { exportEvidence?: string }) => {
      flags.load = resolveLclPath(flags.load, ctx.io.env);
      if (flags.exportEvidence !== undefined) {
        const doc = exportEvidenceWorld({
          file: flags.exportEvidence,
          seed: parseNumberArg('--seed', flags.seed, { min: 0, integer: true }),
          ratio: parseNumberArg('--malicious', flags.malicious, { min: 0, max: 0.9 }),
          cycles: 50,
          noise: 0,
          attacks: ATTACK_TYPES,
        });
        if (flags.json === true) printJson(ctx.io, doc);
        else
          ctx.io.out(
            `wrote ${doc.records} evidence lines to ${doc.file}; ground truth in ${doc.truthFile}\n`,
          );
        return;
      }
      if (flags.writeRootKeys !== undefined) {
        const doc = writeFleetKeys(flags, flags.writeRootKeys);
        if (flags.json === true) printJson(ctx.io, doc);
        else
          ctx.io.out(
            `wrote ${String(doc.terminals)} terminals to ${flags.writeRootKeys}\nnext: ${String(doc.next)}\n`,
          );
        return;
      }
      if ((flags.virtual === true) === (flags.target !== undefined)) {
        usage('give exactly one of --virtual and --target URL');
      }
      const result =
        flags.virtual === true ? await runVirtual(ctx.io, flags) : await runTarget(ctx.io, flags);
      if (flags.json === true) printJson(ctx.io, result);
      else printHuman(ctx.io, result);
      if (result.failed === true) ctx.setExitCode(1);
    });
};
