// `gridtrust terminals add|list|import`: register terminals with wrapped root keys, list them, import a CSV.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { TerminalInput } from '../../keys/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { parseHexArg, parseNumberArg, printJson, resolveSecret } from '../io.ts';
import { createProgress } from '../progress.ts';
import { addConcept, addHiddenAlias, conceptOption } from '../vocabulary.ts';
import { parseTerminalsCsv } from './terminals-csv.ts';
import { terminalView, withRegistry, writePersonalisation } from './terminals-files.ts';
import { addReinstateCommand } from './terminals-reinstate.ts';

interface AddFlags {
  systemTitle: string;
  rootKey?: string;
  rootKeyFile?: string;
  type: string;
  fusionTerminal?: string;
  tenant: string;
  dataDir?: string;
  personalisationFile?: string;
  json?: boolean;
}

const ADD_DETAILS = `Registers one terminal: its identity (system title), type, fusion terminal and tenant, and its 256-bit
root key K_root, which the platform stores only wrapped (RFC 5649) under the master key of the data
directory. Without --root-key a random key is generated. The plaintext key is written once, to the
personalisation file <data-dir>/personalisation/<system-title>.json (mode 0600): load it into the
terminal's secure element, then delete it. It never appears on stdout, in --json or in logs.`;

async function runAdd(ctx: CommandContext, f: AddFlags): Promise<void> {
  const secret = resolveSecret(ctx.io, {
    flag: '--root-key',
    value: f.rootKey,
    file: f.rootKeyFile,
    envVar: '',
  });
  const input: TerminalInput = {
    systemTitle: parseHexArg('--system-title', f.systemTitle, 8).toString('hex'),
    type: f.type,
    fusionTerminal:
      f.fusionTerminal === undefined
        ? null
        : parseHexArg('--fusion-terminal', f.fusionTerminal, 8).toString('hex'),
    tenant: parseNumberArg('--tenant', f.tenant, { min: 0, max: 0xffff_ffff, integer: true }),
    ...(secret === undefined ? {} : { rootKey: parseHexArg('--root-key', secret, 32) }),
  };
  await withRegistry(ctx.io, f.dataDir, async (registry, dataDir) => {
    const { provisioned, problems } = await registry.addTerminals([input]);
    const problem = problems[0];
    if (problem?.reason === 'EXISTS') {
      if (f.json === true) printJson(ctx.io, { ok: false, reason: problem.reason, detail: problem.detail });
      else ctx.io.err(`not added: ${problem.detail}\n`);
      ctx.setExitCode(1);
      return;
    }
    if (problem !== undefined) {
      throw new CliError('GT_ERR_CLI_USAGE', `${problem.reason}: ${problem.detail}`, {
        hint: 'see gridtrust terminals add --help',
      });
    }
    const p = provisioned[0];
    if (p === undefined) return;
    const file = writePersonalisation(p, dataDir.personalisationDir, f.personalisationFile);
    p.rootKey.wipe();
    if (f.json === true) printJson(ctx.io, { ok: true, terminal: terminalView(p, file) });
    else {
      const t = p.terminal;
      ctx.io.out(
        `added terminal ${t.id} (${t.type}, tenant ${t.tenant}${t.fusionTerminal ? `, via ${t.fusionTerminal}` : ''})\n`,
      );
      ctx.io.out(
        `root key ${p.rootKeyGenerated ? 'generated' : 'given'}; stored wrapped under the master key\n`,
      );
      ctx.io.out(`personalisation file (plaintext root key, mode 0600): ${file}\n`);
    }
  });
}

interface ListFlags {
  dataDir?: string;
  tenant?: string;
  status?: string;
  type?: string;
  json?: boolean;
}

const STATUSES = ['active', 'quarantined', 'retired'] as const;

/** The --status / --type filter of `terminals list` (a usage error names a valid value). */
function listFilter(f: ListFlags): (t: { status: string; type: string }) => boolean {
  if (f.status !== undefined && !(STATUSES as readonly string[]).includes(f.status)) {
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--status must be one of ${STATUSES.join(', ')}, got "${f.status}"`,
      {
        hint: 'e.g. --status quarantined',
      },
    );
  }
  return (t) =>
    (f.status === undefined || t.status === f.status) && (f.type === undefined || t.type === f.type);
}

async function runList(ctx: CommandContext, f: ListFlags): Promise<void> {
  const tenant =
    f.tenant === undefined ? undefined : parseNumberArg('--tenant', f.tenant, { min: 0, integer: true });
  const keep = listFilter(f);
  await withRegistry(ctx.io, f.dataDir, async (_registry, { store }) => {
    const list = (await store.listTerminals(tenant === undefined ? {} : { tenant: tenant as never })).filter(
      keep,
    );
    const terminals = await Promise.all(
      list.map(async (t) => ({
        ...t,
        createdAt: new Date(t.createdAt).toISOString(),
        keys: (await store.listKeys(t.id)).map((k) => ({
          purpose: k.purpose,
          version: k.version,
          state: k.state,
        })),
      })),
    );
    if (f.json === true) {
      printJson(ctx.io, { terminals });
      return;
    }
    ctx.io.out(
      `${'system title'.padEnd(17)} ${'type'.padEnd(14)} tenant ${'status'.padEnd(11)} ${'fusion'.padEnd(16)} keys\n`,
    );
    for (const t of terminals) {
      const keys = t.keys.map((k) => `${k.purpose}/${k.version}:${k.state}`).join(' ');
      ctx.io.out(
        `${t.id.padEnd(17)} ${t.type.padEnd(14)} ${String(t.tenant).padStart(6)} ${t.status.padEnd(11)} ${(t.fusionTerminal ?? '-').padEnd(16)} ${keys}\n`,
      );
    }
    ctx.io.out(`${terminals.length} terminal(s)\n`);
  });
}

async function runImport(
  ctx: CommandContext,
  f: { csv: string; dataDir?: string; tenant: string; json?: boolean },
): Promise<void> {
  const tenant = parseNumberArg('--tenant', f.tenant, { min: 0, max: 0xffff_ffff, integer: true });
  let text: string;
  try {
    text = readFileSync(f.csv, 'utf8');
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_READ_FILE', `cannot read ${f.csv}`, {
      hint: 'check the path and its permissions',
      cause,
    });
  }
  const rows = parseTerminalsCsv(f.csv, text, tenant);
  const good = rows.filter((r) => r.ok);
  const problems: { line: number; reason: string; detail: string }[] = rows.flatMap((r) =>
    r.ok ? [] : [{ line: r.line, reason: r.reason, detail: r.detail }],
  );
  await withRegistry(ctx.io, f.dataDir, async (registry, dataDir) => {
    const result = await registry.addTerminals(good.map((r) => r.input));
    for (const p of result.problems)
      problems.push({ line: good[p.index]?.line ?? 0, reason: p.reason, detail: p.detail });
    problems.sort((a, b) => a.line - b.line);
    const progress = createProgress(
      ctx.io,
      'personalisation files',
      result.provisioned.length,
      f.json === true,
    );
    const imported = result.provisioned.map((p, i) => {
      writePersonalisation(p, dataDir.personalisationDir);
      p.rootKey.wipe();
      progress.update(i + 1);
      return p.terminal.id;
    });
    progress.done();
    if (f.json === true)
      printJson(ctx.io, {
        imported: imported.length,
        terminals: imported,
        problems,
        personalisationDir: dataDir.personalisationDir,
      });
    else {
      for (const p of problems) ctx.io.err(`${f.csv}:${p.line}: ${p.reason}: ${p.detail}\n`);
      ctx.io.out(
        `imported ${imported.length} terminal(s), ${problems.length} row(s) refused; personalisation files in ${dataDir.personalisationDir}\n`,
      );
    }
    if (problems.length > 0) ctx.setExitCode(1);
  });
}

/** Registers `gridtrust terminals` and its subcommands. */
export const registerTerminals: RegisterCommand = (program: Command, ctx) => {
  const cmd = describe(program.command('terminals'), {
    purpose: 'register terminals and their root keys, list them, import a CSV, lift a quarantine',
    examples: [
      'gridtrust terminals add --system-title 4D4D4D0000BC614E --type smart-meter',
      'gridtrust terminals list --status quarantined',
    ],
    docs: ['docs/keys.md'],
  });
  const add = describe(cmd.command('add'), {
    purpose: 'register one terminal (generates its root key unless given) and write its personalisation file',
    details: ADD_DETAILS,
    examples: [
      'gridtrust terminals add --system-title 4D4D4D0000BC614E --type smart-meter',
      'gridtrust terminals add --system-title 4d4d4d0000bc614f --root-key-file k.hex --fusion-terminal 4d4d4d0000bc614e --json',
    ],
    exitCodes: { 0: 'added', 1: 'the terminal exists already' },
    docs: ['docs/keys.md'],
  });
  addHiddenAlias(add, '--out <file>', 'personalisationFile');
  addConcept(add, 'systemTitle', { required: true })
    .option('--root-key <hex>', 'its 32-byte root key (prefer --root-key-file: shell history keeps flags)')
    .option('--root-key-file <file>', 'read the root key (hex) from a file')
    .option(
      '--type <type>',
      'device type, e.g. smart-meter, smart-socket, ittu, pv, storage, ev, fusion',
      'smart-meter',
    )
    .option('--fusion-terminal <hex>', 'system title of the fusion terminal it reports through')
    .addOption(conceptOption('tenant', { default: '1' }))
    .addOption(conceptOption('dataDir'))
    .addOption(
      withDerivedDefault(
        new Option('--personalisation-file <file>', 'where to write the personalisation file'),
        '<data-dir>/personalisation/<system-title>.json',
      ),
    )
    .addOption(conceptOption('json', { detail: 'never the key' }))
    .action((f: AddFlags) => runAdd(ctx, f));
  describe(cmd.command('list'), {
    purpose: 'list registered terminals with their key versions and states',
    examples: [
      'gridtrust terminals list',
      'gridtrust terminals list --status quarantined --type ittu',
      'gridtrust terminals list --data-dir demo-data --json',
    ],
    docs: ['docs/keys.md'],
  })
    .addOption(conceptOption('tenant', { detail: 'only this tenant' }))
    .option('--status <status>', `only terminals in this state: ${STATUSES.join(', ')}`)
    .option('--type <type>', 'only terminals of this device type, e.g. ittu')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ terminals: [...] }' }))
    .action((f: ListFlags) => runList(ctx, f));
  describe(cmd.command('import'), {
    purpose: 'register many terminals from a CSV in one transaction; bad rows are reported by line number',
    details:
      'Rows without root_key get a generated key; its personalisation file is written as by `terminals add`.',
    examples: [
      'gridtrust simulate --write-root-keys keys.csv --terminals 200 && gridtrust terminals import --csv keys.csv',
      'gridtrust terminals import --csv terminals.csv --tenant 2 --json',
    ],
    exitCodes: { 0: 'all rows imported', 1: 'some rows refused (listed with line numbers)', 2: 'bad file' },
    docs: ['docs/keys.md'],
  })
    .requiredOption(
      '--csv <file>',
      'CSV with header system_title,type,fusion_terminal,tenant,root_key (only system_title required)',
    )
    .addOption(conceptOption('tenant', { default: '1', detail: 'for rows that leave it empty' }))
    .addOption(conceptOption('dataDir'))
    .addOption(
      conceptOption('json', { detail: '{ imported, terminals, problems: [{ line, reason, detail }] }' }),
    )
    .action((f: { csv: string; dataDir?: string; tenant: string; json?: boolean }) => runImport(ctx, f));
  addReinstateCommand(cmd, ctx);
};
