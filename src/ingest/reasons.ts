// Every reason the ingestion pipeline rejects a request for: the protocol's plus the transport/ingest ones.
import type { RejectReason } from '../protocol/index.ts';

/** Rejections found before or around frame verification (topic, method, path, direction, status). */
export type IngestOnlyReason = 'BAD_TOPIC' | 'BAD_METHOD' | 'BAD_PATH' | 'BAD_DIRECTION' | 'QUARANTINED';

/** The closed set of reasons counted by the pipeline [SGT1-1.2 receiver rules: "count metric"]. */
export type IngestRejectReason = RejectReason | IngestOnlyReason;

/** Meaning of the ingest-only reasons (the protocol's are in REJECT_REASONS). */
export const INGEST_REASONS: Readonly<Record<IngestOnlyReason, string>> = {
  BAD_TOPIC: 'MQTT topic is not gt/v1/<16 lower-case hex digits>/up',
  BAD_METHOD: 'CoAP request method is not POST',
  BAD_PATH: 'CoAP request path is not /t',
  BAD_DIRECTION: 'a downlink (dir = 1) frame was sent to the uplink',
  QUARANTINED: 'the terminal is quarantined or retired; its frames are refused',
};
