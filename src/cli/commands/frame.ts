// `gridtrust frame encode|decode|decode-dlms`: seal and open SGT1 frames and DLMS APDUs by hand [SGT1-1.2, 1.4].
import type { Command } from 'commander';
import {
  createKeyCache,
  DEFAULT_MAX_FRAME_BYTES,
  parseHeader,
  sealFrame,
  verifyDlms,
  verifyFrame,
  type DlmsKeys,
} from '../../protocol/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { conceptOption } from '../vocabulary.ts';
import { parseHexArg, parseNumberArg, printJson } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import {
  headerView,
  parseCtype,
  parseDir,
  parsePurpose,
  parseSuite,
  parseTelemetryJson,
  parseTenant,
  reportRejection,
  secretHex,
} from './frame-format.ts';

interface EncodeFlags {
  rootKey?: string;
  rootKeyFile?: string;
  tenant: string;
  systemTitle: string;
  purpose: string;
  keyVersion: string;
  fc: string;
  ctype: string;
  suite: string;
  dir: string;
  ackReq?: boolean;
  telemetry?: string;
  plaintext?: string;
  json?: boolean;
}

interface DecodeFlags {
  rootKey?: string;
  rootKeyFile?: string;
  tenant: string;
  hex: string;
  maxFrameBytes: string;
  json?: boolean;
}

interface DlmsFlags {
  ek?: string;
  ekFile?: string;
  ak?: string;
  akFile?: string;
  bk?: string;
  dk?: string;
  systemTitle?: string;
  hex: string;
  requireAuth?: boolean;
  json?: boolean;
}

const statelessNote = (what: string): string =>
  `A single decode is stateless: it has no replay history, so it cannot tell a replayed ${what} from a\n` +
  'fresh one, and it treats the key as active. The platform (`gridtrust serve`) applies replay windows\n' +
  'and key states.';
const ROOT_KEY_EXAMPLE = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const V7_EXAMPLE =
  '10014d4d4d0000bc614e10010000000101aafd666a0760b1b985d61f7f19821b27f05085d4ee6f3d5b915bed99424dd6';
const DECODE_CODES = { 0: 'verified and decrypted', 1: 'rejected (the reason is printed)' };

function encodeAction(ctx: CommandContext, f: EncodeFlags): void {
  if ((f.telemetry === undefined) === (f.plaintext === undefined)) {
    throw new CliError('GT_ERR_CLI_USAGE', 'give exactly one of --telemetry and --plaintext', {
      hint: `e.g. --telemetry '{"t":1700000000,"voltage":2301}' or --plaintext 0102`,
    });
  }
  const rootKey = secretHex(
    ctx.io,
    { flag: '--root-key', value: f.rootKey, file: f.rootKeyFile, envVar: 'GRIDTRUST_ROOT_KEY' },
    32,
  );
  const header = {
    dir: parseDir(f.dir),
    ackReq: f.ackReq === true,
    more: false,
    suite: parseSuite(f.suite),
    systemTitle: parseHexArg('--system-title', f.systemTitle, 8),
    purpose: parsePurpose(f.purpose),
    keyVersion: parseNumberArg('--key-version', f.keyVersion, { min: 1, max: 4095, integer: true }),
    fc: parseNumberArg('--fc', f.fc, { min: 1, max: 0xffffffff, integer: true }),
    ctype: parseCtype(f.ctype),
  };
  const key = { rootKey, tenant: parseTenant(f.tenant) };
  const frame =
    f.telemetry !== undefined
      ? sealFrame({ header, key, telemetry: parseTelemetryJson(f.telemetry) })
      : sealFrame({ header, key, plaintext: parseHexArg('--plaintext', f.plaintext!) });
  const parsed = parseHeader(frame);
  if (f.json === true) {
    printJson(ctx.io, {
      frameHex: frame.toString('hex'),
      length: frame.length,
      header: parsed.ok ? headerView(parsed.header) : null,
    });
  } else ctx.io.out(`${frame.toString('hex')}\n`);
}

function decodeAction(ctx: CommandContext, f: DecodeFlags): void {
  const rootKey = secretHex(
    ctx.io,
    { flag: '--root-key', value: f.rootKey, file: f.rootKeyFile, envVar: 'GRIDTRUST_ROOT_KEY' },
    32,
  );
  const tenant = parseTenant(f.tenant);
  const bytes = parseHexArg('--hex', f.hex);
  const r = verifyFrame(bytes, {
    lookupTerminal: () => ({ rootKey, tenant }),
    keyStatus: () => ({ state: 'active' }),
    replay: new Map(),
    keyCache: createKeyCache({ maxEntries: 8 }),
    clock: createSystemClock(),
    maxFrameBytes: parseNumberArg('--max-frame-bytes', f.maxFrameBytes, {
      min: 17,
      max: 1 << 20,
      integer: true,
    }),
  });
  const json = f.json === true;
  if (!r.ok) return reportRejection(ctx, r, json);
  const view = {
    ok: true,
    header: headerView(r.header),
    plaintextHex: r.plaintext.toString('hex'),
    ...(r.telemetry === undefined ? {} : { telemetry: r.telemetry }),
    ...(r.dlms === undefined ? {} : { dlms: { ...r.dlms, systemTitle: r.dlms.systemTitle.toString('hex') } }),
    note: 'stateless decode: no replay history',
  };
  if (json) return printJson(ctx.io, view);
  for (const [k, v] of Object.entries(view.header)) ctx.io.out(`${k.padEnd(14)} ${String(v)}\n`);
  ctx.io.out(`${'plaintextHex'.padEnd(14)} ${view.plaintextHex}\n`);
  if (r.telemetry !== undefined) ctx.io.out(`${'telemetry'.padEnd(14)} ${JSON.stringify(r.telemetry)}\n`);
}

/** The DLMS keys of `decode-dlms` from flags, files or the environment. */
function dlmsKeysOf(ctx: CommandContext, f: DlmsFlags): DlmsKeys {
  return {
    guek: secretHex(ctx.io, { flag: '--ek', value: f.ek, file: f.ekFile, envVar: 'GRIDTRUST_DLMS_EK' }, 16),
    ak: secretHex(ctx.io, { flag: '--ak', value: f.ak, file: f.akFile, envVar: 'GRIDTRUST_DLMS_AK' }, 16),
    ...(f.bk === undefined ? {} : { gbek: parseHexArg('--bk', f.bk, 16) }),
    ...(f.dk === undefined ? {} : { dedicated: parseHexArg('--dk', f.dk, 16) }),
  };
}

function decodeDlmsAction(ctx: CommandContext, f: DlmsFlags): void {
  const keys = dlmsKeysOf(ctx, f);
  const systemTitle =
    f.systemTitle === undefined ? undefined : parseHexArg('--system-title', f.systemTitle, 8);
  const r = verifyDlms(parseHexArg('--hex', f.hex), {
    keys,
    ...(systemTitle === undefined ? {} : { systemTitle }),
    allowUnauthenticated: f.requireAuth !== true,
  });
  const json = f.json === true;
  if (!r.ok) return reportRejection(ctx, r, json);
  if (!r.authenticated)
    ctx.io.err('warning: SC 0x20 is encryption only — the content is NOT authenticated\n');
  const view = {
    ok: true,
    tag: `0x${r.tag.toString(16)}`,
    keySet: r.keySet,
    systemTitle: r.systemTitle.toString('hex'),
    securityControl: `0x${r.securityControl.toString(16).padStart(2, '0')}`,
    invocationCounter: r.invocationCounter,
    authenticated: r.authenticated,
    encrypted: r.encrypted,
    plaintextHex: r.plaintext.toString('hex'),
    note: 'stateless decode: the invocation counter was not checked against history',
  };
  if (json) return printJson(ctx.io, view);
  for (const [k, v] of Object.entries(view))
    if (k !== 'ok' && k !== 'note') ctx.io.out(`${k.padEnd(18)} ${String(v)}\n`);
}

function registerEncode(frame: Command, ctx: CommandContext): void {
  describe(frame.command('encode'), {
    purpose: 'seal one SGT1 frame under K_use derived from the root key; prints the frame as hex',
    details: 'The first example prints the example frame V7 of docs/protocol.md.',
    examples: [
      `gridtrust frame encode --root-key ${ROOT_KEY_EXAMPLE} --tenant 1 --system-title 4d4d4d0000bc614e --fc 1 --telemetry '{"t":1700000000,"voltage":2301,"current":512}'`,
      `GRIDTRUST_ROOT_KEY=${ROOT_KEY_EXAMPLE} gridtrust frame encode --tenant 1 --system-title 4d4d4d0000bc614e --fc 2 --plaintext a0 --json`,
    ],
    docs: ['docs/protocol.md'],
  })
    .option('--root-key <hex>', '32-byte K_root (prefer --root-key-file or GRIDTRUST_ROOT_KEY)')
    .option('--root-key-file <file>', 'file holding the root key as hex')
    .addOption(conceptOption('tenant', { required: true }))
    .addOption(conceptOption('systemTitle', { required: true }))
    .requiredOption('--fc <n>', 'frame counter 1..2^32-1; never reuse one with the same key')
    .option(
      '--purpose <name|n>',
      'telemetry, command, event, key-transport, dlms-guek, …, audit',
      'telemetry',
    )
    .option('--key-version <n>', 'key version 1..4095', '1')
    .option(
      '--ctype <name|n>',
      'telemetry, event, command, command-result, key-update, xdlms, …',
      'telemetry',
    )
    .option('--suite <name|n>', 'gcm (0x01), ccm (0x02) or dlms (0x80 tunnel: plaintext = DLMS APDU)', 'gcm')
    .option('--dir <up|down>', 'direction', 'up')
    .option('--ack-req', 'set the ackReq flag')
    .option(
      '--telemetry <json>',
      'telemetry record, named or integer keys, e.g. {"t":1700000000,"voltage":2301}',
    )
    .option('--plaintext <hex>', 'raw payload bytes instead of --telemetry')
    .addOption(conceptOption('json', { detail: '{ frameHex, length, header }' }))
    .action((f: EncodeFlags) => encodeAction(ctx, f));
}

function registerDecode(frame: Command, ctx: CommandContext): void {
  describe(frame.command('decode'), {
    purpose: 'verify and decrypt one SGT1 frame; exit 1 with the rejection reason when it fails',
    details: statelessNote('frame'),
    examples: [`gridtrust frame decode --root-key ${ROOT_KEY_EXAMPLE} --tenant 1 --hex ${V7_EXAMPLE}`],
    exitCodes: DECODE_CODES,
    docs: ['docs/protocol.md'],
  })
    .option(
      '--root-key <hex>',
      '32-byte K_root of the terminal (prefer --root-key-file or GRIDTRUST_ROOT_KEY)',
    )
    .option('--root-key-file <file>', 'file holding the root key as hex')
    .addOption(conceptOption('tenant', { required: true }))
    .requiredOption('--hex <frame>', 'the frame as hex')
    .option('--max-frame-bytes <n>', 'reject longer frames with OVERSIZE', String(DEFAULT_MAX_FRAME_BYTES))
    .addOption(
      conceptOption('json', { detail: '{ ok, header, plaintextHex, telemetry? } or { ok: false, reason }' }),
    )
    .action((f: DecodeFlags) => decodeAction(ctx, f));
}

function registerDecodeDlms(frame: Command, ctx: CommandContext): void {
  describe(frame.command('decode-dlms'), {
    purpose: 'verify and decrypt one DLMS/COSEM ciphered APDU (0xDB, 0xDC, glo/ded tags; SC 0x10/0x20/0x30)',
    details: `${statelessNote('APDU')}\nThe example opens the glo-get-request of the DLMS Green Book (SC 0x30).`,
    examples: [
      'gridtrust frame decode-dlms --ek 000102030405060708090A0B0C0D0E0F --ak D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF --system-title 4D4D4D0000BC614E --hex C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B',
    ],
    exitCodes: DECODE_CODES,
    docs: ['docs/protocol.md'],
  })
    .option('--ek <hex>', 'global unicast encryption key (or --ek-file, GRIDTRUST_DLMS_EK)')
    .option('--ek-file <file>', 'file holding the EK as hex')
    .option('--ak <hex>', 'authentication key (or --ak-file, GRIDTRUST_DLMS_AK)')
    .option('--ak-file <file>', 'file holding the AK as hex')
    .option('--bk <hex>', 'global broadcast key, for SC with bit 6 set')
    .option('--dk <hex>', 'dedicated key, for ded-ciphered APDUs')
    .addOption(
      conceptOption('systemTitle', {
        detail: 'the sender; required for service-specific tags (0xC8, 0x21, …)',
      }),
    )
    .requiredOption('--hex <apdu>', 'the ciphered APDU as hex')
    .option('--require-auth', 'reject encryption-only APDUs (SC 0x20) with UNAUTHENTICATED')
    .addOption(conceptOption('json', { detail: '{ ok, plaintextHex, … } or { ok: false, reason }' }))
    .action((f: DlmsFlags) => decodeDlmsAction(ctx, f));
}

/** Registers `gridtrust frame`. */
export const registerFrame: RegisterCommand = (program, ctx) => {
  const frame = describe(program.command('frame'), {
    purpose: 'encode and decode SGT1 secure frames and DLMS ciphered APDUs',
    examples: [`gridtrust frame decode --root-key ${ROOT_KEY_EXAMPLE} --tenant 1 --hex ${V7_EXAMPLE}`],
    exitCodes: DECODE_CODES,
    docs: ['docs/protocol.md'],
  });
  registerEncode(frame, ctx);
  registerDecode(frame, ctx);
  registerDecodeDlms(frame, ctx);
};
