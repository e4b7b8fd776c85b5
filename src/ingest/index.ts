// Public entry of the ingest area: the pipeline as pure steps, evidence accounting, group commit, downlink.
export type { IngestOnlyReason, IngestRejectReason } from './reasons.ts';
export { INGEST_REASONS } from './reasons.ts';
export type {
  IngestBatch,
  IngestReading,
  IngestStore,
  PersistedReplayState,
  ReplayWindowUpdate,
  EvidenceIncrement,
  RejectIncrement,
} from './store-port.ts';
export { toReading } from './readings.ts';
export { createEvidenceAccumulator } from './evidence.ts';
export type { EvidenceAccumulator } from './evidence.ts';
export { createBatchWriter } from './batch-writer.ts';
export type { BatchWriter, BatchWriterOptions, WriteItem } from './batch-writer.ts';
export { createDownlinkCounters, sealDownlink, ackBody } from './downlink.ts';
export type { DownlinkCounters, DownlinkSealOptions } from './downlink.ts';
export { createIngestPipeline } from './pipeline.ts';
export { TUNNEL_WINDOW_PURPOSE, verifyTunnelFrame, windowIdOf } from './tunnel-step.ts';
export type { TunnelStep } from './tunnel-step.ts';
export type {
  FrameOpener,
  IngestMeta,
  IngestOutcome,
  IngestPipeline,
  IngestPipelineOptions,
  IngestStats,
} from './pipeline-types.ts';
