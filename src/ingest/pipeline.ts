// The ingestion pipeline [DESIGN "Data flow"]: parse → key → replay → open → commit window → decode →
// evidence → durable batch → ack. One instance serves every transport.
import type { TerminalId, UnixMillis } from '../core/index.ts';
import {
  DIR,
  EMPTY_REPLAY_STATE,
  SGT1_WINDOW,
  SUITE,
  checkCounter,
  commitReplay,
  decodeFramePayload,
  openFrameAead,
  parseFrame,
  type DecodedPayload,
  type ReplayState,
  type Sgt1Header,
  type TerminalKeys,
} from '../protocol/index.ts';
import { createBatchWriter, type BatchTicket, type BatchWriter, type FrameWrite } from './batch-writer.ts';
import { createDownlinkCounters, sealAckFor, sealCommandFor, type DownlinkCounters } from './downlink.ts';
import { createEvidenceAccumulator, type EvidenceAccumulator } from './evidence.ts';
import type { IngestRejectReason } from './reasons.ts';
import { verifyTunnelFrame } from './tunnel-step.ts';
import { createUplinkKeys, type UplinkKeys } from './key-step.ts';
import { isStorableReading, toReading } from './readings.ts';
import type { IngestReading, ReplayWindowUpdate } from './store-port.ts';
import type {
  IngestMeta,
  IngestOutcome,
  IngestPipeline,
  IngestPipelineOptions,
  IngestStats,
} from './pipeline-types.ts';

/** A frame in a batch, with what the pipeline does once its batch settles. */
type PipelineFrame = FrameWrite & {
  readonly terminal: TerminalId;
  readonly cycle: number;
  /** False for a BAD_PAYLOAD frame: its counter commits, but it is no reply. */
  readonly decoded: boolean;
};

interface State {
  o: IngestPipelineOptions;
  ev: EvidenceAccumulator;
  writer: BatchWriter<PipelineFrame>;
  downlink: DownlinkCounters;
  stats: IngestStats;
  /** `{ ok: true }` once `okBatch` commits: one promise shared by every plain frame of a batch. */
  okBatch: BatchTicket | undefined;
  okPromise: Promise<IngestOutcome> | undefined;
  /** A terminal's uplink key and window id, resolved once per key-lookup generation. */
  keys: UplinkKeys;
  /** A settled promise per rejection reason (outcomes are values; no promise per rejected frame). */
  refusals: Map<IngestRejectReason, Promise<IngestOutcome>>;
}

const OK: IngestOutcome = Object.freeze({ ok: true });

function refusal(s: State, reason: IngestRejectReason): Promise<IngestOutcome> {
  let p = s.refusals.get(reason);
  if (p === undefined) s.refusals.set(reason, (p = Promise.resolve(Object.freeze({ ok: false, reason }))));
  return p;
}

function rejectWith(
  s: State,
  reason: IngestRejectReason,
  terminal: TerminalId | null,
): Promise<IngestOutcome> {
  s.stats.rejected[reason] = (s.stats.rejected[reason] ?? 0) + 1;
  s.ev.reject(reason, terminal);
  s.writer.kick();
  return refusal(s, reason);
}

/**
 * A transport-level rejection (e.g. OVERSIZE on `gt/v1/<title>/up`): when the topic names a known
 * terminal, the request is accounted in its evidence (a request without a valid reply), so the trust
 * engine sees a terminal that keeps sending malformed traffic [trust-§6 requests vs replies].
 */
function rejectAtTransport(s: State, reason: IngestRejectReason, meta: IngestMeta): void {
  const title = meta.topicTitle as TerminalId | undefined;
  if (title === undefined || s.o.verify.lookupTerminal(title) === undefined) {
    void rejectWith(s, reason, null);
    return;
  }
  s.ev.count(title, Math.floor(s.o.verify.clock.now() / s.o.cycleMs), 'requests');
  void rejectWith(s, reason, title);
}

/** Undoes one counter after a failed commit so the sender's retry is not taken for a replay. */
function rollbackCounter(s: State, id: string, fc: number): void {
  const st = s.o.verify.replay.get(id);
  if (st === undefined || fc > st.highest || st.highest - fc >= 64) return;
  s.o.verify.replay.set(id, { highest: st.highest, bitmap: st.bitmap & ~(1n << BigInt(st.highest - fc)) });
}

/** One batch callback serves all its frames, so a throwing hook is contained to its own frame. */
function notifyAccepted(s: State, reading: IngestReading): void {
  try {
    s.o.onAccepted?.(reading);
  } catch {
    // The reading is durable and acknowledged regardless (see IngestPipelineOptions.onAccepted).
  }
}

/** Once per batch: replies and hooks after a commit, counter rollbacks after a failure. */
function settleFrames(s: State, frames: readonly PipelineFrame[], failed: boolean): void {
  for (const f of frames) {
    if (failed) rollbackCounter(s, f.windowId, f.fc);
    else if (f.decoded) {
      s.ev.count(f.terminal, f.cycle, 'replies');
      s.stats.accepted++;
      if (f.reading !== undefined) notifyAccepted(s, f.reading);
    }
  }
}

/** The direction/title/status rules of an SGT1 header: its terminal's keys, or a rejection. */
function admit(s: State, header: Sgt1Header, meta: IngestMeta, cycle: number) {
  const tid = header.terminalId;
  if (meta.topicTitle !== undefined && meta.topicTitle !== tid) return rejectWith(s, 'TITLE_MISMATCH', null);
  const terminal = s.o.verify.lookupTerminal(tid);
  if (terminal === undefined) {
    s.o.onUnknownTerminal?.(tid);
    return rejectWith(s, 'UNKNOWN_TERMINAL', null);
  }
  s.ev.count(tid, cycle, 'requests');
  if (header.dir !== DIR.UP) return rejectWith(s, 'BAD_DIRECTION', tid);
  if (s.o.isRefused?.(tid) === true) return rejectWith(s, 'QUARANTINED', tid);
  return terminal;
}

/** Steps 1–4b [SGT1-1.2]: parse, admit, key, replay check, AEAD open, window commit; then accept. */
function handle(s: State, bytes: Uint8Array, meta: IngestMeta): Promise<IngestOutcome> {
  const now = s.o.verify.clock.now();
  const cycle = Math.floor(now / s.o.cycleMs);
  const parsed = parseFrame(bytes, s.o.verify.maxFrameBytes);
  if (!parsed.ok) return rejectWith(s, parsed.reason, null);
  const header = parsed.header;
  const terminal = admit(s, header, meta, cycle);
  if (terminal instanceof Promise) return terminal;
  const tid = header.terminalId;
  if (header.suite === SUITE.DLMS_TUNNEL) return handleTunnel(s, bytes, { header, tid, cycle });
  const resolved = s.keys.of(header, terminal);
  if (!('key' in resolved)) return rejectWith(s, resolved.reason, tid);
  const { key, id } = resolved;
  const state = s.o.verify.replay.get(id) ?? EMPTY_REPLAY_STATE;
  if (!checkCounter(state, header.fc, SGT1_WINDOW).ok) return replayed(s, header, { tid, cycle, id });
  const x: Frame = { tid, cycle, now, id, terminal, state, next: state, plaintext: NO_PLAINTEXT };
  if (s.o.openFrame === undefined)
    return opened(s, header, x, openFrameAead(key.keyObject, header.suite, parsed.frame));
  return s.o.openFrame(key.key, header.suite, parsed.frame).then((pt) => {
    // Another copy may have been accepted while this one was being opened: read the window again.
    x.state = s.o.verify.replay.get(id) ?? EMPTY_REPLAY_STATE;
    return opened(s, header, x, pt);
  });
}

/** One frame between its admission and its batch (one object, filled in as the steps go). */
interface Frame {
  tid: TerminalId;
  cycle: number;
  now: UnixMillis;
  id: string;
  terminal: TerminalKeys;
  /** The window as of the open (read again after an asynchronous open). */
  state: ReplayState;
  /** The window after this frame's counter (set by the commit). */
  next: ReplayState;
  plaintext: Buffer;
}

const NO_PLAINTEXT = Buffer.alloc(0);
/** A decoded reading the store would refuse (its ms timestamp or a value out of range). */
const UNSTORABLE: DecodedPayload = Object.freeze({
  ok: false,
  reason: 'BAD_PAYLOAD',
  detail: 'a value the store cannot hold',
});

/**
 * Steps 4–4b after the open. With an asynchronous opener the window was read again (another copy of
 * the same frame may have been accepted meanwhile), and only the first copy to get here commits; a
 * synchronous open leaves no room for another copy, so its first read still holds.
 */
function opened(s: State, header: Sgt1Header, x: Frame, plaintext: Buffer | undefined) {
  if (plaintext === undefined) {
    s.ev.count(x.tid, x.cycle, 'integrityFailures');
    return rejectWith(s, 'BAD_TAG', x.tid);
  }
  if (!checkCounter(x.state, header.fc, SGT1_WINDOW).ok) return replayed(s, header, x);
  x.next = commitReplay(header, x.state, s.o.verify.replay, x.id);
  x.plaintext = plaintext;
  return accept(s, header, x);
}

/** A counter already accepted: a resend of a frame still being committed waits for that commit. */
function replayed(s: State, header: Sgt1Header, x: { tid: TerminalId; cycle: number; id: string }) {
  s.ev.count(x.tid, x.cycle, 'duplicates');
  const first = s.writer.holding(x.id, header.fc);
  if (first === undefined) return rejectWith(s, 'REPLAY', x.tid);
  return first.committed.then(() => rejectWith(s, 'REPLAY', x.tid));
}

/** Decode → evidence → join this turn's batch; the outcome settles once that batch is durable. */
function accept(s: State, header: Sgt1Header, x: Frame): Promise<IngestOutcome> {
  const tid = header.terminalId;
  let decoded = decodeFramePayload(header, x.plaintext);
  let reading: IngestReading | undefined;
  if (decoded.ok && decoded.telemetry !== undefined) {
    const r = toReading(header, decoded.telemetry, x.now);
    if (isStorableReading(r)) {
      reading = r;
      accountDelay(s, tid, x.cycle, x.now - r.ts);
    } else decoded = UNSTORABLE;
  }
  const ack = decoded.ok && header.ackReq ? sealAckFor(s, header, x.terminal) : undefined;
  // A reading carries its own counter (ADR 0009); a frame without one sends its window instead.
  // Both literals written out (not spread from a common part): one object shape each, per frame.
  const also = ack?.update;
  const ticket = s.writer.join(
    reading !== undefined
      ? { windowId: x.id, fc: header.fc, also, terminal: tid, cycle: x.cycle, reading, decoded: true }
      : {
          windowId: x.id,
          fc: header.fc,
          also,
          terminal: tid,
          cycle: x.cycle,
          update: windowAfter(header, x.next),
          decoded: decoded.ok,
        },
  );
  if (!decoded.ok) return ticket.committed.then(() => rejectWith(s, decoded.reason, tid));
  if (ack !== undefined) return ticket.committed.then(() => ({ ok: true, reply: ack.reply }));
  if (s.okBatch !== ticket) {
    s.okBatch = ticket;
    s.okPromise = ticket.committed.then(() => OK);
  }
  return s.okPromise!;
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
  return OK;
}

function windowAfter(header: Sgt1Header, state: ReplayState): ReplayWindowUpdate {
  return { terminal: header.terminalId, purpose: header.purpose, dir: 0, version: header.keyVersion, state };
}

/** One reporting interval (15 min) + 5 min: how old an honest pushed record can be [SGT1-7.2]. */
const LATE_AFTER_MS = 1_200_000;

/** Age of a record on arrival; future-dated records (a sender clock ahead) are not a lateness. */
function accountDelay(s: State, tid: TerminalId, cycle: number, delayMs: number): void {
  if (delayMs < 0) return;
  s.ev.delay(tid, cycle, delayMs, delayMs > (s.o.lateAfterMs ?? LATE_AFTER_MS));
}

/**
 * Creates the pipeline. The window is checked before the open and checked and committed again right
 * after it, synchronously, so two frames with the same (terminal, key, fc) can never both pass, even
 * with an asynchronous opener; the store's unique (terminal, purpose, version, fc) key is the second
 * line of defence.
 */
export function createIngestPipeline(o: IngestPipelineOptions): IngestPipeline {
  const ev = createEvidenceAccumulator();
  const stats: IngestStats = { accepted: 0, rejected: {}, commits: 0, committedFrames: 0 };
  const writer = createBatchWriter<PipelineFrame>({
    store: o.store,
    evidence: ev,
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(o.maxBatch ? { maxBatch: o.maxBatch } : {}),
    onCommit: (n) => {
      stats.commits++;
      stats.committedFrames += n;
    },
    onSettled: (frames, failed) => settleFrames(s, frames, failed),
    ...(o.onEvidence ? { onEvidence: o.onEvidence } : {}),
  });
  const s: State = {
    o,
    ev,
    writer,
    downlink: createDownlinkCounters(o.downlinkSeed ?? []),
    stats,
    okBatch: undefined,
    okPromise: undefined,
    refusals: new Map(),
    keys: createUplinkKeys(o.verify, o.keysGeneration),
  };
  return {
    handleFrame(frame, meta) {
      try {
        return handle(s, frame, meta);
      } catch (e) {
        // Rejects with exactly what was thrown, as an async function would.
        return Promise.resolve().then(() => {
          throw e;
        });
      }
    },
    recordRejection: (reason, meta) => rejectAtTransport(s, reason, meta),
    stats: () => ({ ...stats, rejected: { ...stats.rejected } }),
    flush: () => writer.flush(),
    sealDownlinkFor: (terminal, d) => sealCommandFor(s, terminal, d),
  };
}
