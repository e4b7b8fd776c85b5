// Downlink sealing (ctype 0x03 command, 0x04 command result/ack) under K_use(0x2, dir 1, v) [SGT1-2.2].
import { Encoder } from 'cbor-x';
import type { TerminalId } from '../core/index.ts';
import {
  CTYPE,
  PURPOSE,
  SUITE,
  sealFrame,
  type KeyCache,
  type Sgt1Header,
  type TerminalKeys,
  type VerifyContext,
} from '../protocol/index.ts';
import type { BatchWriter } from './batch-writer.ts';
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

/** What the pipeline lends to seal its downlink frames. */
export interface DownlinkDeps {
  readonly o: { readonly verify: Pick<VerifyContext, 'lookupTerminal' | 'keyCache'> };
  readonly downlink: DownlinkCounters;
  readonly writer: Pick<BatchWriter, 'submit'>;
}

/** Seals the ctype 0x04 answer to an ackReq frame; the caller commits its counter with the frame. */
export function sealAckFor(s: DownlinkDeps, header: Sgt1Header, terminal: TerminalKeys) {
  const d = s.downlink.next(header.terminalId, header.keyVersion);
  const reply = sealDownlink({
    terminal,
    systemTitle: header.systemTitle,
    version: header.keyVersion,
    fc: d.fc,
    ctype: CTYPE.COMMAND_RESULT,
    body: ackBody(header.fc),
    keyCache: s.o.verify.keyCache,
  });
  return { update: d.update, reply };
}

/** Seals a command (or result) for a known terminal once its downlink counter is durable. */
export async function sealCommandFor(
  s: DownlinkDeps,
  terminal: TerminalId,
  d: { ctype: typeof CTYPE.COMMAND | typeof CTYPE.COMMAND_RESULT; body: unknown; version?: number },
) {
  const keys = s.o.verify.lookupTerminal(terminal);
  if (keys === undefined) return { ok: false as const, reason: 'UNKNOWN_TERMINAL' as const };
  const version = d.version ?? 1;
  const next = s.downlink.next(terminal, version);
  await s.writer.submit({ replay: [next.update] });
  const frame = sealDownlink({
    terminal: keys,
    systemTitle: Buffer.from(terminal, 'hex'),
    version,
    fc: next.fc,
    ctype: d.ctype,
    body: d.body,
    keyCache: s.o.verify.keyCache,
  });
  return { ok: true as const, frame };
}
