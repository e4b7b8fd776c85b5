// AEAD worker body: opens packed batches of SGT1 frames (suites 0x01/0x02) off the main thread.
import { parentPort } from 'node:worker_threads';
import { openFrameAead, type Suite } from '../protocol/index.ts';
import { KEY_BYTES, type AeadReply, type AeadRequest } from './aead-codec.ts';

/**
 * Request layout per item: u16 frame length, u8 suite, 16-byte K_use, frame. Reply layout per item:
 * i16 plaintext length (−1: the tag did not verify), plaintext.
 */
function openBatch(req: AeadRequest): AeadReply {
  const inp = Buffer.from(req.buf);
  const out = Buffer.allocUnsafeSlow(inp.length); // a plaintext is always shorter than its frame
  let i = 0;
  let o = 0;
  for (let k = 0; k < req.n; k++) {
    const len = inp.readUInt16LE(i);
    const suite = inp[i + 2] as Suite;
    const key = inp.subarray(i + 3, i + 3 + KEY_BYTES);
    const frame = inp.subarray(i + 3 + KEY_BYTES, i + 3 + KEY_BYTES + len);
    i += 3 + KEY_BYTES + len;
    const pt = openFrameAead(key, suite, frame);
    if (pt === undefined) o = out.writeInt16LE(-1, o);
    else {
      const at = out.writeInt16LE(pt.length, o);
      o = at + pt.copy(out, at);
    }
  }
  return { id: req.id, buf: out.buffer, bytes: o };
}

if (parentPort !== null) {
  const port = parentPort;
  port.on('message', (req: AeadRequest) => {
    const reply = openBatch(req);
    port.postMessage(reply, [reply.buf]);
  });
  port.postMessage({ ready: true });
}
