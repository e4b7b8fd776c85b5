// The bus-fed trust service makes the same decisions as the store-read monitor it replaced, on the same
// recorded evidence; applies them (quarantine, audit); reads evidence from the store only to recover.
import { describe, expect, it } from 'vitest';
import {
  createManualClock,
  createRandom,
  type Random,
  type TenantId,
  type TerminalId,
  type UnixMillis,
} from '../core/index.ts';
import { createInProcessBus } from '../bus/index.ts';
import type { EvidenceIncrement } from '../ingest/index.ts';
import { createMemoryStore, type Store } from '../storage/index.ts';
import {
  createTrustEngine,
  evidenceFromCounters,
  type EvidenceRecord,
  type TrustDecision,
} from '../trust/index.ts';
import { createTerminalCache } from './terminal-cache.ts';
import { publishEvidence, startTrustService } from './trust-service.ts';

const CYCLE_MS = 1000;
const hex = (n: number) => n.toString(16).padStart(16, '0') as TerminalId;
/** Three fusion terminals with 10 LVESUs each, plus 4 direct terminals (partition `platform`). */
const FUSION = [hex(0xf1), hex(0xf2), hex(0xf3)];
const TERMINALS = [
  ...FUSION.flatMap((f, k) =>
    Array.from({ length: 10 }, (_, i) => ({ id: hex(0x100 * (k + 1) + i), fusion: f })),
  ),
  ...[0, 1, 2, 3].map((i) => ({ id: hex(0x900 + i), fusion: null })),
];
/** Attackers: tampering, replaying and dropping, from their onset cycle on. */
const ATTACK = new Map<string, { kind: 'tamper' | 'replay' | 'drop'; from: number }>([
  [hex(0x103), { kind: 'tamper', from: 6 }],
  [hex(0x205), { kind: 'replay', from: 8 }],
  [hex(0x307), { kind: 'drop', from: 10 }],
  [hex(0x902), { kind: 'tamper', from: 12 }],
]);

/** One cycle's counters of one terminal: honest loss, duplicates, lateness and delay jitter, or an attack. */
function counters(r: Random, id: TerminalId, cycle: number): EvidenceIncrement {
  const a = ATTACK.get(id);
  const on = a !== undefined && cycle >= a.from;
  const requests = 60;
  const lost = r.next() < 0.2 ? 1 : 0;
  const dropped = on && a.kind === 'drop' ? 25 : 0;
  const failures = on && a.kind === 'tamper' ? 5 : 0;
  const replies = requests - lost - dropped - failures;
  const delay = 800;
  return {
    terminal: id,
    cycle,
    requests,
    replies,
    duplicates: (r.next() < 0.05 ? 1 : 0) + (on && a.kind === 'replay' ? 15 : 0),
    late: r.next() < 0.1 ? 1 : 0,
    integrityFailures: failures,
    delaySumMs: Math.round(replies * (delay + r.normal(0, 30))),
    delayCount: replies,
  };
}

/** Splits a cycle's totals into 1–3 additive deltas per terminal, shuffled into commits of ≤ 8. */
function commitsOf(r: Random, totals: readonly EvidenceIncrement[]): EvidenceIncrement[][] {
  const parts: EvidenceIncrement[] = [];
  for (const t of totals) {
    const k = r.int(1, 3);
    const keys = [
      'requests',
      'replies',
      'duplicates',
      'late',
      'integrityFailures',
      'delaySumMs',
      'delayCount',
    ] as const;
    const slices = Array.from({ length: k }, () => ({ ...t }) as Record<string, number> & EvidenceIncrement);
    for (const key of keys) {
      let left = t[key];
      slices.forEach((s, i) => {
        const v = i === k - 1 ? left : Math.floor(left * r.uniform(0, 1));
        (s as Record<string, number>)[key] = v;
        left -= v;
      });
    }
    parts.push(...slices);
  }
  for (let i = parts.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [parts[i], parts[j]] = [parts[j] as EvidenceIncrement, parts[i] as EvidenceIncrement];
  }
  const out: EvidenceIncrement[][] = [];
  for (let i = 0; i < parts.length; i += 8) out.push(parts.slice(i, i + 8));
  return out;
}

/** The recorded evidence: per cycle, the commits ingest would have made. */
function record(seed: number, cycles: number): EvidenceIncrement[][][] {
  const r = createRandom(seed);
  return Array.from({ length: cycles }, (_, c) =>
    commitsOf(
      r,
      TERMINALS.map((t) => counters(r, t.id, c)),
    ),
  );
}

async function storeWithTerminals(): Promise<Store> {
  const store = await createMemoryStore();
  await store.addTerminals({
    terminals: TERMINALS.map((t) => ({
      id: t.id,
      type: 'smart-meter',
      fusionTerminal: t.fusion,
      tenant: 1 as TenantId,
      createdAt: 0 as UnixMillis,
      status: 'active' as const,
    })),
    keys: [],
    audit: [],
  });
  return store;
}

/** The replaced platform trust monitor, as it was: each cycle's evidence read back from the store. */
async function scoreFromStore(recorded: EvidenceIncrement[][][]): Promise<TrustDecision[][]> {
  const store = await storeWithTerminals();
  const engine = createTrustEngine({ scheme: 'robust' });
  const out: TrustDecision[][] = [];
  for (const [cycle, commits] of recorded.entries()) {
    for (const evidenceDeltas of commits) await store.commitBatch({ evidenceDeltas });
    const records = new Map<string, EvidenceRecord>();
    for (const e of await store.getEvidence({ fromCycle: cycle, toCycle: cycle })) {
      const fusionTerminal = (await store.getTerminal(e.terminal))?.fusionTerminal ?? 'platform';
      records.set(e.terminal, evidenceFromCounters(e, { fusionTerminal }));
    }
    out.push(engine.scoreCycle([...records.values()]));
  }
  return out;
}

/** The new path: commits published on evidence.<partition>, the service closing cycles on the clock. */
async function scoreFromBus(recorded: EvidenceIncrement[][][], store: Store) {
  const clock = createManualClock(300 as UnixMillis);
  const bus = createInProcessBus((e) => {
    throw e;
  });
  const cache = createTerminalCache(store, () => Promise.resolve(new Uint8Array(16)));
  await cache.refresh();
  const byCycle: TrustDecision[][] = [];
  const service = await startTrustService({
    store,
    bus,
    cache,
    clock,
    cycleMs: CYCLE_MS,
    flush: () => Promise.resolve(),
    log: () => undefined,
    onCycle: (c, d) => (byCycle[c] = [...d]),
  });
  for (const [cycle, commits] of recorded.entries()) {
    for (const d of commits) publishEvidence(bus, (id) => cache.partitionOf(id), d);
    clock.set(((cycle + 1) * CYCLE_MS + 5) as UnixMillis);
    await service.tick();
  }
  await service.stop();
  return { byCycle, service, cache };
}

const byTerminal = (ds: readonly TrustDecision[]) =>
  [...ds].sort((a, b) => a.terminal.localeCompare(b.terminal));

describe('startTrustService', () => {
  it('makes the same decisions from the bus as the store-read monitor on the same recorded evidence', async () => {
    for (const seed of [1, 2, 3]) {
      const recorded = record(seed, 24);
      const before = await scoreFromStore(recorded);
      const store = await storeWithTerminals();
      const reads: unknown[] = [];
      const spied = Object.assign(Object.create(store) as Store, {
        getEvidence: (f: Parameters<Store['getEvidence']>[0]) => (reads.push(f), store.getEvidence(f)),
      });
      const { byCycle } = await scoreFromBus(recorded, spied);
      expect(byCycle).toHaveLength(recorded.length);
      byCycle.forEach((d, c) => expect(byTerminal(d)).toEqual(byTerminal(before[c] ?? [])));
      const flagged = new Set(
        before
          .flat()
          .filter((d) => d.flag !== null)
          .map((d) => d.terminal),
      );
      for (const id of ATTACK.keys()) expect(flagged.has(id)).toBe(true);
      expect(reads).toHaveLength(1); // the recovery at start, never per cycle
    }
  });

  it('applies the decisions: quarantined in the store with an audited reason, refused by the cache', async () => {
    const store = await storeWithTerminals();
    const { service, cache, byCycle } = await scoreFromBus(record(7, 20), store);
    const flagged = byCycle
      .flat()
      .filter((d) => d.flag !== null)
      .map((d) => d.terminal);
    for (const id of ATTACK.keys()) expect(flagged).toContain(id);
    const quarantined = (await store.listTerminals())
      .filter((t) => t.status === 'quarantined')
      .map((t) => t.id);
    expect(quarantined.sort()).toEqual(flagged.sort());
    expect(quarantined.every((id) => cache.isRefused(id))).toBe(true);
    const audit = (await store.listAudit()).filter((a) => a.actor === 'trust');
    expect(audit).toHaveLength(flagged.length);
    expect(audit.every((a) => JSON.stringify(a).includes('evidence'))).toBe(true);
    const bad = hex(0x103);
    expect(await service.reinstate(bad, 'operator:alice', 'firmware re-flashed')).toBe(true);
    expect(cache.isRefused(bad)).toBe(false);
    expect(service.engine.quarantined().some((q) => q.terminal === bad)).toBe(false);
  });

  it('recovers the open cycle from the store after a restart', async () => {
    const recorded = record(4, 1);
    const store = await storeWithTerminals();
    // half of cycle 0 was committed (and published) before the restart, the rest after it
    const commits = recorded[0] ?? [];
    const half = Math.floor(commits.length / 2);
    for (const evidenceDeltas of commits.slice(0, half)) await store.commitBatch({ evidenceDeltas });
    const { byCycle } = await scoreFromBus([commits.slice(half)], store);
    const whole = await scoreFromStore(recorded);
    expect(byTerminal(byCycle[0] ?? [])).toEqual(byTerminal(whole[0] ?? []));
  });

  it('picks up a reinstatement made on the store by another process (gridtrust terminals reinstate)', async () => {
    const store = await storeWithTerminals();
    const { service, cache } = await scoreFromBus(record(9, 16), store);
    const bad = hex(0x103);
    expect(cache.isRefused(bad)).toBe(true);
    expect(await service.syncReinstated()).toBe(0);
    await store.setTerminalStatus({
      id: bad,
      status: 'active',
      at: 2000 as UnixMillis,
      actor: 'op',
      reason: 'ok',
    });
    expect(await service.syncReinstated()).toBe(1);
    expect(cache.isRefused(bad)).toBe(false);
  });
});
