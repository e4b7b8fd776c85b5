// CoAP/UDP listener (node-coap): `POST /t` with one SGT1 frame; 2.04 after commit, 4.xx + reason otherwise.
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { FrameSink, FrameMeta, Listener, TransportRejection } from '../port.ts';
import { COAP_OK, COAP_UNAVAILABLE, toCoapCode } from '../wire-codes.ts';
import { TransportError } from '../errors.ts';

/** Options of {@link startCoapServer}. */
export interface CoapServerOptions {
  sink: FrameSink;
  /** UDP port; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Largest accepted body in bytes. @default 1024 */
  maxPayload?: number;
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

function handlerWith(opts: CoapServerOptions) {
  const maxPayload = opts.maxPayload ?? 1024;
  return (req: IncomingMessage, res: OutgoingMessage): void => {
    const meta: FrameMeta = { transport: 'coap', peer: `${req.rsinfo.address}:${req.rsinfo.port}` };
    const path = (req.url ?? '').split('?')[0];
    if (path !== COAP_UPLINK_PATH) return reject(opts.sink, res, 'BAD_PATH', meta);
    if (req.method !== 'POST') return reject(opts.sink, res, 'BAD_METHOD', meta);
    if (req.payload.length > maxPayload) return reject(opts.sink, res, 'OVERSIZE', meta);
    opts.sink.handleFrame(req.payload, meta).then(
      (out) => (out.ok ? respond(res, COAP_OK, out.reply) : respond(res, toCoapCode(out.reason), out.reason)),
      (e: unknown) => {
        opts.onError?.(e);
        respond(res, COAP_UNAVAILABLE, 'RETRY');
      },
    );
  };
}

/**
 * Starts a CoAP server [RFC7252]. Responses wait for the durable commit; node-coap answers
 * retransmissions of the same message id from its cache, so a retransmitted CON is not ingested twice.
 */
export async function startCoapServer(opts: CoapServerOptions): Promise<Listener> {
  // piggybackReplyMs: give the group commit time so the answer rides on the ACK [RFC7252-5.2.1].
  const server: Server = createServer(
    { piggybackReplyMs: 500, type: 'udp4', reuseAddr: false },
    handlerWith(opts),
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
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
