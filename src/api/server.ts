// Starts the HTTP(S) listener of the API; refuses a non-loopback address without TLS.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import { buildApiApp } from './app.ts';
import type { ApiAppOptions, ApiDeps } from './deps.ts';

/** Options of {@link startApi}. */
export interface ApiOptions extends ApiAppOptions {
  deps: ApiDeps;
  /** @default 0 (free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** PEM certificate and key: serve HTTPS (sets Secure on the session cookie). */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** A running API: its port, base URL and close. */
export interface ApiServer {
  readonly port: number;
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Starts the API. Authentication is always on; a non-loopback host needs `tls`. */
export async function startApi(opts: ApiOptions): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && opts.tls === undefined)
    throw new ApiError('GT_ERR_API_INSECURE_LISTEN', `refusing to serve HTTP on ${host} without TLS`, {
      hint: 'set httpTlsCert and httpTlsKey (or httpTls: "self-signed"), or listen on 127.0.0.1',
    });
  const app = buildApiApp(opts.deps, {
    ...opts,
    secureCookies: opts.tls !== undefined,
    ...(opts.tls !== undefined ? { https: opts.tls } : {}),
  });
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : (opts.port ?? 0);
  const shown = host.includes(':') ? `[${host}]` : host;
  return { port, url: `${opts.tls ? 'https' : 'http'}://${shown}:${port}`, app, close: () => app.close() };
}
