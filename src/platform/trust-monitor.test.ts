// The trust monitor quarantines a tampering terminal from stored evidence, audited, and reinstates it.
import { describe, expect, it } from 'vitest';
import { createManualClock, type TenantId, type TerminalId, type UnixMillis } from '../core/index.ts';
import { createMemoryStore } from '../storage/index.ts';
import { createTerminalCache } from './terminal-cache.ts';
import { createTrustMonitor } from './trust-monitor.ts';

const ids = ['0000000000000001', '0000000000000002', '0000000000000003', '0000000000000004'] as TerminalId[];

describe('createTrustMonitor', () => {
  it('quarantines on integrity failures, refuses its frames, and an operator reinstates it', async () => {
    const store = await createMemoryStore();
    const terminal = (id: TerminalId) => ({
      id,
      type: 'smart-meter',
      fusionTerminal: null,
      tenant: 1 as TenantId,
      createdAt: 0 as UnixMillis,
      status: 'active' as const,
    });
    await store.addTerminals({ terminals: ids.map(terminal), keys: [], audit: [] });
    const cache = createTerminalCache(store, () => Promise.resolve(new Uint8Array(16)));
    await cache.refresh();
    const monitor = createTrustMonitor({ store, cache, clock: createManualClock(1000 as UnixMillis) });
    const bad = ids[3] as TerminalId;
    for (let cycle = 0; cycle < 4; cycle++) {
      const evidenceDeltas = ids.map((id) => {
        const failures = id === bad && cycle >= 2 ? 4 : 0;
        return {
          terminal: id,
          cycle,
          requests: 96,
          replies: 96 - failures,
          integrityFailures: failures,
          delaySumMs: 96 * 800,
          delayCount: 96,
        };
      });
      await store.commitBatch({ evidenceDeltas });
      const decisions = await monitor.closeCycle(cycle);
      expect(decisions).toHaveLength(ids.length);
    }
    expect((await store.getTerminal(bad))?.status).toBe('quarantined');
    expect(cache.isRefused(bad)).toBe(true);
    expect(ids.slice(0, 3).every((id) => !cache.isRefused(id))).toBe(true);
    const audit = await store.listAudit();
    expect(audit.some((a) => a.actor === 'trust' && JSON.stringify(a).includes('COMPROMISED'))).toBe(true);
    expect(await monitor.reinstate(bad, 'operator:alice', 'firmware re-flashed')).toBe(true);
    expect(cache.isRefused(bad)).toBe(false);
    expect(monitor.engine.quarantined()).toHaveLength(0);
    expect(
      audit.some(
        (a) =>
          JSON.stringify(a).includes('integrityFailures') || JSON.stringify(a).includes('tamperedCaught'),
      ),
    ).toBe(true);
  });

  it('picks up a reinstatement made on the store by another process (gridtrust terminals reinstate)', async () => {
    const store = await createMemoryStore();
    const t = {
      type: 'smart-meter',
      fusionTerminal: null,
      tenant: 1 as TenantId,
      createdAt: 0 as UnixMillis,
    };
    await store.addTerminals({
      terminals: ids.map((id) => ({ id, ...t, status: 'active' as const })),
      keys: [],
      audit: [],
    });
    const cache = createTerminalCache(store, () => Promise.resolve(new Uint8Array(16)));
    await cache.refresh();
    const monitor = createTrustMonitor({ store, cache, clock: createManualClock(1000 as UnixMillis) });
    const bad = ids[0] as TerminalId;
    for (let cycle = 0; cycle < 4; cycle++) {
      const evidenceDeltas = ids.map((id) => ({
        terminal: id,
        cycle,
        requests: 96,
        replies: id === bad && cycle >= 1 ? 90 : 96,
        integrityFailures: id === bad && cycle >= 1 ? 6 : 0,
      }));
      await store.commitBatch({ evidenceDeltas });
      await monitor.closeCycle(cycle);
    }
    expect(cache.isRefused(bad)).toBe(true);
    expect(await monitor.syncReinstated()).toBe(0);
    await store.setTerminalStatus({
      id: bad,
      status: 'active',
      at: 2000 as UnixMillis,
      actor: 'op',
      reason: 'ok',
    });
    expect(await monitor.syncReinstated()).toBe(1);
    expect(cache.isRefused(bad)).toBe(false);
    expect(monitor.engine.quarantined()).toHaveLength(0);
  });
});
