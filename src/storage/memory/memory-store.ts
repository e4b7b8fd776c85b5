// The in-memory reference store: the port's semantics in plain maps (tests, demos, the conformance reference).
import type { TerminalId } from '../../core/index.ts';
import {
  checkKeyTransition,
  type AuditInput,
  type KeyRecord,
  type KeyRef,
  type KeyTransitionRequest,
  type KeyTransitionResult,
  type NewTerminals,
  type TerminalRecord,
} from '../../keys/index.ts';
import { GENESIS_HASH, chainAuditRecords, verifyAuditChain } from '../audit-chain.ts';
import { StorageError } from '../errors.ts';
import {
  aggregate,
  evidenceKey,
  keyId,
  readingKey,
  replayId,
  statusAudit,
  sumEvidence,
  toReading,
  transitionAudit,
} from '../store-helpers.ts';
import { mergeReplayStates, readingUpdates } from '../replay-merge.ts';
import type {
  AuditRecord,
  CommitBatch,
  CommitResult,
  EvidenceRecord,
  Reading,
  RejectCounts,
  ReplayUpdate,
  Store,
  TerminalStatusChange,
} from '../types.ts';
import {
  batchTerminals,
  duplicate,
  unknownTerminal,
  validateBatch,
  validateKey,
  validateTerminal,
} from '../validate.ts';

interface State {
  terminals: Map<string, TerminalRecord>;
  keys: Map<string, KeyRecord>;
  replay: Map<string, ReplayUpdate>;
  readings: Map<string, Reading>;
  evidence: Map<string, EvidenceRecord>;
  rejects: Map<string, number>;
  audit: AuditRecord[];
}

/**
 * Creates an empty in-memory store. Every method validates fully before changing anything, so each
 * call is atomic (JavaScript runs it to completion without interleaving).
 * @example
 * const store = await createMemoryStore();
 */
export function createMemoryStore(): Promise<Store & { tamperAudit(seq: number, actor: string): void }> {
  const s: State = {
    terminals: new Map(),
    keys: new Map(),
    replay: new Map(),
    readings: new Map(),
    evidence: new Map(),
    rejects: new Map(),
    audit: [],
  };
  let closed = false;
  const open = (): void => {
    if (closed)
      throw new StorageError('GT_ERR_STORAGE_CLOSED', 'the store is closed', { hint: 'open a new store' });
  };
  const append = (entries: readonly AuditInput[]): AuditRecord[] => {
    const last = s.audit.at(-1);
    const recs = chainAuditRecords(last?.seq ?? 0, last?.hash ?? GENESIS_HASH, entries);
    s.audit.push(...recs);
    return recs;
  };
  const store = {
    addTerminals: (input: NewTerminals) =>
      attempt(() => {
        open();
        addTerminals(s, input);
        append(input.audit);
      }),
    getTerminal: (id: TerminalId) => Promise.resolve(s.terminals.get(id)),
    listTerminals: (filter: { tenant?: number } = {}) =>
      Promise.resolve(
        [...s.terminals.values()]
          .filter((t) => filter.tenant === undefined || t.tenant === filter.tenant)
          .sort((a, b) => a.id.localeCompare(b.id)),
      ),
    addKeys: (input: { keys: readonly KeyRecord[]; audit: readonly AuditInput[] }) =>
      attempt(() => {
        open();
        addKeys(s, input.keys);
        append(input.audit);
      }),
    getKey: (ref: KeyRef) => Promise.resolve(s.keys.get(keyId(ref))),
    listKeys: (terminal: TerminalId) =>
      Promise.resolve(
        [...s.keys.values()]
          .filter((k) => k.terminal === terminal)
          .sort((a, b) => a.purpose - b.purpose || a.version - b.version),
      ),
    transitionKey: (req: KeyTransitionRequest): Promise<KeyTransitionResult> =>
      attempt(() => {
        open();
        return transitionKey(s, req, append);
      }),
    setTerminalStatus: (change: TerminalStatusChange) =>
      attempt(() => {
        open();
        const t = s.terminals.get(change.id);
        if (t === undefined) return false;
        s.terminals.set(t.id, { ...t, status: change.status });
        append([statusAudit(t, change)]);
        return true;
      }),
    commitBatch: (batch: CommitBatch): Promise<CommitResult> =>
      attempt(() => {
        open();
        return commit(s, batch, append);
      }),
    appendAudit: (entries: readonly AuditInput[]) =>
      attempt(() => {
        open();
        return append(entries);
      }),
    ...memoryReads(s),
    close() {
      closed = true;
      return Promise.resolve();
    },
    /** Test hook: rewrites one audit record in place, as an attacker with file access would. */
    tamperAudit(seq: number, actor: string) {
      const i = s.audit.findIndex((r) => r.seq === seq);
      const r = s.audit[i];
      if (r !== undefined) s.audit[i] = { ...r, actor };
    },
  };
  return Promise.resolve(store);
}

/** The read-only methods over the maps (sorted and filtered like the SQL adapters). */
function memoryReads(s: State) {
  return {
    getReplayState: (k: ReplayUpdate | Omit<ReplayUpdate, 'state'>) =>
      Promise.resolve(s.replay.get(replayId(k))?.state),
    listReplayStates: (terminal?: TerminalId) =>
      Promise.resolve(
        [...s.replay.values()].filter((u) => terminal === undefined || u.terminal === terminal),
      ),
    queryReadings: (q: Parameters<Store['queryReadings']>[0]) =>
      Promise.resolve(
        [...s.readings.values()]
          .filter((r) => r.terminal === q.terminal && (q.from === undefined || r.ts >= q.from))
          .filter((r) => q.to === undefined || r.ts < q.to)
          .sort((a, b) => a.ts - b.ts || a.fc - b.fc)
          .slice(0, q.limit ?? 10_000),
      ),
    countReadings: (terminal?: TerminalId) =>
      Promise.resolve(
        [...s.readings.values()].filter((r) => terminal === undefined || r.terminal === terminal).length,
      ),
    aggregateReadings: (q: Parameters<Store['aggregateReadings']>[0]) =>
      Promise.resolve(aggregate([...s.readings.values()], q)),
    getRejectCounts: () => Promise.resolve(rejectCounts(s.rejects)),
    getEvidence: (f: { terminal?: TerminalId; fromCycle?: number; toCycle?: number } = {}) =>
      Promise.resolve(
        [...s.evidence.values()]
          .filter(
            (e) => (f.terminal === undefined || e.terminal === f.terminal) && e.cycle >= (f.fromCycle ?? 0),
          )
          .filter((e) => f.toCycle === undefined || e.cycle <= f.toCycle)
          .sort((a, b) => a.cycle - b.cycle || a.terminal.localeCompare(b.terminal)),
      ),
    listAudit: (f: { afterSeq?: number; limit?: number } = {}) =>
      Promise.resolve(s.audit.filter((r) => r.seq > (f.afterSeq ?? 0)).slice(0, f.limit ?? 1000)),
    verifyAudit: () => Promise.resolve(verifyAuditChain(s.audit)),
  };
}

/** Runs a synchronous step and turns a throw into a rejected promise (as an async adapter would). */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function addTerminals(s: State, input: NewTerminals): void {
  const seen = new Set<string>();
  for (const t of input.terminals) {
    validateTerminal(t);
    if (s.terminals.has(t.id) || seen.has(t.id)) duplicate(`terminal ${t.id}`);
    seen.add(t.id);
  }
  for (const k of input.keys)
    if (!s.terminals.has(k.terminal) && !seen.has(k.terminal)) unknownTerminal(k.terminal);
  checkNewKeys(s, input.keys);
  for (const t of input.terminals) s.terminals.set(t.id, t);
  for (const k of input.keys) s.keys.set(keyId(k), k);
}

function checkNewKeys(s: State, keys: readonly KeyRecord[]): void {
  const seen = new Set<string>();
  for (const k of keys) {
    validateKey(k);
    const id = keyId(k);
    if (s.keys.has(id) || seen.has(id)) duplicate(`key ${id}`);
    seen.add(id);
  }
}

function addKeys(s: State, keys: readonly KeyRecord[]): void {
  for (const k of keys) if (!s.terminals.has(k.terminal)) unknownTerminal(k.terminal);
  checkNewKeys(s, keys);
  for (const k of keys) s.keys.set(keyId(k), k);
}

function transitionKey(
  s: State,
  req: KeyTransitionRequest,
  append: (e: readonly AuditInput[]) => AuditRecord[],
): KeyTransitionResult {
  const k = s.keys.get(keyId(req.key));
  if (k === undefined) return { ok: false, reason: 'UNKNOWN_KEY' };
  const check = checkKeyTransition(k.state, req.to);
  if (!check.ok) return { ok: false, reason: check.reason, from: k.state };
  const wrapped = req.to === 'destroyed' ? null : k.wrapped;
  const graceUntil = req.to === 'deactivated' ? (req.graceUntil ?? null) : null;
  s.keys.set(keyId(k), { ...k, state: req.to, wrapped, updatedAt: req.at, graceUntil });
  append([transitionAudit(req, k.state)]);
  return { ok: true, from: k.state, to: req.to };
}

function commit(
  s: State,
  batch: CommitBatch,
  append: (e: readonly AuditInput[]) => AuditRecord[],
): CommitResult {
  validateBatch(batch);
  for (const id of batchTerminals(batch)) if (!s.terminals.has(id)) unknownTerminal(id);
  const duplicates: number[] = [];
  let stored = 0;
  (batch.readings ?? []).forEach((r, i) => {
    const id = readingKey(r);
    if (s.readings.has(id)) duplicates.push(i);
    else {
      s.readings.set(id, toReading(r));
      stored += 1;
    }
  });
  for (const u of [...readingUpdates(batch.readings), ...(batch.replayUpdates ?? [])]) {
    const prev = s.replay.get(replayId(u));
    s.replay.set(replayId(u), {
      ...u,
      state: prev === undefined ? u.state : mergeReplayStates(prev.state, u.state),
    });
  }
  for (const d of batch.evidenceDeltas ?? [])
    s.evidence.set(evidenceKey(d), sumEvidence(s.evidence.get(evidenceKey(d)), d));
  for (const c of batch.rejectCounts ?? []) {
    const id = `${c.reason}\u0000${c.terminal ?? ''}`;
    s.rejects.set(id, (s.rejects.get(id) ?? 0) + c.count);
  }
  append(batch.audit ?? []);
  return { stored, duplicates };
}

function rejectCounts(rejects: Map<string, number>): RejectCounts {
  const byReason: Record<string, number> = {};
  const byTerminal: { terminal: TerminalId; reason: string; count: number }[] = [];
  for (const [id, count] of rejects) {
    const [reason = '', terminal = ''] = id.split('\u0000');
    byReason[reason] = (byReason[reason] ?? 0) + count;
    if (terminal !== '') byTerminal.push({ terminal: terminal as TerminalId, reason, count });
  }
  byTerminal.sort((a, b) => a.terminal.localeCompare(b.terminal) || a.reason.localeCompare(b.reason));
  return { byReason, byTerminal };
}
