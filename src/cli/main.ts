// The gridtrust CLI entry: builds the commander program, runs it, maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { isGridtrustError } from '../core/index.ts';
import { COMMANDS } from './commands/index.ts';
import { createProcessIo, type CliIo } from './io.ts';

const ABOUT =
  'gridtrust — secure ingestion, trusted services, dynamic trust and demand-side analytics for NB-IoT ' +
  'smart-grid terminals. Start with `gridtrust demo`; every command takes --help and --json.';

/** Runs the CLI with the given arguments; returns the exit code (0 ok, 1 failed result, 2 bad usage/input). */
export async function main(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command('gridtrust')
    .description(ABOUT)
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const ctx = {
    io,
    setExitCode: (c: number) => {
      exitCode = c;
    },
  };
  for (const register of COMMANDS) register(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    return reportError(io, e);
  }
}

function reportError(io: CliIo, e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version end through exitOverride with code 0.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (isGridtrustError(e)) {
    io.err(`error ${e.code}: ${e.message}\n`);
    if (e.hint !== undefined) io.err(`hint: ${e.hint}\n`);
    return 2;
  }
  io.err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  io.err('hint: this is a bug in gridtrust; please report it with the command you ran\n');
  return 70;
}
