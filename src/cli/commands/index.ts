// The list of subcommands. Each module registers one top-level command on the program.
import type { RegisterCommand } from '../command.ts';
import { registerBench } from './bench.ts';
import { registerFrame } from './frame.ts';
import { registerSimulate } from './simulate.ts';
import { registerTrust } from './trust.ts';

export const COMMANDS: readonly RegisterCommand[] = [registerBench, registerFrame, registerSimulate, registerTrust];
