// Options shared by `simulate --virtual` and `--target`: parsing and validation into fleet options.
import { type UnixMillis } from '../../core/index.ts';
import {
  BATCH_STRATEGIES,
  TERMINAL_KINDS,
  prepareLoadShapes,
  type BatchStrategy,
  type EnergyProfileName,
  type FleetOptions,
  type LoadShapes,
  type TerminalKind,
} from '../../sim/index.ts';
import { parseIsoTimestamp, readLclFile } from '../data-files.ts';
import { CliError } from '../errors.ts';
import { parseNumberArg } from '../io.ts';

/** Raw commander options of `simulate`. */
export interface SimulateFlags {
  virtual?: boolean;
  target?: string;
  terminals: string;
  hours: string;
  seed: string;
  malicious: string;
  profile: string;
  batching: string;
  batteryKinds: string;
  perFusion: string;
  directShare: string;
  start?: string;
  load: string;
  encrypt?: string;
  terminalsOut?: string;
  rootKeys?: string;
  writeRootKeys?: string;
  speed: string;
  duration: string;
  concurrency: string;
  json?: boolean;
}

/** Parses the options shared by both modes into fleet options. */
export function fleetOptionsFrom(
  f: SimulateFlags,
): Omit<FleetOptions, 'loadShapes' | 'clock'> & { hours: number } {
  const profile = f.profile as EnergyProfileName;
  if (profile !== 'field' && profile !== '3gpp-ideal')
    usage(`--profile must be field or 3gpp-ideal, got "${f.profile}"`);
  if (!BATCH_STRATEGIES.includes(f.batching as BatchStrategy)) {
    usage(`--batching must be one of ${BATCH_STRATEGIES.join(', ')}, got "${f.batching}"`);
  }
  const kinds = f.batteryKinds === '' || f.batteryKinds === 'none' ? [] : f.batteryKinds.split(',');
  for (const k of kinds) {
    if (!TERMINAL_KINDS.includes(k as TerminalKind))
      usage(`--battery-kinds: unknown kind "${k}" (${TERMINAL_KINDS.join(', ')})`);
  }
  return {
    terminals: parseNumberArg('--terminals', f.terminals, { min: 1, max: 5_000_000, integer: true }),
    hours: parseNumberArg('--hours', f.hours, { min: 0.25, max: 24 * 3650 }),
    seed: parseNumberArg('--seed', f.seed, { min: 0, max: 2 ** 32 - 1, integer: true }),
    malicious: parseNumberArg('--malicious', f.malicious, { min: 0, max: 1 }),
    energyProfile: profile,
    batching: f.batching as BatchStrategy,
    batteryKinds: kinds as TerminalKind[],
    perFusion: parseNumberArg('--per-fusion', f.perFusion, { min: 2, max: 100_000, integer: true }),
    directShare: parseNumberArg('--direct-share', f.directShare, { min: 0, max: 1 }),
  };
}

export function usage(message: string): never {
  throw new CliError('GT_ERR_CLI_USAGE', message, { hint: 'see gridtrust simulate --help' });
}

/** Reads and cleans the household curves (the analytics loader, then the sim's gap filling). */
export function loadShapesFrom(path: string): LoadShapes {
  return prepareLoadShapes(readLclFile(path));
}

/** The simulated start: --start ISO, else the first instant of 2024-06-01 UTC (a deterministic default). */
export function startFrom(text: string | undefined): UnixMillis {
  if (text === undefined) return Date.UTC(2024, 5, 1) as UnixMillis;
  const t = parseIsoTimestamp(text);
  if (t === undefined) usage(`--start must be an ISO 8601 time, got "${text}"`);
  return t as UnixMillis;
}
