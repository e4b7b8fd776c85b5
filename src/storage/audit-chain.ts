// Hash chain of the append-only audit log: each record carries SHA-256 of the previous one.
import { createHash } from 'node:crypto';
import type { AuditInput } from '../keys/index.ts';
import type { AuditRecord, AuditVerification } from './types.ts';

/** prevHash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical text hashed for a record: fixed field order, details with sorted keys, so the hash does
 * not depend on the store's column or JSON ordering.
 */
export function canonicalAuditText(seq: number, prevHash: string, e: AuditInput): string {
  const details = Object.keys(e.details)
    .sort()
    .map((k) => [k, e.details[k] ?? null]);
  return JSON.stringify([seq, prevHash, e.at, e.actor, e.action, e.subject, details]);
}

/** Chains one entry after `prevHash` at position `seq`. */
export function chainAuditRecord(seq: number, prevHash: string, e: AuditInput): AuditRecord {
  const hash = createHash('sha256')
    .update(canonicalAuditText(seq, prevHash, e))
    .digest('hex');
  return {
    seq,
    prevHash,
    hash,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: e.details,
  };
}

/** Chains several entries after the head `(lastSeq, lastHash)`. */
export function chainAuditRecords(
  lastSeq: number,
  lastHash: string,
  entries: readonly AuditInput[],
): AuditRecord[] {
  const out: AuditRecord[] = [];
  let seq = lastSeq;
  let prev = lastHash;
  for (const e of entries) {
    seq += 1;
    const r = chainAuditRecord(seq, prev, e);
    out.push(r);
    prev = r.hash;
  }
  return out;
}

/** Incremental verifier so adapters can stream records in pages; `finish()` gives the verdict. */
export interface AuditVerifier {
  /** Feeds the next record; returns false once the chain is known to be broken. */
  push(r: AuditRecord): boolean;
  finish(): AuditVerification;
}

export function createAuditVerifier(): AuditVerifier {
  let count = 0;
  let prev = GENESIS_HASH;
  let broken: AuditVerification | undefined;
  return {
    push(r) {
      if (broken !== undefined) return false;
      const expectedSeq = count + 1;
      if (r.seq !== expectedSeq) broken = { ok: false, brokenAt: r.seq, reason: 'BAD_SEQ' };
      else if (r.prevHash !== prev) broken = { ok: false, brokenAt: r.seq, reason: 'BAD_LINK' };
      else if (chainAuditRecord(r.seq, r.prevHash, r).hash !== r.hash) {
        broken = { ok: false, brokenAt: r.seq, reason: 'BAD_HASH' };
      }
      if (broken !== undefined) return false;
      count = r.seq;
      prev = r.hash;
      return true;
    },
    finish: () => broken ?? { ok: true, count, head: prev },
  };
}

/** Verifies a whole chain held in memory. */
export function verifyAuditChain(records: Iterable<AuditRecord>): AuditVerification {
  const v = createAuditVerifier();
  for (const r of records) if (!v.push(r)) break;
  return v.finish();
}
