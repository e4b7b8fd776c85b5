// Downlink sealing (ctype 0x03 command, 0x04 command result/ack) under K_use(0x2, dir 1, v) [SGT1-2.2].
import { Encoder } from 'cbor-x';
import type { TerminalId } from '../core/index.ts';
import {
  PURPOSE,
  SUITE,
  sealFrame,
  type CTYPE,
  type KeyCache,
  type TerminalKeys,
} from '../protocol/index.ts';
import type { ReplayWindowUpdate } from './store-port.ts';

const cbor = new Encoder({ mapsAsObjects: false, useRecords: false });

/** Per-terminal downlink counters; the value is the last fc used for (terminal, version). */
export interface DownlinkCounters {
  /** Reserves the next counter and returns it with the window update that makes it durable. */
  next(terminal: TerminalId, version: number): { fc: number; update: ReplayWindowUpdate };
}

/**
 * Creates counters seeded from the persisted downlink windows (dir 1). The platform commits the
 * returned update before sending the frame, so a counter is never reused after a restart [SGT1-1.2
 * sender rules].
 */
export function createDownlinkCounters(seed: readonly ReplayWindowUpdate[]): DownlinkCounters {
  const last = new Map<string, number>();
  for (const u of seed) if (u.dir === 1) last.set(`${u.terminal}|${u.version}`, u.state.highest);
  return {
    next(terminal, version) {
      const id = `${terminal}|${version}`;
      const fc = (last.get(id) ?? 0) + 1;
      last.set(id, fc);
      const update = {
        terminal,
        purpose: PURPOSE.COMMAND,
        dir: 1 as const,
        version,
        state: { highest: fc, bitmap: 1n },
      };
      return { fc, update };
    },
  };
}

/** Options of {@link sealDownlink}. */
export interface DownlinkSealOptions {
  terminal: TerminalKeys;
  systemTitle: Uint8Array;
  version: number;
  fc: number;
  ctype: typeof CTYPE.COMMAND | typeof CTYPE.COMMAND_RESULT;
  /** CBOR-encodable body: for an ack `{1: fcAcked}`. */
  body: unknown;
  keyCache?: KeyCache;
}

/** Seals one downlink frame (suite 0x01, dir 1, purpose 0x2). */
export function sealDownlink(o: DownlinkSealOptions): Buffer {
  return sealFrame({
    header: {
      dir: 1,
      ackReq: false,
      more: false,
      suite: SUITE.AES_128_GCM,
      systemTitle: o.systemTitle,
      purpose: PURPOSE.COMMAND,
      keyVersion: o.version,
      fc: o.fc,
      ctype: o.ctype,
    },
    key: {
      rootKey: o.terminal.rootKey,
      tenant: o.terminal.tenant,
      ...(o.keyCache ? { keyCache: o.keyCache } : {}),
    },
    plaintext: cbor.encode(o.body),
  });
}

/** The body of an acknowledgement: `{1: fc_acked}` [SGT1-1.2 transport: ackReq]. */
export function ackBody(fcAcked: number): Map<number, number> {
  return new Map([[1, fcAcked]]);
}
