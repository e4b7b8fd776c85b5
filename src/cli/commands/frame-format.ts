// Helpers of `gridtrust frame`: option and secret parsing, telemetry JSON, views of headers and rejections.
import {
  CTYPE,
  REJECT_REASONS,
  PURPOSE,
  SUITE,
  TELEMETRY_KEYS,
  type Ctype,
  type Purpose,
  type Sgt1Header,
  type Suite,
  type Rejection,
  type Telemetry,
} from '../../protocol/index.ts';
import { CliError } from '../errors.ts';
import type { CommandContext } from '../command.ts';
import {
  parseHexArg,
  parseNumberArg,
  printJson,
  resolveSecret,
  type CliIo,
  type SecretSource,
} from '../io.ts';

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
const nameOf = (table: Record<string, number>, v: number): string =>
  Object.entries(table)
    .find(([, x]) => x === v)?.[0]
    .toLowerCase() ?? 'unknown';

/** Parses a value given as a name of `table` (case-insensitive, `-` for `_`) or a number (`1`, `0x01`). */
export function parseNamed<T extends number>(flag: string, text: string, table: Record<string, T>): T {
  const key = text.trim().toUpperCase().replace(/-/g, '_');
  const named = table[key];
  if (named !== undefined) return named;
  const n = parseNumberArg(flag, text, { min: 0, max: 255, integer: true });
  const found = Object.values(table).find((v) => v === n);
  if (found === undefined) {
    const names = Object.keys(table).map((k) => `${k.toLowerCase()} (${hex2(table[k]!)})`);
    throw new CliError('GT_ERR_CLI_USAGE', `${flag} ${text} is not known`, {
      hint: `use one of ${names.join(', ')}`,
    });
  }
  return found;
}

/** Suite names accepted on the command line. */
export const SUITE_NAMES: Record<string, Suite> = {
  GCM: SUITE.AES_128_GCM,
  CCM: SUITE.AES_128_CCM,
  DLMS: SUITE.DLMS_TUNNEL,
};

export const parseSuite = (t: string): Suite => parseNamed('--suite', t, { ...SUITE, ...SUITE_NAMES });
export const parsePurpose = (t: string): Purpose => parseNamed('--purpose', t, PURPOSE);
export const parseCtype = (t: string): Ctype => parseNamed('--ctype', t, CTYPE);

/** Parses `up`/`down` (or 0/1). */
export function parseDir(text: string): 0 | 1 {
  const t = text.trim().toLowerCase();
  if (t === 'up' || t === '0') return 0;
  if (t === 'down' || t === '1') return 1;
  throw new CliError('GT_ERR_CLI_USAGE', `--dir must be up or down, got "${text}"`, {
    hint: 'e.g. --dir up',
  });
}

/**
 * Parses `--telemetry` JSON with named keys (`{"t":1700000000,"voltage":2301}`) or the integer keys of
 * the wire format (`{"1":1700000000,"2":2301}`, 20 = profile, 30 = obis map).
 */
export function parseTelemetryJson(text: string): Telemetry {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError('GT_ERR_CLI_USAGE', '--telemetry is not valid JSON', {
      hint: `e.g. --telemetry '{"t":1700000000,"voltage":2301,"current":512}'`,
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CliError('GT_ERR_CLI_USAGE', '--telemetry must be a JSON object', {
      hint: 'e.g. {"t":1700000000}',
    });
  }
  const byNumber = new Map<string, string>(
    Object.entries(TELEMETRY_KEYS).map(([name, k]) => [String(k), name]),
  );
  byNumber.set('20', 'profile');
  byNumber.set('30', 'obis');
  const rec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) rec[byNumber.get(k) ?? k] = v;
  return rec as unknown as Telemetry;
}

/** JSON view of a header for `frame decode` / `frame encode --json`. */
export function headerView(h: Sgt1Header): Record<string, unknown> {
  return {
    version: h.version,
    dir: h.dir === 0 ? 'up' : 'down',
    ackReq: h.ackReq,
    moreFragments: h.more,
    suite: hex2(h.suite),
    suiteName: nameOf(SUITE, h.suite),
    systemTitle: h.terminalId,
    purpose: h.purpose,
    purposeName: nameOf(PURPOSE, h.purpose),
    keyVersion: h.keyVersion,
    kid: `0x${((h.purpose << 12) | h.keyVersion).toString(16).padStart(4, '0')}`,
    fc: h.fc,
    ctype: hex2(h.ctype),
    ctypeName: nameOf(CTYPE, h.ctype),
  };
}

/** Reads a required hex secret of `bytes` length from flag, file or environment. */
export function secretHex(io: CliIo, src: SecretSource, bytes: number): Buffer {
  const v = resolveSecret(io, src);
  if (v === undefined) {
    throw new CliError('GT_ERR_CLI_MISSING_SECRET', `${src.flag} is required`, {
      hint: `pass ${src.flag} HEX, ${src.flag}-file FILE or set ${src.envVar}`,
    });
  }
  return parseHexArg(src.flag, v, bytes);
}

export const parseTenant = (t: string): number =>
  parseNumberArg('--tenant', t, { min: 0, max: 0xffffffff, integer: true });

export function reportRejection(
  ctx: CommandContext,
  r: Rejection,
  json: boolean,
  extra: Record<string, unknown> = {},
): void {
  ctx.setExitCode(1);
  if (json)
    printJson(ctx.io, {
      ok: false,
      reason: r.reason,
      detail: r.detail,
      meaning: REJECT_REASONS[r.reason],
      ...extra,
    });
  else ctx.io.out(`rejected: ${r.reason} — ${REJECT_REASONS[r.reason]} (${r.detail})\n`);
}
