// Console I/O for commands: JSON on stdout, progress and logs on stderr, secrets from flag/file/env.
import { readFileSync } from 'node:fs';
import { readProcessEnv } from '../platform/index.ts';
import { CliError } from './errors.ts';

/** Where a command writes; injected so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function createProcessIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive: process.stderr.isTTY === true,
    env: readProcessEnv(),
  };
}

/** Prints one JSON document (the `--json` contract of DESIGN.md). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

export interface SecretSource {
  /** Name used in messages, e.g. `--root-key`. */
  flag: string;
  value?: string | undefined;
  file?: string | undefined;
  /** Environment variable consulted when neither the flag nor the file is given. */
  envVar: string;
}

/**
 * Reads a secret from `--x HEX`, `--x-file FILE` or an environment variable, so that secrets need
 * not appear in shell history. Never echoes the secret in errors.
 */
export function resolveSecret(io: CliIo, src: SecretSource): string | undefined {
  if (src.value !== undefined) return src.value.trim();
  if (src.file !== undefined) {
    try {
      return readFileSync(src.file, 'utf8').trim();
    } catch (cause) {
      throw new CliError('GT_ERR_CLI_SECRET_FILE', `cannot read ${src.flag}-file ${src.file}`, {
        hint: 'check the path and that the file is readable by this user',
        cause,
      });
    }
  }
  const v = io.env[src.envVar];
  return v === undefined || v === '' ? undefined : v.trim();
}

/** Parses hex (spaces and colons allowed) into bytes, or throws a usage error naming the flag. */
export function parseHexArg(flag: string, text: string, expectedBytes?: number): Buffer {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new CliError('GT_ERR_CLI_BAD_HEX', `${flag} is not hex`, {
      hint: `give ${flag} as an even number of hex digits, e.g. 00112233`,
    });
  }
  const bytes = Buffer.from(clean, 'hex');
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    throw new CliError('GT_ERR_CLI_BAD_HEX', `${flag} must be ${expectedBytes} bytes, got ${bytes.length}`, {
      hint: `give ${flag} as ${expectedBytes * 2} hex digits`,
    });
  }
  return bytes;
}

/** Parses a number option with bounds, or throws a usage error naming the flag. */
export function parseNumberArg(
  flag: string,
  text: string,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const n = Number(text);
  const bad =
    text.trim() === '' ||
    !Number.isFinite(n) ||
    (opts.integer === true && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min) ||
    (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = `${opts.min ?? '-∞'}..${opts.max ?? '∞'}`;
    throw new CliError(
      'GT_ERR_CLI_BAD_NUMBER',
      `${flag} must be ${opts.integer === true ? 'an integer' : 'a number'} in ${range}, got "${text}"`,
      {
        hint: `e.g. ${flag} ${opts.min ?? 1}`,
      },
    );
  }
  return n;
}
