// Shared kernel used by every area: clock, seeded random, branded types, base error.
export type { Clock, ManualClock } from './clock.ts';
export { createManualClock } from './clock.ts';
export type { Random } from './random.ts';
export { createRandom } from './random.ts';
export type {
  Brand,
  UnixMillis,
  UnixSeconds,
  WattHours,
  Joules,
  TerminalId,
  TenantId,
  KeyVersion,
} from './brand.ts';
export type { ErrorCode, GridtrustErrorOptions } from './errors.ts';
export { GridtrustError, isGridtrustError } from './errors.ts';
export type { TsWorkerOptions } from './ts-worker.ts';
export { loadTsModule, startTsWorker } from './ts-worker.ts';
