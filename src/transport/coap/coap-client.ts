// Terminal-side CoAP uplink (node-coap): confirmable POST /t; resolves with the response code and body.
import { Agent, request } from 'coap';
import { COAP_UPLINK_PATH } from './coap-server.ts';

/** The platform's answer to one CoAP uplink. */
export type CoapSendResult =
  { ok: true; code: string; reply: Uint8Array } | { ok: false; code: string; reason: string };

/** A CoAP client socket shared by many terminals. */
export interface CoapUplinkClient {
  send(frame: Uint8Array): Promise<CoapSendResult>;
  close(): void;
}

/** Options of {@link createCoapUplink}. */
export interface CoapUplinkOptions {
  host: string;
  port: number;
}

/** Creates a CoAP uplink over one UDP socket (one node-coap Agent). */
export function createCoapUplink(opts: CoapUplinkOptions): CoapUplinkClient {
  const agent = new Agent({ type: 'udp4' });
  return {
    send: (frame) =>
      new Promise((resolve) => {
        const req = request({
          hostname: opts.host,
          port: opts.port,
          method: 'POST',
          pathname: COAP_UPLINK_PATH,
          confirmable: true,
          agent,
        });
        req.on('response', (res: { code: string; payload: Buffer }) => {
          const ok = res.code.startsWith('2.');
          resolve(
            ok
              ? { ok: true, code: res.code, reply: res.payload }
              : { ok: false, code: res.code, reason: res.payload.toString('utf8') || res.code },
          );
        });
        req.on('timeout', () => resolve({ ok: false, code: 'timeout', reason: 'TIMEOUT' }));
        req.on('error', () => resolve({ ok: false, code: 'error', reason: 'DISCONNECTED' }));
        req.end(Buffer.from(frame));
      }),
    close: () => agent.close(),
  };
}
