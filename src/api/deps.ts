// What the API reads from and acts on; the platform wires these to the store, pipeline and trust monitor.
import type { Store } from '../storage/index.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { EventHub } from './events/hub.ts';
import type { TrustHistoryState } from './state/port.ts';

/** One stored reading as the legacy `/readings` route returns it. */
export interface ApiReading {
  terminal: string;
  at: number;
  [field: string]: unknown;
}

/** The store reads (and the audit append) the API uses. */
export type ApiStore = Pick<
  Store,
  | 'listTerminals'
  | 'getTerminal'
  | 'listKeys'
  | 'queryReadings'
  | 'aggregateReadings'
  | 'getRejectCounts'
  | 'getEvidence'
  | 'listAudit'
  | 'verifyAudit'
  | 'appendAudit'
>;

export interface ApiDeps {
  health(): { status: 'ok' | 'degraded'; [k: string]: unknown };
  /** The Prometheus text exposition (format 0.0.4). */
  metricsText(): string;
  store: ApiStore;
  auth: AuthService;
  trust: TrustHistoryState;
  events: EventHub;
  /** Accepted and rejected frame counters since start. */
  ingestStats(): { accepted: number; rejected: Readonly<Record<string, number>> };
  /** Operator reinstatement through the trust monitor (audited there); false when unknown. */
  reinstate(id: string, actor: string, reason: string): Promise<boolean>;
  /** Time of the newest accepted reading of a terminal since start. */
  lastSeen(id: string): number | undefined;
  now(): number;
  log(line: string): void;
}

/** Options of the app beyond its deps. */
export interface ApiAppOptions {
  /** Require a token (viewer) on /metrics. @default false */
  protectMetrics?: boolean;
  /** Secure attribute on the session cookie (set when serving TLS). @default false */
  secureCookies?: boolean;
  /** Directory of the built dashboard (index.html, app.js, app.css); none = no dashboard. */
  webDir?: string;
  /** PEM certificate and key (HTTPS). */
  https?: { cert: string | Buffer; key: string | Buffer };
}
