// Public entry of the api area: the REST API (/api/v1), its auth, live events, state and the Prometheus renderer.
export { startApi, isLoopback } from './server.ts';
export type { ApiOptions, ApiServer } from './server.ts';
export { buildApiApp } from './app.ts';
export type { ApiAppOptions, ApiDeps, ApiReading, ApiStore } from './deps.ts';
export { toPrometheusText } from './metrics.ts';
export type { MetricFamily } from './metrics.ts';
export { ApiError, HttpError, HTTP_STATUS } from './errors.ts';
export type { ApiErrorCode, HttpErrorCode } from './errors.ts';
export { createAuthService } from './auth/auth-service.ts';
export type { AuthService, Principal, UserView } from './auth/auth-service.ts';
export { ROLES, isRole } from './auth/roles.ts';
export type { Role } from './auth/roles.ts';
export { createEventHub } from './events/hub.ts';
export type { EventHub, LiveEvent, LiveEventType } from './events/hub.ts';
export { createMemoryApiState } from './state/memory-state.ts';
export { openSqliteApiState, API_STATE_FILE } from './state/sqlite-state.ts';
export type { ApiState, TrustHistoryEntry } from './state/port.ts';
export { toTrustHistory } from './trust-history.ts';
