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
