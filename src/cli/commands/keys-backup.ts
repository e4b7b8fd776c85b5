// `gridtrust keys backup|recover|export`: Shamir-split backup, recovery with a threshold of shares, dual-control export.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { TerminalId } from '../../core/index.ts';
import { combineShares, createBackup, exportKey, parseBackup, recoverBackup } from '../../keys/index.ts';
import type { CommandContext } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { conceptOption } from '../vocabulary.ts';
import { parseHexArg, parseNumberArg, printJson } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import { withKeysContext } from './keys-context.ts';

export const BACKUP_FILE = 'gridtrust-backup.json';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_READ_FILE', `cannot read ${what} ${path}`, {
      hint: 'check the path and its permissions',
      cause,
    });
  }
}

function writeSecretFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

interface BackupFlags {
  shares: string;
  threshold: string;
  out: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

async function runBackup(ctx: CommandContext, f: BackupFlags): Promise<void> {
  const shares = parseNumberArg('--shares', f.shares, { min: 2, max: 255, integer: true });
  const threshold = parseNumberArg('--threshold', f.threshold, { min: 2, max: shares, integer: true });
  const out = resolve(f.out);
  await withKeysContext(ctx.io, f, async ({ dataDir, keyStore }) => {
    const clock = createSystemClock();
    const b = await createBackup({
      store: dataDir.store,
      keyStore,
      clock,
      randomBytes: (n) => randomBytes(n),
      shares,
      threshold,
    });
    mkdirSync(out, { recursive: true, mode: 0o700 });
    const backupFile = join(out, BACKUP_FILE);
    const shareFiles = b.shareHex.map((_, i) => join(out, `share-${i + 1}.hex`));
    try {
      writeFileSync(backupFile, `${JSON.stringify(b.document, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      b.shareHex.forEach((s, i) => writeSecretFile(shareFiles[i]!, `${s}\n`));
    } catch (cause) {
      throw new CliError('GT_ERR_CLI_WRITE_FILE', `cannot write the backup into ${out}`, {
        hint: 'give an empty --out directory (files are never overwritten)',
        cause,
      });
    }
    const keys = b.document.keys.filter((k) => k.wrappedHex !== null).length;
    await dataDir.store.appendAudit([
      {
        at: clock.now(),
        actor: 'operator:cli',
        action: 'key.backup',
        subject: 'backup',
        details: { keys, shares, threshold, backupFile },
      },
    ]);
    const result = { keys, shares, threshold, backupFile, shareFiles };
    if (f.json === true) return printJson(ctx.io, result);
    ctx.io.out(
      `backed up ${keys} root key(s) of ${b.document.terminals.length} terminal(s) to ${backupFile}\n`,
    );
    ctx.io.out(
      `${shares} share files (mode 0600), any ${threshold} recover: give each to one custodian, then delete it here\n`,
    );
    for (const s of shareFiles) ctx.io.out(`  ${s}\n`);
  });
}

interface RecoverFlags {
  backup: string;
  share: string[];
  dataDir?: string;
  config?: string;
  json?: boolean;
}

async function runRecover(ctx: CommandContext, f: RecoverFlags): Promise<void> {
  const doc = parseBackup(readText(f.backup, 'backup file'));
  const shares = f.share.map((s) => readText(s, 'share file'));
  const kek = await combineShares(doc, shares); // below the threshold: refused before the data dir is touched
  try {
    await withKeysContext(ctx.io, f, async ({ dataDir, keyStore }) => {
      const r = await recoverBackup({
        doc,
        backupKek: kek,
        store: dataDir.store,
        keyStore,
        clock: createSystemClock(),
        actor: 'operator:cli',
      });
      if (f.json === true) return printJson(ctx.io, r);
      ctx.io.out(
        `recovered ${r.recovered} terminal(s) with ${r.keys} key record(s), re-wrapped under the current KEK; ${r.skipped} present already\n`,
      );
    });
  } finally {
    kek.fill(0);
  }
}

interface ExportFlags {
  terminal: string;
  purpose: string;
  recipientKekFile: string;
  approver: string[];
  reason?: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

async function runExport(ctx: CommandContext, f: ExportFlags): Promise<void> {
  const terminal = parseHexArg('--terminal', f.terminal, 8).toString('hex') as TerminalId;
  const purpose = parseNumberArg('--purpose', f.purpose, { min: 0, max: 15, integer: true });
  const recipientKek = parseHexArg(
    '--recipient-kek-file',
    readText(f.recipientKekFile, 'recipient KEK file').trim(),
    32,
  );
  await withKeysContext(ctx.io, f, async ({ dataDir, keyStore }) => {
    const r = await exportKey(
      { store: dataDir.store, keyStore, clock: createSystemClock(), actor: 'operator:cli' },
      {
        terminal,
        purpose,
        recipientKek,
        approvers: f.approver,
        ...(f.reason === undefined ? {} : { reason: f.reason }),
      },
    );
    recipientKek.fill(0);
    if (f.json === true) return printJson(ctx.io, r);
    ctx.io.out(`${r.wrappedHex}\n`);
    ctx.io.err(
      `K_root of ${r.terminal} (version ${r.version}, kcv ${r.kcv}) wrapped under the recipient KEK (RFC 5649); approved by ${r.approvers.join(' and ')}\n`,
    );
  });
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Adds backup, recover and export under `gridtrust keys`. */
export function addBackupCommands(keys: Command, ctx: CommandContext): void {
  const backup = describe(keys.command('backup'), {
    purpose: 'split backup: a backup KEK split N/T (Shamir), every root key re-wrapped under it',
    examples: ['gridtrust keys backup --shares 5 --threshold 3 --out /media/backup-2026-12 --json'],
    exitCodes: { 0: 'written', 2: 'bad input, or --out holds files already' },
    docs: ['docs/keys.md'],
  });
  backup
    .option('--shares <n>', 'share files to write (custodians)', '5')
    .option('--threshold <t>', 'shares needed to recover', '3')
    .requiredOption(
      '--out <dir>',
      'directory to write files into, created when missing: gridtrust-backup.json and share-<n>.hex (never overwritten)',
    )
    .addOption(conceptOption('dataDir'))
    .option('--config <file>', 'JSON config (keyStore, pkcs11*)')
    .addOption(conceptOption('json', { detail: '{ keys, shares, threshold, backupFile, shareFiles }' }))
    .action((f: BackupFlags) => runBackup(ctx, f));
  const recover = describe(keys.command('recover'), {
    purpose: 'recover a backup into --data-dir with a threshold of shares; keys re-wrapped under its KEK',
    details: 'Fewer shares than the threshold fail with GT_ERR_KEYS_BACKUP_THRESHOLD and change nothing.',
    examples: [
      'gridtrust keys recover --backup b/gridtrust-backup.json --share s1.hex --share s3.hex --share s4.hex --data-dir ./fresh --json',
    ],
    exitCodes: { 0: 'recovered', 2: 'too few or wrong shares, or an altered backup (nothing changed)' },
    docs: ['docs/keys.md'],
  });
  recover
    .requiredOption('--backup <file>', 'the gridtrust-backup.json file')
    .requiredOption('--share <file>', 'a share file (repeat: at least the threshold)', collect)
    .addOption(conceptOption('dataDir'))
    .option('--config <file>', 'JSON config (keyStore, pkcs11*)')
    .addOption(conceptOption('json', { detail: '{ recovered, skipped, keys }' }))
    .action((f: RecoverFlags) => runRecover(ctx, f));
  const exp = describe(keys.command('export'), {
    purpose: "export a terminal's K_root wrapped (RFC 5649) under a recipient KEK, with dual control",
    examples: [
      'gridtrust keys export --terminal 4d4d4d0000bc614e --recipient-kek-file kek.hex --approver alice --approver bob --json',
    ],
    exitCodes: {
      0: 'exported (audited)',
      2: 'refused: one approver, bad KEK file, derived purpose, destroyed key',
    },
    docs: ['docs/keys.md'],
  });
  exp
    .requiredOption('--terminal <hex>', 'the terminal: 16 hex digits')
    .option('--purpose <p>', 'only 0 (K_root)', '0')
    .requiredOption('--recipient-kek-file <file>', "the recipient's AES-256 KEK: a file of 64 hex digits")
    .requiredOption('--approver <name>', 'an approver (twice, two different people)', collect)
    .option('--reason <text>', 'why (goes to the audit log)')
    .addOption(conceptOption('dataDir'))
    .option('--config <file>', 'JSON config (keyStore, pkcs11*)')
    .addOption(
      conceptOption('json', {
        detail: '{ terminal, purpose, version, wrappedHex, kcv, approvers, recipientKekId }',
      }),
    )
    .action((f: ExportFlags) => runExport(ctx, f));
}
