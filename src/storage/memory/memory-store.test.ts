// The in-memory reference store passes the store conformance suite; its audit tampering is detected.
import { describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../conformance.ts';
import { createMemoryStore } from './memory-store.ts';

describeStoreConformance('memory', () => createMemoryStore());

describe('memory store audit chain', () => {
  it('detects a rewritten audit record', async () => {
    const s = await createMemoryStore();
    const e = { at: 1 as never, actor: 'a', action: 'x', subject: 's', details: {} };
    await s.appendAudit([e, e, e]);
    s.tamperAudit(2, 'mallory');
    expect(await s.verifyAudit()).toEqual({ ok: false, brokenAt: 2, reason: 'BAD_HASH' });
  });
});
