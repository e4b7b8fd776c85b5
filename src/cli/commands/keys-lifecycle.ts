// `gridtrust keys list|suspend|reinstate|deactivate|compromise|destroy|archive`: the key life, by an operator.
import { Option, type Command } from 'commander';
import type { TerminalId } from '../../core/index.ts';
import {
  applyLifecycleOp,
  archiveKeys,
  type KeyRefusal,
  type KeySelector,
  type LifecycleOp,
} from '../../keys/index.ts';
import type { CommandContext } from '../command.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { parseHexArg, parseNumberArg, printJson } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import { addConcept, conceptOption } from '../vocabulary.ts';
import { withArchive, withStore } from './keys-store.ts';

export interface OpFlags {
  terminal: string;
  purpose?: string;
  version?: string;
  reason: string;
  actor: string;
  dataDir?: string;
  json?: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `--terminal HEX [--purpose P] [--version V]` as a selector. */
export function selectorOf(f: { terminal: string; purpose?: string; version?: string }): KeySelector {
  const terminal = parseHexArg('--system-title', f.terminal, 8).toString('hex') as TerminalId;
  return {
    terminal,
    ...(f.purpose === undefined
      ? {}
      : { purpose: parseNumberArg('--purpose', f.purpose, { min: 0, max: 15, integer: true }) }),
    ...(f.version === undefined
      ? {}
      : { version: parseNumberArg('--version', f.version, { min: 1, max: 4095, integer: true }) }),
  };
}

/** `gridtrust keys list`: `{ terminal, keys: [{ purpose, version, state, createdAt, updatedAt, graceUntil? }] }`. */
export async function runList(
  ctx: CommandContext,
  f: { terminal: string; dataDir?: string; json?: boolean },
): Promise<void> {
  const sel = selectorOf(f);
  await withStore(ctx.io, f.dataDir, async ({ store }) => {
    if ((await store.getTerminal(sel.terminal)) === undefined) {
      if (f.json === true) printJson(ctx.io, { ok: false, reason: 'UNKNOWN_TERMINAL', keys: [] });
      else ctx.io.err(`unknown terminal ${sel.terminal}\n`);
      ctx.setExitCode(1);
      return;
    }
    const keys = (await store.listKeys(sel.terminal)).map((k) => ({
      purpose: k.purpose,
      version: k.version,
      state: k.state,
      createdAt: iso(k.createdAt),
      updatedAt: iso(k.updatedAt),
      ...(k.graceUntil === null ? {} : { graceUntil: iso(k.graceUntil) }),
    }));
    if (f.json === true) return printJson(ctx.io, { terminal: sel.terminal, keys });
    ctx.io.out(`purpose version state          updated                  grace until\n`);
    for (const k of keys)
      ctx.io.out(
        `${String(k.purpose).padStart(7)} ${String(k.version).padStart(7)} ${k.state.padEnd(14)} ${k.updatedAt} ${k.graceUntil ?? '-'}\n`,
      );
  });
}

function printRefused(ctx: CommandContext, refused: readonly KeyRefusal[]): void {
  for (const r of refused) {
    const next =
      r.allowed && r.allowed.length > 0 ? `; from ${r.state} it may go to ${r.allowed.join(', ')}` : '';
    ctx.io.err(`key ${r.purpose}/${r.version} left ${r.state}: ${r.reason}${next}\n`);
  }
}

/** One state-changing operation: changed keys on stdout, refusals with the table's reason. */
export async function runOp(ctx: CommandContext, op: LifecycleOp, f: OpFlags): Promise<void> {
  const sel = selectorOf(f);
  await withStore(ctx.io, f.dataDir, async ({ store }) => {
    const r = await applyLifecycleOp(
      { store, clock: createSystemClock(), actor: f.actor },
      op,
      sel,
      f.reason,
    );
    const changed = r.ok ? r.changed : [];
    if (f.json === true) {
      printJson(ctx.io, {
        ok: r.ok,
        terminal: sel.terminal,
        op,
        changed,
        refused: r.refused,
        ...(r.ok ? {} : { reason: r.reason }),
      });
    } else {
      for (const c of changed)
        ctx.io.out(`key ${c.purpose}/${c.version}: ${c.from} → ${c.to} (audited as ${f.actor})\n`);
      if (!r.ok) ctx.io.err(`nothing changed: ${r.reason}\n`);
      printRefused(ctx, r.refused);
    }
    if (!r.ok) ctx.setExitCode(1);
  });
}

/** `gridtrust keys archive`: post-operational keys copied to <data-dir>/archive.db, audited. */
export async function runArchive(ctx: CommandContext, f: OpFlags): Promise<void> {
  const sel = selectorOf(f);
  await withStore(ctx.io, f.dataDir, (dataDir) =>
    withArchive(dataDir, async (archive) => {
      const actx = { store: dataDir.store, clock: createSystemClock(), actor: f.actor };
      const r = await archiveKeys(actx, archive, sel, f.reason);
      if (f.json === true) printJson(ctx.io, { terminal: sel.terminal, op: 'archive', ...r });
      else {
        if (r.ok) for (const k of r.archived) ctx.io.out(`key ${k.purpose}/${k.version} archived\n`);
        if (r.ok)
          for (const k of r.already) ctx.io.out(`key ${k.purpose}/${k.version} was archived already\n`);
        else ctx.io.err(`nothing archived: ${r.reason}\n`);
        printRefused(ctx, r.refused);
      }
      if (!r.ok) ctx.setExitCode(1);
    }),
  );
}

const OP_HELP: Record<LifecycleOp | 'archive', string> = {
  suspend: 'active → suspended: frames under the key are refused (KEY_NOT_USABLE) until reinstated',
  reinstate: 'suspended → active',
  deactivate: 'active/suspended → deactivated: no new protection (post-operational)',
  compromise: 'any state but destroyed → compromised: refused at once (no grace)',
  destroy: 'any state → destroyed: every wrapped copy erased, a tombstone record kept',
  archive: 'deactivated/compromised keys copied with their metadata to <data-dir>/archive.db',
};

/** Adds one operation subcommand under `gridtrust keys`. */
export function addOpCommand(keys: Command, ctx: CommandContext, op: LifecycleOp | 'archive'): void {
  const cmd = describe(keys.command(op), {
    purpose: OP_HELP[op],
    details:
      'The transition table of SP 800-57 (docs/keys.md) decides; a refused key is named with its state and\n' +
      'where it may go. Every change is one audit record (actor, reason, time) written in the same transaction.',
    examples: [
      `gridtrust keys ${op} --system-title 4d4d4d0000bc614e --purpose 1 --reason "ticket 4711" --json`,
    ],
    exitCodes: { 0: 'changed', 1: 'nothing changed (refused, unknown terminal or key)' },
    docs: ['docs/keys.md'],
  });
  addConcept(cmd, 'systemTitle', { required: true })
    .addOption(
      withDerivedDefault(
        new Option('--purpose <p>', 'only this purpose (0 = K_root)'),
        'every purpose but 0',
      ),
    )
    .addOption(withDerivedDefault(new Option('--version <v>', 'only this key version'), 'every version'))
    .requiredOption('--reason <text>', 'why (goes to the audit log)')
    .option('--actor <name>', 'who (goes to the audit log)', 'operator:cli')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ ok, terminal, op, changed, refused }' }))
    .action((raw: Omit<OpFlags, 'terminal'> & { systemTitle: string }) => {
      const f: OpFlags = { ...raw, terminal: raw.systemTitle };
      return op === 'archive' ? runArchive(ctx, f) : runOp(ctx, op, f);
    });
}
