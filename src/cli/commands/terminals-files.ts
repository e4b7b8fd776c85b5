// Data-dir plumbing of the terminals commands: open store + registry, write personalisation files (mode 0600).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createKeyRegistry, type KeyRegistry, type Provisioned } from '../../keys/index.ts';
import type { DataDir } from '../../storage/index.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import { withKeysContext } from './keys-context.ts';

/** Opens the data dir and key store (creating the master key on first run), runs `fn`, closes both. */
export async function withRegistry<T>(
  io: CliIo,
  dataDirFlag: string | undefined,
  fn: (registry: KeyRegistry, dataDir: DataDir) => Promise<T>,
): Promise<T> {
  return withKeysContext(io, { dataDir: dataDirFlag }, ({ dataDir, keyStore }) => {
    const registry = createKeyRegistry({
      store: dataDir.store,
      keyStore,
      clock: createSystemClock(),
      randomBytes: (n) => randomBytes(n),
      actor: 'cli:terminals',
    });
    return fn(registry, dataDir);
  });
}

/** The personalisation document: what a terminal's secure element is loaded with. */
export function personalisationOf(p: Provisioned): Record<string, unknown> {
  return {
    format: 'gridtrust-personalisation/1',
    systemTitle: p.terminal.id,
    tenant: p.terminal.tenant,
    type: p.terminal.type,
    fusionTerminal: p.terminal.fusionTerminal,
    rootKey: p.rootKey.reveal().toString('hex'),
    keyVersion: p.keyVersion,
    purposes: p.purposes,
    createdAt: new Date(p.terminal.createdAt).toISOString(),
  };
}

/**
 * Writes the personalisation file — the only place the plaintext root key is ever written — with
 * mode 0600 in a 0700 directory. Returns its path.
 */
export function writePersonalisation(
  p: Provisioned,
  dir: string,
  path = join(dir, `${p.terminal.id}.json`),
): string {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify(personalisationOf(p), null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600); // an existing file keeps its old mode on overwrite
    return path;
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_WRITE_FILE', `cannot write personalisation file ${path}`, {
      hint: 'the terminal is registered; re-run with a writable --out, or rotate its root key',
      cause,
    });
  }
}

/** A terminal as printed by the commands (never any key material). */
export function terminalView(p: Provisioned, file: string): Record<string, unknown> {
  const t = p.terminal;
  return {
    id: t.id,
    type: t.type,
    fusionTerminal: t.fusionTerminal,
    tenant: t.tenant,
    status: t.status,
    createdAt: new Date(t.createdAt).toISOString(),
    rootKeyGenerated: p.rootKeyGenerated,
    keyVersion: p.keyVersion,
    purposes: p.purposes,
    personalisationFile: file,
  };
}
