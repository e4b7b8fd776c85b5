// `gridtrust keys kek init`: create the first master KEK of the configured key store (in the token for pkcs11).
import type { Command } from 'commander';
import type { CommandContext } from '../command.ts';
import { describe } from '../help.ts';
import { printJson } from '../io.ts';
import { conceptOption } from '../vocabulary.ts';
import { withKeysContext } from './keys-context.ts';

interface InitFlags {
  keyStore?: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

async function runInit(ctx: CommandContext, f: InitFlags): Promise<void> {
  const io =
    f.keyStore === undefined
      ? ctx.io
      : { ...ctx.io, env: { ...ctx.io.env, GRIDTRUST_KEY_STORE: f.keyStore } };
  await withKeysContext(io, { ...f, createKek: true }, ({ keyStore }) => {
    const result = { keyStore: keyStore.kind, keks: keyStore.keks() };
    if (f.json === true) printJson(ctx.io, result);
    else
      ctx.io.out(
        `${keyStore.kind} key store ready; KEK ${result.keks.map((k) => `${k.id} (${k.role})`).join(', ')}\n`,
      );
    return Promise.resolve();
  });
}

/** Adds `kek init` under `gridtrust keys`. */
export function addKekCommands(keys: Command, ctx: CommandContext): void {
  const kek = describe(keys.command('kek'), {
    purpose: 'the master key-encryption key (KEK) of the key store',
    examples: ['gridtrust keys kek init --data-dir ./data --json'],
    exitCodes: { 0: 'done' },
    docs: ['docs/keys.md'],
  });
  const init = describe(kek.command('init'), {
    purpose:
      'create the first master KEK: master.key (software) or gridtrust-kek-1 generated in the token (pkcs11)',
    details:
      'pkcs11: the token is named by pkcs11Module, pkcs11Token and pkcs11PinFile (GRIDTRUST_PKCS11_*); the KEK is\n' +
      'AES-256, CKA_SENSITIVE, never extractable. An existing KEK is kept (nothing is replaced).',
    examples: [
      'gridtrust keys kek init --key-store pkcs11 --config gridtrust.json --json',
      'gridtrust keys kek init --data-dir ./data',
    ],
    exitCodes: { 0: 'the KEK exists', 2: 'configuration or token problem' },
    docs: ['docs/keys.md'],
  });
  init
    .option('--key-store <kind>', 'software or pkcs11 (else keyStore / GRIDTRUST_KEY_STORE)')
    .addOption(conceptOption('dataDir'))
    .option('--config <file>', 'JSON config (keyStore, pkcs11*)')
    .addOption(conceptOption('json', { detail: '{ keyStore, keks: [{ id, role }] }' }))
    .action((f: InitFlags) => runInit(ctx, f));
}
