// `gridtrust keys ...`: list keys and move them through their life (the lifecycle of docs/keys.md).
import type { RegisterCommand } from '../command.ts';
import { describe } from '../help.ts';
import { addConcept, conceptOption } from '../vocabulary.ts';
import { addBackupCommands } from './keys-backup.ts';
import { addKekCommands } from './keys-kek.ts';
import { addOpCommand, runList } from './keys-lifecycle.ts';

export const registerKeys: RegisterCommand = (program, ctx) => {
  const keys = describe(program.command('keys'), {
    purpose: 'key lifecycle: list, suspend, reinstate, deactivate, compromise, destroy, archive',
    examples: [
      'gridtrust keys list --system-title 4d4d4d0000bc614e',
      'gridtrust keys suspend --system-title 4d4d4d0000bc614e --purpose 1 --reason "ticket 4711"',
    ],
    exitCodes: { 1: 'nothing changed (refused, unknown terminal or key)' },
    docs: ['docs/keys.md'],
  });
  const list = describe(keys.command('list'), {
    purpose: "a terminal's keys with their states",
    examples: ['gridtrust keys list --system-title 4d4d4d0000bc614e --json'],
    exitCodes: { 1: 'unknown terminal' },
    docs: ['docs/keys.md'],
  });
  addConcept(list, 'systemTitle', { required: true })
    .addOption(conceptOption('dataDir'))
    .addOption(
      conceptOption('json', {
        detail: '{ terminal, keys: [{ purpose, version, state, createdAt, updatedAt, graceUntil? }] }',
      }),
    )
    .action((f: { systemTitle: string; dataDir?: string; json?: boolean }) =>
      runList(ctx, { ...f, terminal: f.systemTitle }),
    );
  for (const op of ['suspend', 'reinstate', 'deactivate', 'compromise', 'destroy', 'archive'] as const)
    addOpCommand(keys, ctx, op);
  addBackupCommands(keys, ctx);
  addKekCommands(keys, ctx);
};
