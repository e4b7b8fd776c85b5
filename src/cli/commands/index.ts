// The list of subcommands. Each module registers one top-level command on the program.
import type { RegisterCommand } from '../command.ts';
import { registerAnalyze } from './analyze.ts';
import { registerAudit } from './audit.ts';
import { registerBench } from './bench.ts';
import { registerCompletion } from './completion.ts';
import { registerDemo } from './demo.ts';
import { registerServe } from './serve.ts';
import { registerFrame } from './frame.ts';
import { registerFirmware } from './firmware.ts';
import { registerKeys } from './keys.ts';
import { registerReadings } from './readings.ts';
import { registerSimulate } from './simulate.ts';
import { registerTerminals } from './terminals.ts';
import { registerTrust } from './trust.ts';
import { registerUsersAndTokens } from './users.ts';

export const COMMANDS: readonly RegisterCommand[] = [
  registerAnalyze,
  registerAudit,
  registerBench,
  registerDemo,
  registerFirmware,
  registerFrame,
  registerKeys,
  registerReadings,
  registerServe,
  registerSimulate,
  registerTerminals,
  registerTrust,
  registerUsersAndTokens,
  registerCompletion,
];
