// The contract between the CLI entry point and each subcommand module.
import type { Command } from 'commander';
import type { CliIo } from './io.ts';

export interface CommandContext {
  io: CliIo;
  /** Sets the process exit code (1 = the command ran but its result is a failure, e.g. a rejected frame). */
  setExitCode(code: number): void;
}

/** Each module in `commands/` exports one of these; `commands/index.ts` lists them. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
