// The SE channel over SGT1: each command APDU goes down in a ctype 0x11 frame, its response comes back
// in a ctype 0x12 frame echoing the command's fc (docs/protocol.md "Secure-element APDUs").
import {
  CTYPE,
  PURPOSE,
  SUITE,
  deriveFrameKey,
  openFrame,
  parseFrame,
  sealFrame,
} from '../protocol/index.ts';
import type { ChannelResult, SeChannel } from './channel.ts';

/** Options of {@link createSgt1SeChannel}. */
export interface Sgt1SeChannelOptions {
  systemTitle: Uint8Array;
  rootKey: Uint8Array;
  tenant: number;
  /** Command key version. @default 1 */
  keyVersion?: number;
  /** Reserves the next downlink counter (durable before it resolves: never reused). */
  nextFc: () => Promise<number>;
  /** Puts a downlink frame on the terminal's transport. */
  send: (frame: Uint8Array) => Promise<void>;
  /** Resolves after `ms` (the caller's timer). */
  after: (ms: number) => Promise<void>;
  /** @default 10000 */
  timeoutMs?: number;
}

/** A channel plus the entry for uplink ctype 0x12 frames from the same terminal. */
export interface Sgt1SeChannel extends SeChannel {
  /** Hands in an uplink frame; true when it answered a pending command. */
  receive(frame: Uint8Array): boolean;
}

export function createSgt1SeChannel(o: Sgt1SeChannelOptions): Sgt1SeChannel {
  const version = o.keyVersion ?? 1;
  const key = (dir: 0 | 1) =>
    deriveFrameKey({
      rootKey: o.rootKey,
      tenant: o.tenant,
      systemTitle: o.systemTitle,
      version,
      purpose: PURPOSE.COMMAND,
      dir,
      suite: SUITE.AES_128_GCM,
    });
  const down = key(1);
  const up = key(0);
  const pending = new Map<number, (r: ChannelResult) => void>();
  let upHighest = 0;
  return {
    async transmit(apdu) {
      const fc = await o.nextFc();
      const frame = sealFrame({
        header: {
          dir: 1,
          ackReq: false,
          more: false,
          suite: SUITE.AES_128_GCM,
          systemTitle: o.systemTitle,
          purpose: PURPOSE.COMMAND,
          keyVersion: version,
          fc,
          ctype: CTYPE.SE_APDU,
        },
        key: { usageKey: down },
        plaintext: apdu,
      });
      const answer = new Promise<ChannelResult>((resolve) => pending.set(fc, resolve));
      const timeout = o
        .after(o.timeoutMs ?? 10_000)
        .then((): ChannelResult => ({ ok: false, reason: 'TIMEOUT' }));
      try {
        await o.send(frame);
      } catch {
        pending.delete(fc);
        return { ok: false, reason: 'LINK_DOWN' };
      }
      const r = await Promise.race([answer, timeout]);
      pending.delete(fc);
      return r;
    },
    receive(bytes) {
      const p = parseFrame(bytes);
      if (
        !p.ok ||
        p.header.dir !== 0 ||
        p.header.ctype !== CTYPE.SE_RESPONSE ||
        p.header.purpose !== PURPOSE.COMMAND
      )
        return false;
      if (Buffer.compare(p.header.systemTitle, Buffer.from(o.systemTitle)) !== 0 || p.header.fc <= upHighest)
        return false;
      const opened = openFrame(p.frame, p.header, up);
      if (!opened.ok || opened.plaintext.length < 6) return false;
      upHighest = p.header.fc;
      const fc = opened.plaintext.readUInt32BE(0);
      const resolve = pending.get(fc);
      if (!resolve) return false;
      resolve({ ok: true, response: opened.plaintext.subarray(4) });
      return true;
    },
  };
}
