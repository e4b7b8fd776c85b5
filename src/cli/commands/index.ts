// The list of subcommands. Each module registers one top-level command on the program.
import type { RegisterCommand } from '../command.ts';
import { registerAnalyze } from './analyze.ts';
import { registerBench } from './bench.ts';
import { registerDemo } from './demo.ts';
import { registerServe } from './serve.ts';
import { registerFrame } from './frame.ts';
import { registerReadings } from './readings.ts';
import { registerSimulate } from './simulate.ts';
import { registerTerminals } from './terminals.ts';
import { registerTrust } from './trust.ts';

export const COMMANDS: readonly RegisterCommand[] = [
  registerAnalyze,
  registerBench,
  registerDemo,
  registerFrame,
  registerReadings,
  registerServe,
  registerSimulate,
  registerTerminals,
  registerTrust,
];
