// Export (spec §3.2): only wrapped — RFC 5649 under a recipient KEK the operator supplies — and only
// under dual control (two distinct approvers, both in the audit record).
import type { Clock, TerminalId } from '../core/index.ts';
import { keyCheckValue } from './backup.ts';
import { KeysError } from './errors.ts';
import { wrapKeyWithPadding } from './key-wrap.ts';
import type { KeyStore } from './key-store.ts';
import { ROOT_KEY_PURPOSE, type AuditInput, type RegistryStore } from './registry-types.ts';
import { softwareKekId } from './software/software-key-store.ts';

export interface ExportRequest {
  readonly terminal: TerminalId;
  /** Only 0 (`K_root`): derived keys are re-derived by the recipient, never exported. */
  readonly purpose: number;
  /** The recipient's AES-256 KEK (32 bytes). */
  readonly recipientKek: Uint8Array;
  readonly approvers: readonly string[];
  readonly reason?: string;
}

/** The `keys export` contract: `{ terminal, purpose, version, wrappedHex, kcv }` (+ the approvers). */
export interface ExportResult {
  readonly terminal: TerminalId;
  readonly purpose: number;
  readonly version: number;
  /** RFC 5649 (AES-256 KWP, AIV A65959A6) of the key under the recipient KEK, hex. */
  readonly wrappedHex: string;
  /** Key check value of the exported key (AES-ECB of a zero block, 3 bytes). */
  readonly kcv: string;
  readonly approvers: readonly string[];
  /** One-way fingerprint of the recipient KEK (as recorded in the audit log). */
  readonly recipientKekId: string;
}

function refuse(message: string, hint: string): KeysError {
  return new KeysError('GT_ERR_KEYS_EXPORT', message, { hint });
}

function checkApprovers(approvers: readonly string[]): string[] {
  const names = approvers.map((a) => a.trim()).filter((a) => a !== '');
  const distinct = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  if (distinct.length < 2)
    throw refuse(
      'export needs two distinct approvers (dual control)',
      'name two different people: --approver alice --approver bob',
    );
  return distinct;
}

/**
 * Exports a terminal's K_root wrapped under the recipient KEK, audited (`key.export`: approvers,
 * recipient KEK fingerprint, KCV) in the operational log. Refused for a destroyed key.
 */
export async function exportKey(
  ctx: {
    store: RegistryStore & { appendAudit(e: readonly AuditInput[]): Promise<unknown> };
    keyStore: KeyStore;
    clock: Clock;
    actor: string;
  },
  req: ExportRequest,
): Promise<ExportResult> {
  const approvers = checkApprovers(req.approvers);
  if (req.purpose !== ROOT_KEY_PURPOSE)
    throw refuse(
      `purpose ${req.purpose} is derived from K_root, not stored`,
      'export purpose 0 (K_root); the recipient derives the others',
    );
  if (req.recipientKek.length !== 32)
    throw refuse('the recipient KEK must be 32 bytes', 'give 64 hex digits (AES-256)');
  const keys = (await ctx.store.listKeys(req.terminal)).filter((k) => k.purpose === ROOT_KEY_PURPOSE);
  const k = keys.at(-1);
  if (k === undefined)
    throw refuse(`terminal ${req.terminal} has no root key`, 'check --terminal (gridtrust terminals list)');
  if (k.state === 'destroyed' || k.wrapped === null)
    throw refuse(`the root key of ${req.terminal} is ${k.state}`, 'a destroyed key cannot be exported');
  const secret = await ctx.keyStore.unwrap(k.wrapped);
  const bytes = secret.reveal();
  secret.wipe();
  try {
    const wrappedHex = wrapKeyWithPadding(req.recipientKek, bytes).toString('hex');
    const kcv = keyCheckValue(bytes);
    const recipientKekId = softwareKekId(req.recipientKek).replace('software:', 'recipient:');
    await ctx.store.appendAudit([
      {
        at: ctx.clock.now(),
        actor: ctx.actor,
        action: 'key.export',
        subject: `${req.terminal}/${k.purpose}/${k.version}`,
        details: {
          approvers: approvers.join(','),
          recipientKek: recipientKekId,
          kcv,
          state: k.state,
          reason: req.reason ?? 'export',
        },
      },
    ]);
    return {
      terminal: req.terminal,
      purpose: k.purpose,
      version: k.version,
      wrappedHex,
      kcv,
      approvers,
      recipientKekId,
    };
  } finally {
    bytes.fill(0);
  }
}
