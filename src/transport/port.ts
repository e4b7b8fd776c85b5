// The transport-neutral port every listener calls: one SGT1 frame in, an outcome out.

/** Where a frame came from; used for accounting and for the topic/title consistency rule. */
export type TransportKind = 'mqtt' | 'coap' | 'mqtt-gateway' | 'direct';

/** Metadata a transport attaches to one received frame. */
export interface FrameMeta {
  transport: TransportKind;
  /** The system title named by the MQTT topic (lower-case hex), if the transport has one. */
  topicTitle?: string;
  /** Peer label for logs (client id or address); never used for authentication. */
  peer?: string;
}

/**
 * The outcome of handling one frame. `ok: true` means the frame is durably committed; `ok: false`
 * carries the rejection reason (a closed set owned by the ingest area, passed here as a string so
 * transports stay independent of it). Infrastructure faults are thrown, never returned: the
 * transport then withholds its acknowledgement so that the sender retries.
 */
export type FrameOutcome =
  | { ok: true; /** An optional downlink frame (ctype 0x04 ack) to send back. */ reply?: Uint8Array }
  | { ok: false; reason: string };

/** Rejections a transport finds before there is a frame to verify (counted like frame rejections). */
export type TransportRejection = 'BAD_TOPIC' | 'BAD_METHOD' | 'BAD_PATH' | 'OVERSIZE';

/** What every transport calls; the ingest pipeline implements it. */
export interface FrameSink {
  /** Handles one uplink frame end to end (verify, store, account). Throws on infrastructure faults. */
  handleFrame(frame: Uint8Array, meta: FrameMeta): Promise<FrameOutcome>;
  /** Counts a request rejected by the transport itself (wrong topic, method or path). */
  recordRejection(reason: TransportRejection, meta: FrameMeta): void;
}

/** A started listener: its bound port and a close that releases every socket. */
export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}
