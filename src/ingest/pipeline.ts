// The ingestion pipeline [DESIGN "Data flow"]: parse → key → replay → open → commit window → decode →
// evidence → durable batch → ack. One instance serves every transport.
import type { TerminalId } from '../core/index.ts';
import {
  CTYPE,
  DIR,
  SUITE,
  checkReplay,
  commitReplay,
  decodeFramePayload,
  openFrame,
  parseFrame,
  replayId,
  resolveKey,
  type ReplayState,
  type Sgt1Header,
  type TerminalKeys,
  type VerifyContext,
} from '../protocol/index.ts';
import { createBatchWriter, type BatchWriter, type WriteItem } from './batch-writer.ts';
import { ackBody, createDownlinkCounters, sealDownlink, type DownlinkCounters } from './downlink.ts';
import { createEvidenceAccumulator, type EvidenceAccumulator } from './evidence.ts';
import type { IngestRejectReason } from './reasons.ts';
import { verifyTunnelFrame } from './tunnel-step.ts';
import { toReading } from './readings.ts';
import type { IngestReading, IngestStore, ReplayWindowUpdate } from './store-port.ts';

/** Where a request came from (mirrors the transport port's FrameMeta). */
export interface IngestMeta {
  transport: string;
  /** Title named by the MQTT topic; must equal the frame's title. */
  topicTitle?: string;
  peer?: string;
}

/** Outcome of one frame: committed (with an optional ack frame to send back) or rejected. */
export type IngestOutcome = { ok: true; reply?: Uint8Array } | { ok: false; reason: IngestRejectReason };

/** Options of {@link createIngestPipeline}. */
export interface IngestPipelineOptions {
  /** Terminal/key lookups, the in-memory replay windows (warmed from the store), key cache, clock. */
  verify: VerifyContext;
  store: IngestStore;
  /** Length of an evidence cycle in ms (the trust engine's cycle). */
  cycleMs: number;
  /** True when the terminal is quarantined or retired. @default () => false */
  isRefused?: (terminal: TerminalId) => boolean;
  /** Persisted downlink counters (dir 1 windows) so counters continue after a restart. */
  downlinkSeed?: readonly ReplayWindowUpdate[];
  /** A reading received more than this after its measurement time counts as late. @default 300000 */
  lateAfterMs?: number;
  schedule?: (fn: () => void) => void;
  maxBatch?: number;
  /** Called when a well-formed frame names a terminal the lookup does not know (e.g. to reload it). */
  onUnknownTerminal?: (terminal: TerminalId) => void;
  /** Called after each accepted reading is durable (e.g. to publish it on the bus). */
  onAccepted?: (reading: IngestReading) => void;
}

/** Counters exposed as metrics. */
export interface IngestStats {
  accepted: number;
  rejected: Partial<Record<IngestRejectReason, number>>;
  commits: number;
  committedFrames: number;
}

/** The running pipeline: what transports call, plus stats and shutdown flush. */
export interface IngestPipeline {
  handleFrame(frame: Uint8Array, meta: IngestMeta): Promise<IngestOutcome>;
  recordRejection(reason: IngestRejectReason, meta: IngestMeta): void;
  stats(): IngestStats;
  flush(): Promise<void>;
  /**
   * Seals a downlink frame (ctype 0x03 command, 0x04 result) for a known terminal under
   * K_use(0x2, dir 1, `version`) and resolves once its counter is durable, so it is never reused.
   */
  sealDownlinkFor(
    terminal: TerminalId,
    o: { ctype: typeof CTYPE.COMMAND | typeof CTYPE.COMMAND_RESULT; body: unknown; version?: number },
  ): Promise<{ ok: true; frame: Uint8Array } | { ok: false; reason: 'UNKNOWN_TERMINAL' }>;
}

interface State {
  o: IngestPipelineOptions;
  ev: EvidenceAccumulator;
  writer: BatchWriter;
  downlink: DownlinkCounters;
  pending: Map<string, Promise<unknown>>;
  stats: IngestStats;
}

function rejectWith(s: State, reason: IngestRejectReason, terminal: TerminalId | null): IngestOutcome {
  s.stats.rejected[reason] = (s.stats.rejected[reason] ?? 0) + 1;
  s.ev.reject(reason, terminal);
  s.writer.kick();
  return { ok: false, reason };
}

/**
 * A transport-level rejection (e.g. OVERSIZE on `gt/v1/<title>/up`): when the topic names a known
 * terminal, the request is accounted in its evidence (a request without a valid reply), so the trust
 * engine sees a terminal that keeps sending malformed traffic [trust-§6 requests vs replies].
 */
function rejectAtTransport(s: State, reason: IngestRejectReason, meta: IngestMeta): IngestOutcome {
  const title = meta.topicTitle as TerminalId | undefined;
  if (title === undefined || s.o.verify.lookupTerminal(title) === undefined)
    return rejectWith(s, reason, null);
  s.ev.count(title, Math.floor(s.o.verify.clock.now() / s.o.cycleMs), 'requests');
  return rejectWith(s, reason, title);
}

/** Identifies one in-flight frame: its window and counter. */
function pendingKey(h: Sgt1Header): string {
  return `${h.terminalId}|${h.purpose}|${h.keyVersion}|${h.fc}`;
}

function toUpdate(h: Sgt1Header, st: ReplayState): ReplayWindowUpdate {
  const terminal = h.terminalId;
  return {
    terminal,
    purpose: h.purpose,
    dir: 0,
    version: h.keyVersion,
    state: { highest: st.highest, bitmap: st.bitmap },
  };
}

/** Undoes one counter after a failed commit so the sender's retry is not taken for a replay. */
function rollbackCounter(s: State, h: Sgt1Header): void {
  const id = replayId(h);
  const st = s.o.verify.replay.get(id);
  if (st === undefined || h.fc > st.highest || st.highest - h.fc >= 64) return;
  s.o.verify.replay.set(id, { highest: st.highest, bitmap: st.bitmap & ~(1n << BigInt(st.highest - h.fc)) });
}

/** Steps 1–2 and the direction/title/status rules; returns the header or a rejection. */
function admit(s: State, bytes: Uint8Array, meta: IngestMeta, cycle: number) {
  const parsed = parseFrame(bytes, s.o.verify.maxFrameBytes);
  if (!parsed.ok) return rejectWith(s, parsed.reason, null);
  const { header, frame } = parsed;
  const tid = header.terminalId;
  if (meta.topicTitle !== undefined && meta.topicTitle !== tid) return rejectWith(s, 'TITLE_MISMATCH', null);
  const known = s.o.verify.lookupTerminal(tid) !== undefined;
  if (!known) {
    s.o.onUnknownTerminal?.(tid);
    return rejectWith(s, 'UNKNOWN_TERMINAL', null);
  }
  s.ev.count(tid, cycle, 'requests');
  if (header.dir !== DIR.UP) return rejectWith(s, 'BAD_DIRECTION', tid);
  if (s.o.isRefused?.(tid) === true) return rejectWith(s, 'QUARANTINED', tid);
  if (header.suite === SUITE.DLMS_TUNNEL) return { tunnel: true as const, header, tid };
  const resolved = resolveKey(header, s.o.verify);
  if (!resolved.ok) return rejectWith(s, resolved.reason, tid);
  return { header, frame, tid, resolved };
}

async function handle(s: State, bytes: Uint8Array, meta: IngestMeta): Promise<IngestOutcome> {
  const now = s.o.verify.clock.now();
  const cycle = Math.floor(now / s.o.cycleMs);
  const a = admit(s, bytes, meta, cycle);
  if ('ok' in a) return a;
  if ('tunnel' in a) return handleTunnel(s, bytes, { header: a.header, tid: a.tid, cycle });
  const { header, frame, tid, resolved } = a;
  const replay = checkReplay(header, s.o.verify.replay);
  if (!replay.ok) {
    s.ev.count(tid, cycle, 'duplicates');
    // A resend of a frame still being committed is answered only once the first copy is durable.
    await s.pending.get(pendingKey(header));
    return rejectWith(s, 'REPLAY', tid);
  }
  const opened = openFrame(frame, header, resolved.key);
  if (!opened.ok) {
    s.ev.count(tid, cycle, 'integrityFailures');
    return rejectWith(s, 'BAD_TAG', tid);
  }
  const item: WriteItem = {
    replay: [toUpdate(header, commitReplay(header, replay.state, s.o.verify.replay))],
  };
  const decoded = decodeFramePayload(header, opened.plaintext);
  if (decoded.ok && decoded.telemetry !== undefined) {
    item.reading = toReading(header, decoded.telemetry, now);
    accountDelay(s, tid, cycle, now - item.reading.ts);
  }
  const reply = decoded.ok && header.ackReq ? ackFor(s, header, resolved.terminal, item) : undefined;
  await commitItem(s, header, item);
  if (!decoded.ok) return rejectWith(s, decoded.reason, tid);
  s.ev.count(tid, cycle, 'replies');
  s.stats.accepted++;
  if (item.reading !== undefined) s.o.onAccepted?.(item.reading);
  return reply === undefined ? { ok: true } : { ok: true, reply };
}

/** Suite 0x80: verified by its own DLMS security (see tunnel-step.ts), accounted like any frame. */
async function handleTunnel(
  s: State,
  bytes: Uint8Array,
  x: { header: Sgt1Header; tid: TerminalId; cycle: number },
): Promise<IngestOutcome> {
  const r = verifyTunnelFrame(bytes, s.o.verify, x);
  if (!r.ok) {
    if (r.evidence !== undefined) s.ev.count(x.tid, x.cycle, r.evidence);
    return rejectWith(s, r.reason, x.tid);
  }
  await s.writer.submit({ replay: [r.update] });
  s.ev.count(x.tid, x.cycle, 'replies');
  s.stats.accepted++;
  return { ok: true };
}

/** Seals the ctype 0x04 answer to an ackReq frame; its downlink counter joins the same commit. */
function ackFor(s: State, header: Sgt1Header, terminal: TerminalKeys, item: WriteItem): Uint8Array {
  const d = s.downlink.next(header.terminalId, header.keyVersion);
  (item.replay as ReplayWindowUpdate[]).push(d.update);
  return sealDownlink({
    terminal,
    systemTitle: header.systemTitle,
    version: header.keyVersion,
    fc: d.fc,
    ctype: CTYPE.COMMAND_RESULT,
    body: ackBody(header.fc),
    keyCache: s.o.verify.keyCache,
  });
}

function accountDelay(s: State, tid: TerminalId, cycle: number, delayMs: number): void {
  if (delayMs < 0) return;
  s.ev.delay(tid, cycle, delayMs);
  if (delayMs > (s.o.lateAfterMs ?? 300_000)) s.ev.count(tid, cycle, 'late');
}

async function commitItem(s: State, header: Sgt1Header, item: WriteItem): Promise<void> {
  const key = pendingKey(header);
  const p = s.writer.submit(item);
  s.pending.set(key, p);
  try {
    await p;
  } catch (e) {
    rollbackCounter(s, header);
    throw e;
  } finally {
    s.pending.delete(key);
  }
}

async function sealFor(
  s: State,
  terminal: TerminalId,
  d: { ctype: typeof CTYPE.COMMAND | typeof CTYPE.COMMAND_RESULT; body: unknown; version?: number },
) {
  const keys = s.o.verify.lookupTerminal(terminal);
  if (keys === undefined) return { ok: false as const, reason: 'UNKNOWN_TERMINAL' as const };
  const version = d.version ?? 1;
  const next = s.downlink.next(terminal, version);
  await s.writer.submit({ replay: [next.update] });
  const frame = sealDownlink({
    terminal: keys,
    systemTitle: Buffer.from(terminal, 'hex'),
    version,
    fc: next.fc,
    ctype: d.ctype,
    body: d.body,
    keyCache: s.o.verify.keyCache,
  });
  return { ok: true as const, frame };
}

/**
 * Creates the pipeline. Steps up to the in-memory window commit run synchronously for each frame,
 * so two frames with the same (terminal, key, fc) can never both pass the replay check; the store's
 * unique (terminal, purpose, version, fc) key is the second line of defence.
 */
export function createIngestPipeline(o: IngestPipelineOptions): IngestPipeline {
  const ev = createEvidenceAccumulator();
  const stats: IngestStats = { accepted: 0, rejected: {}, commits: 0, committedFrames: 0 };
  const writer = createBatchWriter({
    store: o.store,
    evidence: ev,
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(o.maxBatch ? { maxBatch: o.maxBatch } : {}),
    onCommit: (n) => {
      stats.commits++;
      stats.committedFrames += n;
    },
  });
  const s: State = {
    o,
    ev,
    writer,
    downlink: createDownlinkCounters(o.downlinkSeed ?? []),
    pending: new Map(),
    stats,
  };
  return {
    handleFrame: (frame, meta) => handle(s, frame, meta),
    recordRejection: (reason, meta) => void rejectAtTransport(s, reason, meta),
    stats: () => ({ ...stats, rejected: { ...stats.rejected } }),
    flush: () => writer.flush(),
    sealDownlinkFor: (terminal, d) => sealFor(s, terminal, d),
  };
}
