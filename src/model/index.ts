// Public entry of the model: the types several areas exchange, with their validating constructors.
export { ModelError, type ModelErrorCode } from './errors.ts';
export { DIRECT_PARTITION, parseTerminalId, partitionOf, toTerminalId } from './terminal.ts';
export {
  EVIDENCE_COUNTER_FIELDS,
  emptyEvidence,
  sumEvidence,
  type EvidenceCounterField,
  type EvidenceCounters,
} from './evidence.ts';
export type { ReplayKey, ReplayState, ReplayWindowUpdate } from './replay.ts';
export { KEY_STATES, type KeyState } from './key-state.ts';
