// `gridtrust firmware sign|verify`: SUIT envelopes for firmware images (docs/upgrade.md, ADR 0013).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  checkImage,
  checkManifest,
  createPemSigner,
  loadPublicKey,
  parseEnvelope,
  parseManifest,
  parseUuid,
  formatUuid,
  sha256,
  signManifest,
} from '../../tsm/index.ts';
import type { RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { addHiddenAlias } from '../vocabulary.ts';
import { parseNumberArg, printJson } from '../io.ts';

const read = (flag: string, path: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_READ_FILE', `${flag}: cannot read ${path}`, {
      hint: 'check the path and its permissions',
      cause,
    });
  }
};
const uuid = (flag: string, s: string): Uint8Array => {
  const u = parseUuid(s);
  if (!u)
    throw new CliError('GT_ERR_CLI_USAGE', `${flag} must be a UUID, got "${s}"`, {
      hint: `e.g. ${flag} fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe`,
    });
  return u;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface SignFlags {
  image: string;
  key: string;
  sequence: string;
  vendorId: string;
  classId: string;
  uri?: string;
  envelope: string;
  json?: boolean;
}

interface VerifyFlags {
  manifest: string;
  publicKey: string;
  image?: string;
  installedSequence?: string;
  vendorId?: string;
  classId?: string;
  json?: boolean;
}

const VENDOR = 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe';
const CLASS = '1492af14-2569-5e48-bf42-9b2d51f2ab45';

const SIGN_DETAILS = `Builds a SUIT envelope (CBOR tag 107) for the image: manifest version 1, the sequence number (the
terminal refuses any manifest whose sequence is not above the installed one), vendor and class UUIDs,
SHA-256 digest and size; signed with ES256 (COSE_Sign1, detached payload). The key is an ECDSA P-256
PEM file and is never derived from terminal keys. Make one with:
  openssl ecparam -name prime256v1 -genkey -noout -out fw-key.pem && openssl ec -in fw-key.pem -pubout -out fw-pub.pem`;

const VERIFY_DETAILS = `Checks an envelope in the order a terminal does (docs/upgrade.md): signature with the pinned public
key → sequence above --installed-sequence → vendor → class → (with --image) size and digest. A refusal
names its reason: BAD_MANIFEST, BAD_SIGNATURE, ROLLBACK, WRONG_VENDOR, WRONG_CLASS, DIGEST_MISMATCH,
SIZE_MISMATCH or OVERSIZE.`;

async function sign(ctx: Parameters<RegisterCommand>[1], f: SignFlags): Promise<void> {
  const image = read('--image', f.image);
  const signer = createPemSigner(read('--key', f.key).toString());
  const sequence = parseNumberArg('--sequence', f.sequence, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
  });
  const digest = sha256(image);
  const env = await signManifest(
    {
      sequence,
      vendorId: uuid('--vendor-id', f.vendorId),
      classId: uuid('--class-id', f.classId),
      digest,
      size: image.length,
      ...(f.uri ? { uri: f.uri } : {}),
    },
    signer,
  );
  try {
    writeFileSync(f.envelope, env);
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_WRITE_FILE', `--envelope: cannot write ${f.envelope}`, {
      hint: 'check the directory exists and is writable',
      cause,
    });
  }
  const result = { sequence, digestHex: hex(digest), size: image.length, manifestBytes: env.length };
  if (f.json === true) printJson(ctx.io, result);
  else
    ctx.io.out(
      `signed ${f.envelope}: sequence ${sequence}, ${image.length} bytes, sha256 ${result.digestHex}, envelope ${env.length} bytes\n`,
    );
}

function verify(ctx: Parameters<RegisterCommand>[1], f: VerifyFlags): void {
  const env = read('--manifest', f.manifest);
  const publicKey = loadPublicKey(read('--public-key', f.publicKey).toString());
  const policy = {
    publicKey,
    ...(f.installedSequence !== undefined
      ? {
          installedSequence: parseNumberArg('--installed-sequence', f.installedSequence, {
            min: 0,
            integer: true,
          }),
        }
      : {}),
    ...(f.vendorId ? { vendorId: uuid('--vendor-id', f.vendorId) } : {}),
    ...(f.classId ? { classId: uuid('--class-id', f.classId) } : {}),
  };
  const c = checkManifest(env, policy);
  const parsed = parseEnvelope(env);
  const fields = c.ok ? c.fields : (c.fields ?? (parsed ? parseManifest(parsed.manifest) : undefined));
  let reason = c.ok ? undefined : c.reason;
  if (c.ok && f.image !== undefined) {
    const img = checkImage(read('--image', f.image), c.fields);
    if (!img.ok) reason = img.reason;
  }
  const result = {
    ok: reason === undefined,
    ...(reason ? { reason } : {}),
    sequence: fields?.sequence ?? null,
    digestHex: fields ? hex(fields.digest) : null,
    size: fields?.size ?? null,
    vendorId: fields ? formatUuid(fields.vendorId) : null,
    classId: fields ? formatUuid(fields.classId) : null,
  };
  if (f.json === true) printJson(ctx.io, result);
  else
    ctx.io.out(
      result.ok
        ? `ok: sequence ${result.sequence}, ${result.size} bytes, sha256 ${result.digestHex}\n`
        : `refused: ${reason}\n`,
    );
  if (!result.ok) ctx.setExitCode(1);
}

export const registerFirmware: RegisterCommand = (program: Command, ctx) => {
  const fw = describe(program.command('firmware'), {
    purpose: 'sign and verify SUIT firmware manifests',
    examples: [
      `gridtrust firmware sign --image fw.bin --key fw-key.pem --sequence 2 --vendor-id ${VENDOR} --class-id ${CLASS} --envelope fw.suit`,
    ],
    docs: ['docs/upgrade.md', 'docs/tsm.md'],
  });
  describe(fw.command('sign'), {
    purpose: 'build and sign a SUIT envelope for a firmware image',
    details: SIGN_DETAILS,
    examples: [
      `gridtrust firmware sign --image fw.bin --key fw-key.pem --sequence 2 --vendor-id ${VENDOR} --class-id ${CLASS} --envelope fw.suit`,
    ],
    docs: ['docs/upgrade.md'],
  })
    .requiredOption('--image <file>', 'the firmware image')
    .requiredOption('--key <pem>', 'ECDSA P-256 private key (PEM)')
    .requiredOption('--sequence <n>', 'manifest sequence number (anti-rollback: above the installed one)')
    .requiredOption('--vendor-id <uuid>', 'vendor UUID')
    .requiredOption('--class-id <uuid>', 'device class UUID')
    .option(
      '--uri <uri>',
      'where terminals fetch the image (install sequence: set-parameters uri, fetch, image-match)',
    )
    .requiredOption('--envelope <file>', 'where to write the envelope (e.g. fw.suit; --out still works)')
    .option(
      '--json',
      'print exactly one JSON document on stdout: { sequence, digestHex, size, manifestBytes }',
    )
    .action((f: SignFlags) => sign(ctx, f));
  addHiddenAlias(fw.commands.at(-1)!, '--out <file>', 'envelope');
  describe(fw.command('verify'), {
    purpose: 'check a SUIT envelope (and optionally its image) as a terminal does',
    details: VERIFY_DETAILS,
    examples: [
      'gridtrust firmware verify --manifest fw.suit --public-key fw-pub.pem --image fw.bin --installed-sequence 1',
    ],
    exitCodes: {
      0: 'the envelope (and image) would be accepted',
      1: 'refused: the reason is printed (or in --json)',
      2: 'bad input (unreadable file, bad UUID or number)',
      70: 'internal error (a bug in gridtrust: please report it with the command you ran)',
    },
    docs: ['docs/upgrade.md'],
  })
    .requiredOption('--manifest <file>', 'the envelope')
    .requiredOption('--public-key <pem>', 'the pinned ECDSA P-256 public key (PEM)')
    .option('--image <file>', 'also check the image size and digest')
    .option('--installed-sequence <n>', 'refuse sequences not above this (ROLLBACK)')
    .option('--vendor-id <uuid>', 'expected vendor UUID')
    .option('--class-id <uuid>', 'expected class UUID')
    .option(
      '--json',
      'print exactly one JSON document on stdout: { ok, reason?, sequence, digestHex, size, vendorId, classId }',
    )
    .action((f: VerifyFlags) => verify(ctx, f));
};
