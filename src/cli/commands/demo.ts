// `gridtrust demo`: the embedded platform on free ports plus a simulated fleet with frame-level attacks.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { runDemo, syntheticLoadShapes, type DemoOptions, type DemoSummary } from '../../platform/index.ts';
import { prepareLoadShapes } from '../../sim/index.ts';
import { randomBytes } from 'node:crypto';
import { createAuthService, createMemoryApiState } from '../../api/index.ts';
import type { RegisterCommand } from '../command.ts';
import { closingFacts, closingScreen } from './demo-closing.ts';
import { LCL_FILE_ENV, readLclFile, resolveLclPath } from '../data-files.ts';
import { describe } from '../help.ts';
import { parseNumberArg, printJson, type CliIo } from '../io.ts';
import { createProgress } from '../progress.ts';
import { createSystemClock } from '../system-clock.ts';
import { conceptOption } from '../vocabulary.ts';

interface DemoFlags {
  terminals: string;
  malicious: string;
  duration: string;
  seed: string;
  interval: string;
  cycle: string;
  dataDir?: string;
  load?: string;
  json?: boolean;
  keepRunning?: boolean;
}

const DETAILS = `Starts the embedded platform (SQLite store, MQTT broker, CoAP listener, HTTP API) on free ports — it
works where port 1883 is taken — provisions the simulator's fleet (meters, sockets, iTTUs, PV, storage,
EV chargers under fusion terminals; real London household load curves) and lets each terminal agent send
real AES-GCM encrypted SGT1 telemetry over MQTT or CoAP, one simulated 15-minute interval every
--interval seconds. A --malicious share attacks at the frame level: tampered ciphertext (BAD_TAG),
replays and counter rollback (REPLAY), a never-issued key version (UNKNOWN_KEY), oversized frames
(OVERSIZE), forged titles (UNKNOWN_TERMINAL).

Every --cycle seconds the platform's trust engine scores the behaviour evidence ingestion accounted and
quarantines the terminals it flags (their frames are then refused: QUARANTINED). The summary lists those
flags and scores them against the fleet's ground truth. Load curves: --load FILE, else $GRIDTRUST_LCL_FILE,
else the LCL file next to the package (../shared/data/lcl); synthetic curves, announced, when missing.
With --data-dir the store stays for \`gridtrust readings\`, \`gridtrust terminals list\` and
\`gridtrust terminals reinstate\` after the demo; the closing screen prints those commands with real ids.`;

function loadShapes(io: CliIo, path: string, seed: number): DemoOptions['shapes'] {
  if (!existsSync(path)) {
    io.err(
      `note: ${path} not found; using SYNTHETIC load curves (pass --load FILE or set ${LCL_FILE_ENV} for the real LCL households)\n`,
    );
    return { shapes: syntheticLoadShapes({ seed }), source: 'synthetic' };
  }
  return { shapes: prepareLoadShapes(readLclFile(path)), source: 'lcl' };
}

/** A memory API state with a one-time admin, and a promise that settles on Ctrl-C / SIGTERM. */
async function keepRunning(_io: CliIo) {
  const apiState = createMemoryApiState();
  const password = randomBytes(12).toString('base64url');
  const auth = createAuthService({ state: apiState, now: () => Date.now() });
  await auth.addUser({ username: 'admin', role: 'admin', password });
  const until = new Promise<void>((res) => {
    process.once('SIGINT', () => res());
    process.once('SIGTERM', () => res());
  });
  return { apiState, until, login: { username: 'admin', password } };
}

function printHuman(io: CliIo, s: DemoSummary): void {
  const rejected = Object.entries(s.framesRejected).map(([k, v]) => `${k} ${v}`);
  const d = s.detection;
  io.out(`platform         ${s.httpUrl}  (mqtt :${s.mqttPort}, coap :${s.coapPort})\n`);
  io.out(
    `terminals        ${s.terminals} (${s.malicious.length} malicious, ground truth from the simulator)\n`,
  );
  io.out(`frames accepted  ${s.framesAccepted}\n`);
  io.out(`frames rejected  ${rejected.length > 0 ? rejected.join(', ') : 'none'}\n`);
  io.out(
    `trust cycles     ${s.trustCycles} of ${s.cycleSeconds} s; ${s.flagged.length} terminal(s) flagged and quarantined\n`,
  );
  for (const f of s.flagged.slice(0, 8)) io.out(`  ${f.id}  ${f.reason.padEnd(12)} demo cycle ${f.cycle}\n`);
  if (s.flagged.length > 8) io.out(`  ... ${s.flagged.length - 8} more (--json lists all)\n`);
  io.out(`detection        TP ${d.truePositives}  FP ${d.falsePositives}  FN ${d.falseNegatives}\n`);
  for (const [attack, a] of Object.entries(d.byAttack))
    io.out(`  ${attack.padEnd(20)} ${a.flagged}/${a.malicious} flagged\n`);
  const forged = d.byAttack.UNKNOWN_TERMINAL?.malicious ?? 0;
  if (forged > 0)
    io.out(
      `  (${forged} UNKNOWN_TERMINAL attackers send under forged titles: rejected, never attributable)\n`,
    );
  io.out(`load curves      ${s.loadCurves}; data in ${s.dataDir}\n`);
}

async function run(io: CliIo, f: DemoFlags): Promise<DemoSummary> {
  const terminals = parseNumberArg('--terminals', f.terminals, { min: 1, max: 20_000, integer: true });
  const malicious = parseNumberArg('--malicious', f.malicious, { min: 0, max: 1 });
  const durationS = parseNumberArg('--duration', f.duration, { min: 1, max: 3600 });
  const seed = parseNumberArg('--seed', f.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  const intervalS = parseNumberArg('--interval', f.interval, { min: 0.05, max: 900 });
  const cycleS = parseNumberArg('--cycle', f.cycle, { min: 1, max: 3600 });
  const quiet = f.json === true;
  const shapes = loadShapes(io, resolveLclPath(f.load, io.env), seed);
  const progress = createProgress(io, 'demo', durationS, quiet || f.keepRunning === true);
  const keep = f.keepRunning === true ? await keepRunning(io) : undefined;
  const summary = await runDemo({
    ...(keep !== undefined ? { apiState: keep.apiState, until: keep.until } : {}),
    terminals,
    malicious,
    durationS,
    seed,
    shapes,
    intervalS,
    cycleS,
    clock: createSystemClock(),
    ...(f.dataDir !== undefined ? { dataDir: f.dataDir } : {}),
    log: (l) => {
      if (!quiet) io.err(`${l}\n`);
    },
    onStarted: (p) => {
      if (!quiet)
        io.err(`platform: mqtt://127.0.0.1:${p.mqttPort}  coap://127.0.0.1:${p.coapPort}  ${p.httpUrl}\n`);
      if (keep !== undefined)
        io.err(
          `dashboard: ${p.httpUrl}/  sign in as ${keep.login.username} / ${keep.login.password}  (one-time login of this run; Ctrl-C stops)\n`,
        );
    },
    onProgress: (p) =>
      progress.update(
        Math.min(p.elapsedS, durationS),
        `${p.accepted} accepted, ${p.rejected} rejected, ${p.flagged} flagged`,
      ),
  });
  const rejected = Object.values(summary.framesRejected).reduce((a, b) => a + b, 0);
  progress.done(
    `${summary.framesAccepted} accepted, ${rejected} rejected, ${summary.flagged.length} flagged`,
  );
  return summary;
}

export const registerDemo: RegisterCommand = (program: Command, ctx) => {
  describe(program.command('demo'), {
    purpose: 'run the embedded platform with a simulated fleet (real encrypted frames, injected attacks)',
    details: DETAILS,
    examples: [
      'gridtrust demo',
      'gridtrust demo --terminals 1000 --malicious 0.2 --duration 30 --json',
      'gridtrust demo --data-dir demo-data    # keep the store for the commands of the closing screen',
      'gridtrust demo --keep-running          # then open the printed dashboard URL',
    ],
    exitCodes: { 0: 'ran (frames were accepted)', 1: 'no frame was accepted' },
    docs: ['docs/operator-guide.md', 'docs/simulator.md'],
  })
    .addOption(conceptOption('terminals', { default: '300' }))
    .addOption(conceptOption('malicious', { default: '0.1', detail: 'they also send attack frames' }))
    .addOption(conceptOption('duration', { default: '20' }))
    .addOption(conceptOption('seed', { detail: 'seeds the fleet: layout, households, attackers, onsets' }))
    .option(
      '--interval <seconds>',
      'wall seconds per simulated 15-minute interval (fleet acceleration)',
      '0.5',
    )
    .option(
      '--cycle <seconds>',
      'trust cycle length: evidence is scored and terminals flagged per cycle',
      '2',
    )
    .addOption(conceptOption('dataDir', { derivedDefault: 'a fresh temporary directory' }))
    .addOption(conceptOption('load'))
    .addOption(conceptOption('json'))
    .option(
      '--keep-running',
      'keep the platform and fleet running until Ctrl-C; prints the dashboard URL and a one-time admin login',
    )
    .action(async (f: DemoFlags) => {
      const summary = await run(ctx.io, f);
      if (f.json === true) printJson(ctx.io, summary);
      else {
        printHuman(ctx.io, summary);
        ctx.io.out(closingScreen(summary, await closingFacts(summary)));
      }
      if (summary.framesAccepted === 0) ctx.setExitCode(1);
    });
};
