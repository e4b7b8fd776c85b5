// `gridtrust terminals reinstate`: an operator lifts the trust engine's quarantine of a terminal (audited).
import type { Command } from 'commander';
import type { TerminalId } from '../../core/index.ts';
import { openDataDir, resolveDataDir } from '../../storage/index.ts';
import type { CommandContext } from '../command.ts';
import { describe } from '../help.ts';
import { parseHexArg, printJson } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import { addConcept, conceptOption } from '../vocabulary.ts';

interface ReinstateFlags {
  systemTitle: string;
  reason: string;
  actor: string;
  dataDir?: string;
  json?: boolean;
}

const DETAILS = `Sets a quarantined terminal back to active. The change and your reason go to the append-only audit log
(action terminal.status); the trust decision that quarantined it stays there too. A running platform on
the same data dir picks the change up at its next trust cycle: the engine forgets the flag and the
terminal's frames are accepted again. See the evidence first:
  sqlite3 <data-dir>/gridtrust.db "select * from audit_log where subject = '<title>'"`;

async function run(ctx: CommandContext, f: ReinstateFlags): Promise<void> {
  const id = parseHexArg('--system-title', f.systemTitle, 8).toString('hex') as TerminalId;
  const dataDir = await openDataDir({
    dir: resolveDataDir(f.dataDir, ctx.io.env),
    env: ctx.io.env,
    store: { readWorker: false },
  });
  try {
    const store = dataDir.store;
    const before = (await store.getTerminal(id))?.status;
    const ok =
      before === 'quarantined' &&
      (await store.setTerminalStatus({
        id,
        status: 'active',
        at: createSystemClock().now(),
        actor: f.actor,
        reason: f.reason,
      }));
    const result = { id, reinstated: ok, statusBefore: before ?? null };
    if (f.json === true) printJson(ctx.io, result);
    else if (ok) ctx.io.out(`${id} reinstated (was quarantined); audited as ${f.actor}\n`);
    else
      ctx.io.out(
        `${id} not reinstated: ${before === undefined ? 'unknown terminal' : `status is ${before}`}\n`,
      );
    if (!ok) ctx.setExitCode(1);
  } finally {
    await dataDir.store.close();
  }
}

/** Adds `reinstate` under `gridtrust terminals`. */
export function addReinstateCommand(terminals: Command, ctx: CommandContext): void {
  const cmd = describe(terminals.command('reinstate'), {
    purpose: 'lift the quarantine of a terminal the trust engine flagged (audited)',
    details: DETAILS,
    examples: [
      'gridtrust terminals list --status quarantined    # find them',
      'gridtrust terminals reinstate --system-title 4754530000000034 --reason "firmware re-flashed"',
    ],
    exitCodes: { 0: 'reinstated', 1: 'not quarantined (or unknown)' },
  });
  addConcept(cmd, 'systemTitle', { required: true, detail: 'the quarantined terminal' })
    .option('--reason <text>', 'why (goes to the audit log)', 'reinstated by operator')
    .option('--actor <name>', 'who (goes to the audit log)', 'operator:cli')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ id, reinstated, statusBefore }' }))
    .action((f: ReinstateFlags) => run(ctx, f));
}
