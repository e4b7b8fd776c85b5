// `gridtrust keys ...`: list keys and move them through their life (the lifecycle of docs/keys.md).
import type { RegisterCommand } from '../command.ts';
import { addOpCommand, runList } from './keys-lifecycle.ts';

const DATA_DIR_HELP = 'data directory (default $GRIDTRUST_DATA_DIR or ./.gridtrust)';

export const registerKeys: RegisterCommand = (program, ctx) => {
  const keys = program
    .command('keys')
    .description('key lifecycle: list, suspend, reinstate, deactivate, compromise, destroy, archive');
  keys
    .command('list')
    .description("a terminal's keys with their states")
    .requiredOption('--terminal <hex>', 'the terminal: 16 hex digits')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option(
      '--json',
      'print { terminal, keys: [{ purpose, version, state, createdAt, updatedAt, graceUntil? }] }',
    )
    .addHelpText('after', '\nExample:\n  gridtrust keys list --terminal 4d4d4d0000bc614e --json')
    .action((f: { terminal: string; dataDir?: string; json?: boolean }) => runList(ctx, f));
  for (const op of ['suspend', 'reinstate', 'deactivate', 'compromise', 'destroy', 'archive'] as const)
    addOpCommand(keys, ctx, op, DATA_DIR_HELP);
};
