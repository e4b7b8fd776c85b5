// `gridtrust readings`: the stored telemetry of one terminal in a time range, oldest first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { TerminalId, UnixMillis } from '../../core/index.ts';
import { DATABASE_FILE, openSqliteStore, resolveDataDir, type Reading } from '../../storage/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { parseIsoTimestamp } from '../data-files.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { parseHexArg, parseNumberArg, printJson } from '../io.ts';
import { addConcept, conceptOption } from '../vocabulary.ts';

interface ReadingsFlags {
  systemTitle: string;
  from?: string;
  to?: string;
  limit: string;
  dataDir?: string;
  json?: boolean;
}

const DETAILS = `Prints the readings stored for one terminal with measurement time in [--from, --to), oldest first:
voltage (V), current (A), active power P (W), reactive power Q (var), power factor, frequency (Hz),
energy import/export registers (Wh), the frame counter and key version of the frame that carried each.
Times are ISO 8601 (UTC when no zone is given). Reads a data directory written by \`gridtrust serve\`
(or demo --data-dir); the running server may keep writing meanwhile (SQLite WAL).`;

function parseTime(flag: string, text: string | undefined): UnixMillis | undefined {
  if (text === undefined) return undefined;
  const ms = parseIsoTimestamp(text);
  if (ms === undefined) {
    throw new CliError('GT_ERR_CLI_USAGE', `${flag} is not an ISO 8601 time: "${text}"`, {
      hint: `e.g. ${flag} 2026-11-22T08:00:00Z`,
    });
  }
  return ms as UnixMillis;
}

/** A reading as printed: ISO times, raw CBOR as hex. */
function readingView(r: Reading): Record<string, unknown> {
  const { raw, ts, receivedAt, ...rest } = r;
  return {
    ...rest,
    ts: new Date(ts).toISOString(),
    receivedAt: new Date(receivedAt).toISOString(),
    ...(raw === null ? {} : { rawHex: Buffer.from(raw).toString('hex') }),
  };
}

const fmt = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

async function runReadings(ctx: CommandContext, f: ReadingsFlags): Promise<void> {
  const terminal = parseHexArg('--system-title', f.systemTitle, 8).toString('hex') as TerminalId;
  const from = parseTime('--from', f.from);
  const to = parseTime('--to', f.to);
  const limit = parseNumberArg('--limit', f.limit, { min: 1, max: 1_000_000, integer: true });
  const dir = resolveDataDir(f.dataDir, ctx.io.env);
  const path = join(dir, DATABASE_FILE);
  if (!existsSync(path)) {
    throw new CliError('GT_ERR_CLI_USAGE', `no gridtrust database in ${dir}`, {
      hint: 'pass the --data-dir that gridtrust serve or terminals add used',
    });
  }
  const store = await openSqliteStore({ path, readWorker: false });
  try {
    const known = (await store.getTerminal(terminal)) !== undefined;
    const readings = known
      ? await store.queryReadings({ terminal, limit, ...(from && { from }), ...(to && { to }) })
      : [];
    if (!known) ctx.setExitCode(1);
    if (f.json === true) {
      printJson(ctx.io, {
        terminal,
        readings: readings.map(readingView),
        ...(known ? {} : { error: 'UNKNOWN_TERMINAL' }),
      });
      return;
    }
    if (!known) ctx.io.err(`unknown terminal ${terminal}\n`);
    for (const r of readings) {
      ctx.io.out(
        `${new Date(r.ts).toISOString()}  fc ${String(r.fc).padStart(6)}  U ${fmt(r.voltage, 1)} V  I ${fmt(r.current, 2)} A  ` +
          `P ${fmt(r.activePower, 0)} W  Q ${fmt(r.reactivePower, 0)} var  PF ${fmt(r.powerFactor, 3)}  ` +
          `f ${fmt(r.frequency, 2)} Hz  E+ ${fmt(r.energyImport, 0)} Wh  E- ${fmt(r.energyExport, 0)} Wh\n`,
      );
    }
    if (known)
      ctx.io.out(
        `${readings.length} reading(s)${readings.length === limit ? ' (limit reached: use --limit)' : ''}\n`,
      );
  } finally {
    await store.close();
  }
}

/** Registers `gridtrust readings`. */
export const registerReadings: RegisterCommand = (program: Command, ctx) => {
  const cmd = describe(program.command('readings'), {
    purpose: 'print the stored readings of one terminal in a time range',
    details: DETAILS,
    examples: [
      'gridtrust readings --data-dir .gridtrust --system-title 4d4d4d0000bc614e --from 2026-11-22',
      'gridtrust readings --system-title 4d4d4d0000bc614e --from 2026-11-22T08:00+01:00 --to 2026-11-23 --json',
    ],
    exitCodes: { 0: 'done (also when no reading is in range)', 1: 'unknown terminal' },
  });
  addConcept(cmd, 'systemTitle', { required: true });
  cmd
    .addOption(conceptOption('from'))
    .addOption(conceptOption('to'))
    .option('--limit <n>', 'at most this many readings', '10000')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ terminal, readings: [...] }' }))
    .action((f: ReadingsFlags) => runReadings(ctx, f));
};
