// Public entry of the analytics area: cleaning, daily curves, k-means, k selection, flexibility, forecasting.
export { AnalyticsError, type AnalyticsErrorCode } from './errors.ts';
export type { Season, DayType, DayCalendar } from './calendar.ts';
export { SEASONS, DAY_TYPES, createDayCalendar, englandBankHolidays, seasonOfMonth } from './calendar.ts';
export type {
  LoadTable,
  Normalisation,
  PrepareOptions,
  IntervalInfo,
  CleaningReport,
  DailyCurves,
} from './preprocess.ts';
export { detectInterval, interpolateSmallGaps, normaliseCurve, percentile, DAY, HOUR } from './preprocess.ts';
export { prepareDailyCurves } from './daily-curves.ts';
export type { Matrix } from './kmeans-kernel.ts';
export type { KmeansAlgorithm, KmeansExecutor } from './kmeans-pool.ts';
export { createInlineExecutor, createWorkerExecutor } from './kmeans-pool.ts';
export type { KmeansOptions, KmeansResult, CurveMatrix } from './kmeans.ts';
export { runKmeans, kmeansPlusPlus } from './kmeans.ts';
export type {
  FlexibilityOptions,
  FlexibilityResult,
  CustomerFlexibility,
  ClusterFlexibility,
} from './flexibility.ts';
export { evaluateFlexibility, flexibilityByCluster } from './flexibility.ts';
export type { KCandidate, KSelection } from './kselect.ts';
export { daviesBouldin, silhouette, elbow, chooseK } from './kselect.ts';
export type { CrossTab, PatternSummary } from './patterns.ts';
export { summarisePatterns, seasonSubset } from './patterns.ts';
export type { SeasonalSeries, Pair } from './forecast-features.ts';
export { FEATURES } from './forecast-features.ts';
export type { Regressor } from './regressor.ts';
export { createRidgeRegressor } from './regressor.ts';
export type { MlpOptions, TfRuntime } from './tf-mlp.ts';
export { createMlpRegressor, createTfRuntime } from './tf-mlp.ts';
export type { ForecastMetrics, FitOptions, RollingResult } from './forecast.ts';
export { forecastMetrics, seasonalNaive, forecastFromOrigin, rollingOrigin } from './forecast.ts';
export { LAG_FEATURES } from './forecast-features.ts';
export { createHybridRegressor, createEnsembleRegressor } from './regressor.ts';
export type { DshwParams } from './dshw.ts';
export { fitDshw, dshwPredict, dshwSse, nelderMead } from './dshw.ts';
export type { ForecastMethod, ValidationScore, RegressorMethodOptions } from './forecast-models.ts';
export {
  combineMethods,
  dshwMethod,
  innerValidation,
  meanMapeByLead,
  naiveWeekMethod,
  regressorMethod,
  rollingEvaluation,
  rollingPairs,
} from './forecast-models.ts';
export type { ModelName, CatalogOptions, Selection } from './forecast-catalog.ts';
export { AUTO_CANDIDATES, MODEL_NAMES, createMethod, selectModel } from './forecast-catalog.ts';
export type { TrustMode, TrustOptions, TrustReport, TrustedData } from './trust-filter.ts';
export {
  DISTRUSTED_ESTIMATE_ID,
  applyTrust,
  parseTrustScores,
  trustedTotal,
  withEstimateColumn,
} from './trust-filter.ts';
export type { QuantileModel } from './quantiles.ts';
export { DEFAULT_LEVELS, calibrateQuantiles, probabilisticScores, quantileBands } from './quantiles.ts';
export type { NeuralOptions } from './neural.ts';
export { neuralMethod } from './neural.ts';
export type { FdiAttack, FdiOptions } from './fdi.ts';
export { FDI_ATTACKS, centreDistance, injectFdi } from './fdi.ts';
