// The messages between the platform and its ingest thread (ingest-thread-worker.ts, ADR 0010).
import type { TerminalId } from '../core/index.ts';
import type {
  EvidenceIncrement,
  IngestReading,
  IngestRejectReason,
  IngestStats,
  ReplayWindowUpdate,
} from '../ingest/index.ts';
import type { CTYPE } from '../protocol/index.ts';
import type { TerminalEntry } from './terminal-cache.ts';

/** What the ingest thread starts with. */
export interface IngestThreadInit {
  /** The platform clock at start (each message then brings its own reading). */
  readonly now: number;
  /** Warmed uplink replay windows: [window id, highest, bitmap]. */
  readonly windows: readonly (readonly [string, number, bigint])[];
  /** Persisted downlink counters (dir 1). */
  readonly downlink: readonly ReplayWindowUpdate[];
  readonly terminals: readonly TerminalEntry[];
  readonly cycleMs: number;
  readonly maxFrameBytes: number;
  readonly maxBatch: number;
}

/**
 * The frames of one turn of the transports, in one transferred buffer: per frame a u32 length (big
 * endian; a frame may be larger than any valid one, the pipeline rejects it) and the frame; `titles[i]` is the MQTT topic's title of frame i (none for CoAP).
 */
export interface FramesMessage {
  readonly t: 'frames';
  readonly id: number;
  /** The platform clock when the frames were sent (the thread's clock for them). */
  readonly now: number;
  readonly n: number;
  readonly buf: ArrayBuffer;
  readonly titles: readonly (string | undefined)[];
}

export type SealRequest = {
  ctype: typeof CTYPE.COMMAND | typeof CTYPE.COMMAND_RESULT;
  body: unknown;
  version?: number;
};

export type ToIngestThread =
  | FramesMessage
  | { readonly t: 'terminals'; readonly entries: readonly TerminalEntry[] }
  | {
      readonly t: 'rejects';
      /**
       * Numbers the platform's transport rejections, 1, 2, … : the last one in this message (see
       * ThreadNews.rejectsSeen). One message per turn carries the totals, never one per rejection.
       */
      readonly seq: number;
      /** [reason, topic title or null, how many]. */
      readonly counts: readonly (readonly [IngestRejectReason, string | null, number])[];
      readonly now: number;
    }
  | { readonly t: 'flush'; readonly id: number; readonly now: number }
  | { readonly t: 'seal'; readonly id: number; readonly terminal: TerminalId; readonly seal: SealRequest };

/** Outcome codes of {@link DoneMessage}; the side arrays hold, in frame order, what a code needs. */
export const CODE = { OK: 0, REPLY: 1, REJECTED: 2, FAILED: 3 } as const;

/** What became of one {@link FramesMessage}, with what the platform needs to know since the last one. */
export interface DoneMessage {
  readonly t: 'done';
  readonly id: number;
  readonly codes: Int32Array;
  /** The ack frame of each REPLY. */
  readonly replies: readonly Uint8Array[];
  /** The reason of each REJECTED. */
  readonly reasons: readonly IngestRejectReason[];
  /** The error message of each FAILED (not acknowledged; the transport logs it). */
  readonly errors: readonly string[];
  readonly news: ThreadNews;
}

/** Sent with every answer: readings accepted (for the bus), unknown titles seen, current stats. */
export interface ThreadNews {
  readonly readings: readonly IngestReading[];
  /** Evidence deltas committed since the last answer (for the bus). */
  readonly evidence: readonly EvidenceIncrement[];
  readonly unknown: readonly TerminalId[];
  readonly stats: IngestStats;
  /** The last `reject` message counted in `stats`. */
  readonly rejectsSeen: number;
}

export type FromIngestThread =
  | DoneMessage
  | { readonly t: 'flushed'; readonly id: number; readonly news: ThreadNews }
  | {
      readonly t: 'sealed';
      readonly id: number;
      /** The sealed frame or UNKNOWN_TERMINAL; `error` instead when its counter could not be committed. */
      readonly result?: { ok: true; frame: Uint8Array } | { ok: false; reason: 'UNKNOWN_TERMINAL' };
      readonly error?: string;
      readonly news: ThreadNews;
    };
