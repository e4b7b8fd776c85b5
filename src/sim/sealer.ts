// Turns fleet uploads into real SGT1 frames with the protocol's sealFrame, carrying out the frame-level attacks.
import type { Random } from '../core/index.ts';
import { CTYPE, DIR, PURPOSE, SUITE, encodeTelemetry, sealFrame, type KeyCache } from '../protocol/index.ts';
import { OVERSIZED_FRAME_BYTES, type Upload } from './report.ts';

export interface FrameSealerOptions {
  /** The 32-byte root key of a terminal (as provisioned on the platform), or undefined if unknown. */
  readonly rootKey: (terminal: string) => Uint8Array | undefined;
  /** @default 1 */
  readonly tenant?: number;
  /** Active key version on the platform. @default 1 */
  readonly keyVersion?: number;
  readonly keyCache?: KeyCache;
  /** For forged titles and keys (UNKNOWN_TERMINAL), tamper positions. */
  readonly random: Random;
}

/** Seals uploads; remembers each terminal's last genuine frame so a replay is a byte-exact copy. */
export interface FrameSealer {
  /** The frame bytes, or undefined when the terminal has no root key (not provisioned). */
  seal(u: Upload): Buffer | undefined;
}

const randomBytes = (rnd: Random, n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd.next() * 256);
  return b;
};

/**
 * Creates a sealer [SGT1-1.2]. Honest frames: suite 0x01, purpose telemetry, uplink, the upload's
 * fc; events use ctype 0x02 with ackReq. Attacks: TAMPERED flips one ciphertext bit; REPLAYED
 * resends the previous frame unchanged; COUNTER_ROLLBACK seals with the rolled-back fc;
 * UNKNOWN_TERMINAL uses a forged title ("GTX…") and key; STALE_KEY_VERSION seals with the previous
 * version (or the next, never-issued one when the active version is 1); OVERSIZED pads the payload to 1088 B (frame 1121 B > 1024).
 */
export function createFrameSealer(o: FrameSealerOptions): FrameSealer {
  const last = new Map<number, Buffer>();
  const version = o.keyVersion ?? 1;
  const tenant = o.tenant ?? 1;
  return {
    seal(u) {
      if (u.attack === 'REPLAYED_FRAME') {
        const prev = last.get(u.index);
        if (prev !== undefined) return prev;
      }
      const forged = u.attack === 'UNKNOWN_TERMINAL';
      const title = forged
        ? Buffer.concat([Buffer.from('GTX', 'ascii'), randomBytes(o.random, 5)])
        : Buffer.from(u.terminal, 'hex');
      const rootKey = forged ? randomBytes(o.random, 32) : o.rootKey(u.terminal);
      if (rootKey === undefined) return undefined;
      const keyVersion =
        u.attack === 'STALE_KEY_VERSION' ? (version > 1 ? version - 1 : version + 1) : version;
      const header = {
        dir: DIR.UP,
        ackReq: u.ctype === 'event',
        more: false,
        suite: SUITE.AES_128_GCM,
        systemTitle: title,
        purpose: PURPOSE.TELEMETRY,
        keyVersion,
        fc: u.fc,
        ctype: u.ctype === 'event' ? CTYPE.EVENT : CTYPE.TELEMETRY,
      };
      const key = {
        rootKey,
        tenant,
        ...(o.keyCache === undefined || forged ? {} : { keyCache: o.keyCache }),
      };
      const plaintext =
        u.attack === 'OVERSIZED_FRAME'
          ? randomBytes(o.random, OVERSIZED_FRAME_BYTES)
          : encodeTelemetry(u.record);
      const frame = sealFrame({ header, key, plaintext });
      if (u.attack === 'TAMPERED_CIPHERTEXT') {
        const at = 17 + Math.floor(o.random.next() * Math.max(1, frame.length - 33));
        frame[at] = (frame[at] ?? 0) ^ (1 << Math.floor(o.random.next() * 8));
      }
      if (u.attack === undefined) last.set(u.index, frame);
      return frame;
    },
  };
}
