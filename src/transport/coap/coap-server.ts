// CoAP/UDP listener (node-coap): `POST /t` with one SGT1 frame; 2.04 after commit, 4.xx + reason otherwise.
import type { Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { FrameSink, FrameMeta, Listener, TransportRejection } from '../port.ts';
import { COAP_OK, COAP_UNAVAILABLE, toCoapCode } from '../wire-codes.ts';
import { TransportError } from '../errors.ts';
import { createTransportCounters, type TransportCounters } from '../counters.ts';
import { createRateLimiter } from '../rate-limit.ts';
import { checkDatagram } from './datagram-guard.ts';

/** Limits of the CoAP listener (every one counted in /metrics when hit). */
export interface CoapLimits {
  /** Datagrams per second per source address (sustained; burst = 2×). @default 1000 */
  ratePerSource?: number;
  /** Uplinks waiting for their commit at once; beyond it the answer is 5.03 at once. @default 4096 */
  maxInFlight?: number;
  /** Bytes of node-coap's response cache; retransmission state of separate responses lives there and an evicted one stops retrying. @default 4 MiB */
  responseCacheBytes?: number;
  /** Largest Block1/Block2 number accepted [RFC7959]. @default 64 */
  maxBlockNumber?: number;
  /** Most source addresses the rate limiter tracks. @default 65536 */
  maxSources?: number;
  /** Block-wise (Block1) transfers being reassembled at once; the oldest is dropped beyond it. @default 1024 */
  maxBlockTransfers?: number;
}

/** Options of {@link startCoapServer}. */
export interface CoapServerOptions {
  sink: FrameSink;
  /** UDP port; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Largest accepted body in bytes. @default 1024 */
  maxPayload?: number;
  limits?: CoapLimits;
  /** Counted events (`coap`): response_error, server_error, rate_limited, busy, dropped_*. */
  counters?: TransportCounters;
  onError?: (e: unknown) => void;
}

/** The resource path terminals POST frames to. */
export const COAP_UPLINK_PATH = '/t';

function respond(res: OutgoingMessage, code: string, body?: Uint8Array | string): void {
  res.code = code;
  res.end(body === undefined ? undefined : Buffer.from(body));
}

function reject(sink: FrameSink, res: OutgoingMessage, reason: TransportRejection, meta: FrameMeta): void {
  sink.recordRejection(reason, meta);
  respond(res, toCoapCode(reason), reason);
}

function handlerWith(opts: CoapServerOptions, counters: TransportCounters) {
  const maxPayload = opts.maxPayload ?? 1024;
  const maxInFlight = opts.limits?.maxInFlight ?? 4096;
  let inFlight = 0;
  return (req: IncomingMessage, res: OutgoingMessage): void => {
    // A separate response the client never acknowledges ends in node-coap's RetrySendError, emitted
    // on the response: without a listener it would crash the process (issue #16).
    res.on('error', () => counters.inc('response_error'));
    const meta: FrameMeta = { transport: 'coap', peer: `${req.rsinfo.address}:${req.rsinfo.port}` };
    const path = (req.url ?? '').split('?')[0];
    if (path !== COAP_UPLINK_PATH) return reject(opts.sink, res, 'BAD_PATH', meta);
    if (req.method !== 'POST') return reject(opts.sink, res, 'BAD_METHOD', meta);
    if (req.payload.length > maxPayload) return reject(opts.sink, res, 'OVERSIZE', meta);
    if (inFlight >= maxInFlight) {
      counters.inc('busy');
      return respond(res, COAP_UNAVAILABLE, 'RETRY');
    }
    inFlight++;
    opts.sink.handleFrame(req.payload, meta).then(
      (out) => {
        inFlight--;
        if (out.ok) respond(res, COAP_OK, out.reply);
        else respond(res, toCoapCode(out.reason), out.reason);
      },
      (e: unknown) => {
        inFlight--;
        opts.onError?.(e);
        respond(res, COAP_UNAVAILABLE, 'RETRY');
      },
    );
  };
}

/** The two node-coap internals the guard relies on (checked: without them the server refuses to start). */
interface CoapInternals {
  _sock: Socket | null;
  _sendError: (payload: Buffer, rsinfo: unknown, packet?: unknown, code?: string) => void;
  _block1Cache: {
    _cache: Map<string, unknown>;
    add: (key: string, v: unknown) => void;
    remove: (key: string) => boolean;
  };
}

/** Bounds node-coap's Block1 reassembly cache (otherwise bounded only by its 247 s lifetime). */
function boundBlockCache(s: CoapInternals, max: number, counters: TransportCounters): void {
  const cache = s._block1Cache;
  const add = cache.add.bind(cache);
  cache.add = (key, v) => {
    if (!cache._cache.has(key) && cache._cache.size >= max) {
      cache.remove(cache._cache.keys().next().value as string);
      counters.inc('block_evicted');
    }
    add(key, v);
  };
}

/**
 * Puts the datagram guard and the per-source rate limit in front of node-coap's parser, and keeps
 * node-coap's internal exception text from reaching clients (its 5.00 answers carried `err.message`).
 */
function guardSocket(server: Server, opts: CoapServerOptions, counters: TransportCounters): void {
  const s = server as unknown as CoapInternals;
  const sock = s._sock;
  const listeners = sock?.listeners('message') ?? [];
  const original = listeners[0] as ((m: Buffer, r: { address: string }) => void) | undefined;
  if (
    sock === null ||
    listeners.length !== 1 ||
    original === undefined ||
    !(s._block1Cache?._cache instanceof Map)
  ) {
    throw new TransportError('GT_ERR_TRANSPORT_LISTEN', 'this node-coap version cannot be guarded', {
      hint: 'install the node-coap version in package-lock.json',
    });
  }
  const sendError = s._sendError.bind(server);
  s._sendError = (_payload, rsinfo, packet, code) => {
    counters.inc('internal_error');
    sendError(Buffer.from('BAD_REQUEST'), rsinfo, packet, code === '5.00' ? '4.00' : code);
  };
  const lim = opts.limits ?? {};
  boundBlockCache(s, lim.maxBlockTransfers ?? 1024, counters);
  const maxPayload = opts.maxPayload ?? 1024;
  const guard = {
    maxDatagramBytes: maxPayload + 128,
    maxBlockNumber: lim.maxBlockNumber ?? 64,
    maxBlockBytes: maxPayload,
  };
  const perSecond = lim.ratePerSource ?? 1000;
  const rate = createRateLimiter({
    perSecond,
    burst: 2 * perSecond,
    maxSources: lim.maxSources ?? 65_536,
    now: () => performance.now(),
  });
  sock.removeAllListeners('message');
  sock.on('message', (msg: Buffer, rinfo: { address: string }) => {
    if (!rate.take(rinfo.address)) return counters.inc('rate_limited');
    const verdict = checkDatagram(msg, guard);
    if (verdict !== 'ok') return counters.inc(`dropped_${verdict}`);
    try {
      original(msg, rinfo);
    } catch {
      counters.inc('internal_error'); // node-coap throws on some block sequences; the datagram is dropped
    }
  });
}

/**
 * Starts a CoAP server [RFC7252]. Responses wait for the durable commit; node-coap answers
 * retransmissions of the same message id from its cache, so a retransmitted CON is not ingested twice.
 */
export async function startCoapServer(opts: CoapServerOptions): Promise<Listener> {
  const counters = opts.counters ?? createTransportCounters('coap');
  // piggybackReplyMs: give the group commit time so the answer rides on the ACK [RFC7252-5.2.1].
  const server: Server = createServer(
    {
      piggybackReplyMs: 500,
      type: 'udp4',
      reuseAddr: false,
      cacheSize: opts.limits?.responseCacheBytes ?? 4 * 1024 * 1024,
    },
    handlerWith(opts, counters),
  );
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, rejectP) => {
    server.once('error', (e) =>
      rejectP(
        new TransportError('GT_ERR_TRANSPORT_LISTEN', `cannot listen for CoAP on ${host}:${opts.port ?? 0}`, {
          hint: 'choose another --coap-port, or 0 for a free port',
          cause: e,
        }),
      ),
    );
    server.listen(opts.port ?? 0, host, () => {
      const sock = server._sock;
      resolve(sock !== null && 'address' in sock ? sock.address().port : (opts.port ?? 0));
    });
  });
  // After listening: socket errors (e.g. ICMP unreachable for a gone client) are counted, never fatal.
  server.on('error', () => counters.inc('server_error'));
  guardSocket(server, opts, counters);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
