// The ingestion pipeline's public types: request metadata, outcomes, options, stats and the pipeline itself.
import type { TerminalId } from '../core/index.ts';
import type { CTYPE, Suite, VerifyContext } from '../protocol/index.ts';
import type { IngestRejectReason } from './reasons.ts';
import type { EvidenceIncrement, IngestReading, IngestStore, ReplayWindowUpdate } from './store-port.ts';

/** Where a request came from (mirrors the transport port's FrameMeta). */
export interface IngestMeta {
  transport: string;
  /** Title named by the MQTT topic; must equal the frame's title. */
  topicTitle?: string;
  peer?: string;
}

/** Outcome of one frame: committed (with an optional ack frame to send back) or rejected. */
export type IngestOutcome = { ok: true; reply?: Uint8Array } | { ok: false; reason: IngestRejectReason };

/**
 * Opens an SGT1 frame of suite 0x01/0x02 under its 16-byte K_use: the plaintext, or undefined when the
 * tag does not verify. The platform passes one that runs on a worker thread; without it the pipeline
 * opens frames itself, synchronously.
 */
export type FrameOpener = (key: Uint8Array, suite: Suite, frame: Buffer) => Promise<Buffer | undefined>;

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
  /**
   * A reading received more than this after its measurement time counts as late. Terminals push, and
   * an iTTU uploads its one-minute samples once per 15-minute reporting interval, so honest records are
   * up to one interval old on arrival: the default is that interval plus 5 minutes. @default 1200000
   */
  lateAfterMs?: number;
  schedule?: (fn: () => void) => void;
  maxBatch?: number;
  /**
   * A number that changes whenever `verify`'s terminal or key lookups may answer differently (a
   * terminal, key or key state loaded or changed). While it stays the same, the pipeline reuses a
   * terminal's resolved active key instead of resolving it per frame. @default none: resolve per frame
   */
  keysGeneration?: () => number;
  /** Asynchronous AEAD open (e.g. on a worker thread). @default synchronous openFrameAead */
  openFrame?: FrameOpener;
  /** Called when a well-formed frame names a terminal the lookup does not know (e.g. to reload it). */
  onUnknownTerminal?: (terminal: TerminalId) => void;
  /**
   * Called after each accepted reading is durable (e.g. to publish it on the bus), once its batch
   * committed. Must not throw: an exception is ignored (the frame is acknowledged all the same).
   */
  onAccepted?: (reading: IngestReading) => void;
  /**
   * Called after each durable commit with the per-terminal evidence deltas it stored (e.g. to publish
   * them on the bus for the online trust engine). Must not throw.
   */
  onEvidence?: (deltas: readonly EvidenceIncrement[]) => void;
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
