// Firmware images over CoAP Block2 [RFC7959-2.2, 2.4] with an ETag per image [RFC7252-5.10.6]: a
// server that answers any block of any image it holds, and a client that fetches one block at a time,
// so a terminal resumes at the block after its last persisted one (NUM = offset / size).
import { createSocket, type Socket } from 'node:dgram';
import { generate, parse, type ParsedPacket } from 'coap-packet';
import { TransportError } from '../errors.ts';

/** The largest block size CoAP allows: SZX 6 = 1024 bytes [RFC7959-2.2]. */
export const MAX_SZX = 6;

/** Block option value: NUM ‖ M ‖ SZX in the fewest bytes [RFC7959-2.2]. */
export function encodeBlock(num: number, more: boolean, szx: number): Buffer {
  const v = (num << 4) | (more ? 8 : 0) | szx;
  if (v === 0) return Buffer.alloc(0);
  if (v < 0x100) return Buffer.from([v]);
  if (v < 0x10000) return Buffer.from([v >> 8, v & 0xff]);
  return Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
}

export function decodeBlock(b: Buffer): { num: number; more: boolean; szx: number } {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return { num: v >> 4, more: (v & 8) !== 0, szx: v & 7 };
}

/** One image the server offers under `fw/<name>`. */
export interface BlockImage {
  bytes: Uint8Array;
  etag: Buffer;
}

export interface FirmwareBlockServer {
  readonly port: number;
  /** Blocks answered (for the benchmark). */
  served(): number;
  close(): Promise<void>;
}

const opt = (p: ParsedPacket, name: string) => p.options.find((o) => o.name === name)?.value;

/** Starts the block server on loopback (port 0 = a free one). */
export function startFirmwareBlockServer(o: {
  port?: number;
  host?: string;
  image(name: string): BlockImage | undefined;
}): Promise<FirmwareBlockServer> {
  const sock = createSocket('udp4');
  let served = 0;
  sock.on('message', (msg, rinfo) => {
    let p: ParsedPacket;
    try {
      p = parse(msg);
    } catch {
      return; // not CoAP: dropped
    }
    const path = p.options.filter((x) => x.name === 'Uri-Path').map((x) => x.value.toString());
    const img = path[0] === 'fw' && path[1] ? o.image(path[1]) : undefined;
    const reply = (
      code: string,
      options: { name: string; value: Buffer }[] = [],
      payload = Buffer.alloc(0),
    ) =>
      sock.send(
        generate({ code, messageId: p.messageId, token: p.token, ack: p.confirmable, options, payload }),
        rinfo.port,
        rinfo.address,
      );
    if (!img) return void reply('4.04');
    const b = decodeBlock(opt(p, 'Block2') ?? Buffer.alloc(0));
    const szx = Math.min(b.szx || MAX_SZX, MAX_SZX);
    const size = 1 << (szx + 4);
    const start = b.num * size;
    if (start >= img.bytes.length && img.bytes.length > 0) return void reply('4.02');
    const end = Math.min(start + size, img.bytes.length);
    served++;
    reply(
      '2.05',
      [
        { name: 'ETag', value: img.etag },
        { name: 'Block2', value: encodeBlock(b.num, end < img.bytes.length, szx) },
        { name: 'Size2', value: uint(img.bytes.length) },
      ],
      Buffer.from(img.bytes.subarray(start, end)),
    );
  });
  return new Promise((resolve, reject) => {
    sock.once('error', (cause) =>
      reject(
        new TransportError('GT_ERR_TRANSPORT_LISTEN', 'firmware CoAP server cannot bind', {
          hint: 'choose another port, or 0',
          cause,
        }),
      ),
    );
    sock.bind(o.port ?? 0, o.host ?? '127.0.0.1', () =>
      resolve({
        port: sock.address().port,
        served: () => served,
        close: () => new Promise<void>((r) => sock.close(() => r())),
      }),
    );
  });
}

function uint(n: number): Buffer {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from(out);
}

export type BlockAnswer =
  | { ok: true; payload: Buffer; more: boolean; etag: Buffer; size: number }
  | { ok: false; reason: 'TIMEOUT' | 'NOT_FOUND' | 'BAD_ANSWER' };

/** A CoAP client for blocks: one socket, many requests in flight (token-matched), retransmits. */
export interface FirmwareBlockClient {
  fetchBlock(o: { name: string; num: number; szx?: number }): Promise<BlockAnswer>;
  close(): Promise<void>;
}

export function createFirmwareBlockClient(o: {
  host?: string;
  port: number;
  timeoutMs?: number;
  retries?: number;
}): Promise<FirmwareBlockClient> {
  const sock: Socket = createSocket('udp4');
  const waiting = new Map<number, (p: ParsedPacket) => void>();
  let mid = 0;
  sock.on('message', (msg) => {
    try {
      const p = parse(msg);
      waiting.get(p.messageId)?.(p);
    } catch {
      // a malformed answer is ignored; the request times out
    }
  });
  const once = (packet: Buffer, id: number, ms: number) =>
    new Promise<ParsedPacket | undefined>((resolve) => {
      const t = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, ms);
      waiting.set(id, (p) => {
        clearTimeout(t);
        waiting.delete(id);
        resolve(p);
      });
      sock.send(packet, o.port, o.host ?? '127.0.0.1');
    });
  const client: FirmwareBlockClient = {
    async fetchBlock(x) {
      const id = (mid = (mid + 1) & 0xffff);
      const packet = generate({
        code: 'GET',
        confirmable: true,
        messageId: id,
        token: Buffer.from([id >> 8, id & 0xff]),
        options: [
          { name: 'Uri-Path', value: Buffer.from('fw') },
          { name: 'Uri-Path', value: Buffer.from(x.name) },
          { name: 'Block2', value: encodeBlock(x.num, false, x.szx ?? MAX_SZX) },
        ],
      });
      for (let attempt = 0; attempt <= (o.retries ?? 4); attempt++) {
        const p = await once(packet, id, (o.timeoutMs ?? 2000) * 2 ** attempt);
        if (!p) continue;
        if (p.code === '4.04') return { ok: false, reason: 'NOT_FOUND' };
        const block = opt(p, 'Block2');
        const etag = opt(p, 'ETag');
        if (p.code !== '2.05' || !block || !etag) return { ok: false, reason: 'BAD_ANSWER' };
        const size2 = opt(p, 'Size2');
        let size = 0;
        for (const v of size2 ?? []) size = size * 256 + v;
        return { ok: true, payload: p.payload, more: decodeBlock(block).more, etag, size };
      }
      return { ok: false, reason: 'TIMEOUT' };
    },
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
  return new Promise((resolve) => sock.bind(0, '127.0.0.1', () => resolve(client)));
}
