// The audit hash chain detects any change, insertion, deletion or reordering of records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UnixMillis } from '../core/index.ts';
import { GENESIS_HASH, chainAuditRecords, verifyAuditChain } from './audit-chain.ts';

const entry = fc.record({
  at: fc.integer({ min: 0, max: 2 ** 41 }).map((n) => n as UnixMillis),
  actor: fc.string(),
  action: fc.string(),
  subject: fc.string(),
  details: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))),
});

describe('audit chain', () => {
  it('verifies an untouched chain, whatever its content', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (es) => {
        const recs = chainAuditRecords(0, GENESIS_HASH, es);
        expect(verifyAuditChain(recs)).toEqual({
          ok: true,
          count: es.length,
          head: recs.at(-1)?.hash ?? GENESIS_HASH,
        });
      }),
    );
  });

  it('detects a changed field, a deleted record and swapped records', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 2, maxLength: 12 }), fc.nat(), (es, pick) => {
        const recs = chainAuditRecords(0, GENESIS_HASH, es);
        const i = pick % recs.length;
        const changed = recs.map((r, j) => (j === i ? { ...r, actor: `${r.actor}!` } : r));
        expect(verifyAuditChain(changed)).toMatchObject({ ok: false, brokenAt: i + 1, reason: 'BAD_HASH' });
        expect(verifyAuditChain(recs.filter((_, j) => j !== i)).ok).toBe(i === recs.length - 1);
        const swapped = [...recs];
        [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
        expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, brokenAt: 2, reason: 'BAD_SEQ' });
      }),
    );
  });

  it('detects a record whose hash was recomputed but whose link was not', () => {
    const es = [1, 2, 3].map((n) => ({
      at: n as UnixMillis,
      actor: 'a',
      action: 'x',
      subject: 's',
      details: {},
    }));
    const recs = chainAuditRecords(0, GENESIS_HASH, es);
    const forged = chainAuditRecords(1, GENESIS_HASH, [{ ...es[1]!, actor: 'mallory' }]);
    expect(verifyAuditChain([recs[0]!, forged[0]!, recs[2]!])).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: 'BAD_LINK',
    });
  });
});
