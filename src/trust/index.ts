// Public entry of the trust area: DTMS (paper), baselines, the robust detector, engine and experiments.
export * from './types.ts';
export { TrustError, type TrustErrorCode } from './errors.ts';
export { DEFAULT_DTMS_PARAMS, resolveDtmsParams, type DtmsParams, type DtmsSwitches } from './params.ts';
export * from './equations.ts';
export { createPaperScheme, DTMS_OVERHEAD, type PaperSchemeOptions } from './paper.ts';
export { medianInPlace, meanCi, quantile } from './stats.ts';
export { llrThreshold, normalCusumThreshold, normalQuantile, targetArl } from './adaptive.ts';
export { createRobustScheme, DEFAULT_ROBUST_PARAMS, ROBUST_OVERHEAD, type RobustParams } from './robust.ts';
export { createBrsScheme, type BrsOptions } from './baselines/brs.ts';
export { createSlScheme, discount, toOpinion, type Opinion } from './baselines/sl.ts';
export { createTdtcScheme, RECOMMENDATION_OVERHEAD } from './baselines/tdtc.ts';
export { createPeerP99Scheme, DEFAULT_PEER_P99_PARAMS, type PeerP99Params } from './baselines/peer-p99.ts';
export { DEFAULT_BASELINE_PARAMS, expectation, type BaselineParams } from './baselines/beta.ts';
export { createScheme, toSchemeName, type SchemeParams } from './schemes.ts';
export { runTrial, type TrialOptions, type TrialResult, type TrialWorld } from './trial.ts';
export {
  aggregateTrials,
  calibrateThresholds,
  calibrationSeed,
  evaluationSeed,
  type ExperimentCell,
  type ExperimentConfig,
} from './experiment.ts';
export {
  parseEvidenceLine,
  type EvidenceParse,
  type EvidenceRecord,
  type EvidenceRejection,
} from './evidence.ts';
export {
  createTrustEngine,
  type Explanation,
  type TrustDecision,
  type TrustEngine,
  type TrustEngineOptions,
} from './engine.ts';
export { evidenceFromCounters, type EvidenceCounters } from './counters.ts';
export {
  createOnlineTrust,
  flagAudit,
  scorePartitionCycle,
  type CycleDecisions,
  type EvidenceMessage,
  type FlaggedTerminal,
  type OnlineTrust,
  type OnlineTrustOptions,
  type OnlineTrustStats,
} from './online/online-trust.ts';
