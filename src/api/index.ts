// Public entry of the api area: the minimal HTTP server and the Prometheus renderer.
export { startApi, buildApiApp } from './server.ts';
export type { ApiDeps, ApiOptions, ApiReading, ApiServer } from './server.ts';
export { toPrometheusText } from './metrics.ts';
export type { MetricFamily } from './metrics.ts';
