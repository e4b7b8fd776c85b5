// The terminal's SE agent: opens ctype 0x11 downlink frames, passes the APDU to its secure element and
// seals the response as a ctype 0x12 uplink frame echoing the command's fc (docs/protocol.md).
import { CTYPE, PURPOSE, SUITE, sealFrame } from '../../protocol/index.ts';
import type { FrameCounter } from '../agent/counter.ts';
import type { TerminalAgent } from '../agent/agent.ts';
import type { SimulatedSe } from './simulated-se.ts';

/** Options of {@link createSeTerminal}. */
export interface SeTerminalOptions {
  /** Opens downlink frames (tag, title, strictly increasing counter). */
  agent: Pick<TerminalAgent, 'openDownlink' | 'systemTitle'>;
  rootKey: Uint8Array;
  tenant: number;
  /** The uplink counter of the command purpose. */
  counter: FrameCounter;
  /** Any SE: the simulated one, or a real card reader with the same `process`. */
  se: Pick<SimulatedSe, 'process'>;
}

export type SeTerminalResult = { ok: true; reply: Buffer } | { ok: false; reason: string };

export interface SeTerminal {
  handleDownlink(frame: Uint8Array): Promise<SeTerminalResult>;
}

export function createSeTerminal(o: SeTerminalOptions): SeTerminal {
  return {
    async handleDownlink(frame) {
      const d = o.agent.openDownlink(frame);
      if (!d.ok) return d;
      if (d.ctype !== CTYPE.SE_APDU) return { ok: false, reason: 'NOT_AN_APDU' };
      const response = o.se.process(d.plaintext);
      const fcBytes = Buffer.alloc(4);
      fcBytes.writeUInt32BE(d.fc >>> 0);
      const fc = await o.counter.next();
      const reply = sealFrame({
        header: {
          dir: 0,
          ackReq: false,
          more: false,
          suite: SUITE.AES_128_GCM,
          systemTitle: o.agent.systemTitle,
          purpose: PURPOSE.COMMAND,
          keyVersion: o.counter.keyVersion,
          fc,
          ctype: CTYPE.SE_RESPONSE,
        },
        key: { rootKey: o.rootKey, tenant: o.tenant },
        plaintext: Buffer.concat([fcBytes, response]),
      });
      return { ok: true, reply };
    },
  };
}
