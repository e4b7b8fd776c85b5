// The gridtrust CLI entry: builds the commander program, runs it, maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { isGridtrustError } from '../core/index.ts';
import { COMMANDS } from './commands/index.ts';
import { configureProgramHelp, describe } from './help.ts';
import { createProcessIo, type CliIo } from './io.ts';

const PURPOSE =
  'secure ingestion, trusted services, dynamic trust and analytics for NB-IoT smart-grid terminals';
const ABOUT =
  'Start with `gridtrust demo`. Every command takes --help (purpose, examples, exit codes) and --json\n' +
  '(exactly one JSON document on stdout). The flags, output and exit codes shared by every command are\n' +
  'described in docs/cli.md.';

/** Builds the whole command tree; `setExitCode` receives a command's failure code (1). */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = configureProgramHelp(new Command('gridtrust'));
  describe(program, {
    purpose: PURPOSE,
    details: ABOUT,
    examples: ['gridtrust demo', 'gridtrust terminals list --help', 'gridtrust completion bash'],
    docs: ['docs/cli.md', 'docs/operator-guide.md', 'docs/errors.md'],
  })
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of COMMANDS) register(program, { io, setExitCode });
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI with the given arguments; returns the exit code (0 ok, 1 failed result, 2 bad usage/input). */
export async function main(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (c) => {
    exitCode = c;
  });
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
