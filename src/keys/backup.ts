// Split backup and recovery (spec §3.3): a backup KEK split with Shamir's secret sharing (shamir-secret-sharing,
// GF(256), audited), every key record exported with its K_root re-wrapped under it (RFC 5649), KCVs checked.
import { createCipheriv, createHash } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import type { Clock } from '../core/index.ts';
import { KeysError } from './errors.ts';
import { unwrapKeyWithPadding, wrapKeyWithPadding } from './key-wrap.ts';
import type { KeyStore } from './key-store.ts';
import { isKeyState } from './lifecycle.ts';
import type { AuditInput, KeyRecord, RegistryStore, TerminalRecord } from './registry-types.ts';

export const BACKUP_FORMAT = 'gridtrust-backup/1';

/**
 * Key check value: the first 3 bytes of AES-ECB over a zero block under the key (the classic KCV of
 * payment HSMs), as 6 hex digits. Identifies a key without revealing it.
 */
export function keyCheckValue(key: Uint8Array): string {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()])
    .subarray(0, 3)
    .toString('hex');
}

interface BackupKey extends Omit<KeyRecord, 'wrapped'> {
  /** RFC 5649 under the backup KEK, hex; null for derived (metadata-only) or destroyed keys. */
  readonly wrappedHex: string | null;
  readonly kcv: string | null;
}

/** The backup file's document (no secret in it without a threshold of shares). */
export interface BackupDocument {
  readonly format: typeof BACKUP_FORMAT;
  readonly createdAt: number;
  readonly shares: number;
  readonly threshold: number;
  /** KCV of the backup KEK: recovery checks the combined shares against it. */
  readonly backupKekKcv: string;
  readonly terminals: readonly TerminalRecord[];
  readonly keys: readonly BackupKey[];
}

export interface BackupResult {
  readonly document: BackupDocument;
  /** The shares (secret: each goes to one custodian, written 0600), hex. */
  readonly shareHex: readonly string[];
}

/** Builds a backup of every terminal and key record: the backup KEK from `randomBytes`, split N/T. */
export async function createBackup(o: {
  store: RegistryStore;
  keyStore: KeyStore;
  clock: Clock;
  randomBytes: (n: number) => Uint8Array;
  shares: number;
  threshold: number;
}): Promise<BackupResult> {
  if (!(o.threshold >= 2 && o.threshold <= o.shares && o.shares <= 255))
    throw new KeysError('GT_ERR_KEYS_BACKUP', `bad split ${o.threshold} of ${o.shares}`, {
      hint: 'use 2 <= threshold <= shares <= 255 (default 3 of 5)',
    });
  const kek = Buffer.from(o.randomBytes(32));
  try {
    const terminals = await o.store.listTerminals();
    const keys: BackupKey[] = [];
    for (const t of terminals)
      for (const k of await o.store.listKeys(t.id)) keys.push(await backupKey(o.keyStore, kek, k));
    const parts = await split(new Uint8Array(kek), o.shares, o.threshold);
    const document: BackupDocument = {
      format: BACKUP_FORMAT,
      createdAt: o.clock.now(),
      shares: o.shares,
      threshold: o.threshold,
      backupKekKcv: keyCheckValue(kek),
      terminals,
      keys,
    };
    return { document, shareHex: parts.map((p) => Buffer.from(p).toString('hex')) };
  } finally {
    kek.fill(0);
  }
}

async function backupKey(ks: KeyStore, kek: Buffer, k: KeyRecord): Promise<BackupKey> {
  const { wrapped, ...meta } = k;
  if (wrapped === null) return { ...meta, wrappedHex: null, kcv: null };
  const secret = await ks.unwrap(wrapped);
  const bytes = secret.reveal();
  secret.wipe();
  try {
    return { ...meta, wrappedHex: wrapKeyWithPadding(kek, bytes).toString('hex'), kcv: keyCheckValue(bytes) };
  } finally {
    bytes.fill(0);
  }
}

/** Reconstructs the backup KEK from shares; fewer than the threshold, or wrong shares, fail and change nothing. */
export async function combineShares(doc: BackupDocument, shareHex: readonly string[]): Promise<Buffer> {
  const distinct = [...new Set(shareHex.map((s) => s.trim().toLowerCase()))];
  if (distinct.length < doc.threshold)
    throw new KeysError(
      'GT_ERR_KEYS_BACKUP_THRESHOLD',
      `${distinct.length} distinct share(s) given, the backup needs ${doc.threshold} of ${doc.shares}`,
      { hint: `collect at least ${doc.threshold} share files from their custodians (--share F per file)` },
    );
  if (distinct.some((s) => !/^([0-9a-f]{2}){33}$/.test(s)))
    throw new KeysError('GT_ERR_KEYS_BACKUP', 'a share file is not a 33-byte share in hex', {
      hint: 'give the share-<n>.hex files written by gridtrust keys backup',
    });
  const kek = Buffer.from(await combine(distinct.map((s) => new Uint8Array(Buffer.from(s, 'hex')))));
  if (keyCheckValue(kek) !== doc.backupKekKcv) {
    kek.fill(0);
    throw new KeysError('GT_ERR_KEYS_BACKUP_THRESHOLD', "the shares do not reconstruct this backup's KEK", {
      hint: 'the shares belong to another backup, or one was altered; nothing was changed',
    });
  }
  return kek;
}

/** Parses and checks a backup document (format, states). */
export function parseBackup(text: string): BackupDocument {
  let doc: BackupDocument;
  try {
    doc = JSON.parse(text) as BackupDocument;
  } catch (cause) {
    throw new KeysError('GT_ERR_KEYS_BACKUP', 'the backup file is not JSON', {
      hint: 'give the gridtrust-backup.json file',
      cause,
    });
  }
  if (
    doc.format !== BACKUP_FORMAT ||
    !Array.isArray(doc.keys) ||
    !Array.isArray(doc.terminals) ||
    !(doc.keys as readonly BackupKey[]).every((k) => isKeyState(k.state))
  )
    throw new KeysError('GT_ERR_KEYS_BACKUP', `not a ${BACKUP_FORMAT} document`, {
      hint: 'give the gridtrust-backup.json file',
    });
  return doc;
}

/**
 * Recovers a backup into a store: every K_root unwrapped under the backup KEK, its KCV verified, re-wrapped
 * under the current key store; terminals present already are skipped. One transaction, one audit record.
 */
export async function recoverBackup(o: {
  doc: BackupDocument;
  backupKek: Uint8Array;
  store: RegistryStore;
  keyStore: KeyStore;
  clock: Clock;
  actor: string;
}): Promise<{ recovered: number; skipped: number; keys: number }> {
  const present = new Set((await o.store.listTerminals()).map((t) => t.id as string));
  const terminals = o.doc.terminals.filter((t) => !present.has(t.id));
  const wanted = new Set(terminals.map((t) => t.id as string));
  const keys: KeyRecord[] = [];
  for (const k of o.doc.keys) if (wanted.has(k.terminal)) keys.push(await recoverKey(o, k));
  const audit: AuditInput[] = [
    {
      at: o.clock.now(),
      actor: o.actor,
      action: 'key.recover',
      subject: 'backup',
      details: {
        terminals: terminals.length,
        keys: keys.length,
        skipped: o.doc.terminals.length - terminals.length,
        backupCreatedAt: o.doc.createdAt,
        digest: digestOf(o.doc),
      },
    },
  ];
  if (terminals.length > 0) await o.store.addTerminals({ terminals, keys, audit });
  return {
    recovered: terminals.length,
    skipped: o.doc.terminals.length - terminals.length,
    keys: keys.length,
  };
}

async function recoverKey(
  o: { backupKek: Uint8Array; keyStore: KeyStore },
  k: BackupKey,
): Promise<KeyRecord> {
  const { wrappedHex, kcv, ...meta } = k;
  if (wrappedHex === null) return { ...meta, wrapped: null };
  const bytes = unwrapKeyWithPadding(o.backupKek, Buffer.from(wrappedHex, 'hex'));
  try {
    if (keyCheckValue(bytes) !== kcv)
      throw new KeysError(
        'GT_ERR_KEYS_BACKUP',
        `key ${k.terminal}/${k.purpose}/${k.version}: check value does not match`,
        {
          hint: 'the backup file was altered; nothing was changed',
        },
      );
    return { ...meta, wrapped: await o.keyStore.wrap(bytes) };
  } finally {
    bytes.fill(0);
  }
}

const digestOf = (doc: BackupDocument): string =>
  createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16);
