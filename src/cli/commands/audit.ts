// `gridtrust audit verify|list`: walk the audit log's SHA-256 hash chain; list records by terminal and time.
import type { Command } from 'commander';
import type { AuditRecord, Store } from '../../storage/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { parseHexArg, parseNumberArg, printJson } from '../io.ts';
import { addConcept, conceptOption } from '../vocabulary.ts';
import { withStore } from './keys-store.ts';

const PAGE = 5000;

async function* records(store: Store): AsyncGenerator<AuditRecord> {
  for (let after = 0; ;) {
    const page = await store.listAudit({ afterSeq: after, limit: PAGE });
    if (page.length === 0) return;
    yield* page;
    after = page.at(-1)?.seq ?? after;
  }
}

const view = (r: AuditRecord) => ({ ...r, at: new Date(r.at).toISOString() });

async function runVerify(ctx: CommandContext, f: { dataDir?: string; json?: boolean }): Promise<void> {
  await withStore(ctx.io, f.dataDir, async ({ store }) => {
    const v = await store.verifyAudit();
    let count = 0;
    let bad: AuditRecord | undefined;
    for await (const r of records(store)) {
      count += 1;
      if (!v.ok && r.seq === v.brokenAt) bad = r;
    }
    const firstBad = v.ok
      ? undefined
      : { seq: v.brokenAt, reason: v.reason, ...(bad ? { action: bad.action, subject: bad.subject } : {}) };
    if (f.json === true) printJson(ctx.io, { ok: v.ok, records: count, ...(firstBad ? { firstBad } : {}) });
    else if (v.ok) ctx.io.out(`audit log verifies: ${count} record(s), head ${v.head}\n`);
    else
      ctx.io.out(
        `audit log BROKEN at record ${v.brokenAt} (${v.reason}${bad ? `, ${bad.action} ${bad.subject}` : ''}); ${count} record(s)\n`,
      );
    if (!v.ok) ctx.setExitCode(1);
  });
}

function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new CliError('GT_ERR_CLI_USAGE', `--since ${text} is not a time`, {
      hint: 'give an ISO time (2026-12-04T10:00:00Z) or Unix milliseconds',
    });
  return ms;
}

interface ListFlags {
  terminal?: string;
  since?: string;
  limit: string;
  dataDir?: string;
  json?: boolean;
}

async function runList(ctx: CommandContext, f: ListFlags): Promise<void> {
  const terminal =
    f.terminal === undefined ? undefined : parseHexArg('--system-title', f.terminal, 8).toString('hex');
  const since = parseSince(f.since);
  const limit = parseNumberArg('--limit', f.limit, { min: 1, integer: true });
  await withStore(ctx.io, f.dataDir, async ({ store }) => {
    const out: AuditRecord[] = [];
    for await (const r of records(store)) {
      if (since !== undefined && r.at < since) continue;
      if (terminal !== undefined && r.subject !== terminal && !r.subject.startsWith(`${terminal}/`)) continue;
      out.push(r);
      if (out.length > limit) out.shift(); // the newest `limit`
    }
    if (f.json === true) return printJson(ctx.io, { records: out.map(view) });
    for (const r of out)
      ctx.io.out(
        `${String(r.seq).padStart(6)} ${new Date(r.at).toISOString()} ${r.actor.padEnd(16)} ${r.action.padEnd(18)} ${r.subject} ${JSON.stringify(r.details)}\n`,
      );
  });
}

export const registerAudit: RegisterCommand = (program: Command, ctx) => {
  const audit = describe(program.command('audit'), {
    purpose: 'the append-only, hash-chained audit log',
    examples: ['gridtrust audit verify', 'gridtrust audit list --system-title 4d4d4d0000bc614e'],
    exitCodes: { 1: 'the chain is broken (audit verify)' },
    docs: ['docs/keys.md'],
  });
  describe(audit.command('verify'), {
    purpose: 'walk the SHA-256 hash chain; name the first record that does not verify',
    examples: ['gridtrust audit verify --json', 'gridtrust audit verify --data-dir demo-data'],
    exitCodes: { 0: 'the chain verifies', 1: 'broken (the first bad record is named)' },
    docs: ['docs/keys.md'],
  })
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ ok, records, firstBad? }' }))
    .action((f: { dataDir?: string; json?: boolean }) => runVerify(ctx, f));
  const list = describe(audit.command('list'), {
    purpose: 'audit records, oldest first (the newest --limit)',
    examples: ['gridtrust audit list --system-title 4d4d4d0000bc614e --since 2026-12-01T00:00:00Z --json'],
    docs: ['docs/keys.md'],
  });
  addConcept(list, 'systemTitle', { detail: 'only records about this terminal or one of its keys' })
    .option('--since <time>', 'only records at or after this time (ISO 8601 or Unix ms)')
    .option('--limit <n>', 'at most this many (the newest)', '1000')
    .addOption(conceptOption('dataDir'))
    .addOption(
      conceptOption('json', {
        detail: '{ records: [{ seq, at, actor, action, subject, details, prevHash, hash }] }',
      }),
    )
    .action((f: Omit<ListFlags, 'terminal'> & { systemTitle?: string }) =>
      runList(ctx, { ...f, ...(f.systemTitle === undefined ? {} : { terminal: f.systemTitle }) }),
    );
};
