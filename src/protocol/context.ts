// What a receiver injects into verifyFrame / verifyDlms: terminal and key lookups, replay store, key cache, clock.
import type { Clock, TerminalId } from '../core/index.ts';
import type { DlmsKeys } from './dlms-crypto.ts';
import type { KeyCache } from './key-hierarchy.ts';
import type { KeyStatus } from './key-state.ts';
import type { ReplayState, ReplayStore } from './replay-window.ts';
import type { Sgt1Header } from './header.ts';
import type { Rejection } from './reasons.ts';
import type { Telemetry } from './telemetry.ts';
import type { VerifiedDlms } from './dlms.ts';

/** A registered terminal's key root, returned by {@link VerifyContext.lookupTerminal}. */
export interface TerminalKeys {
  /** 32-byte `K_root`. */
  readonly rootKey: Uint8Array;
  /** Tenant number (uint32) bound into `K_ver`. */
  readonly tenant: number;
}

/** Identifies one key version of one terminal for {@link VerifyContext.keyStatus}. */
export interface KeyQuery {
  readonly terminalId: TerminalId;
  readonly purpose: number;
  readonly version: number;
  readonly dir: 0 | 1;
}

/** Everything verifyFrame needs; build it once and reuse it for every frame. */
export interface VerifyContext {
  /** The terminal registered under this system title, or undefined (→ UNKNOWN_TERMINAL). */
  lookupTerminal(terminalId: TerminalId): TerminalKeys | undefined;
  /** State of the key (purpose, version, dir) of the terminal, or undefined (→ UNKNOWN_KEY). */
  keyStatus(query: KeyQuery): KeyStatus | undefined;
  readonly replay: ReplayStore;
  readonly keyCache: KeyCache;
  readonly clock: Clock;
  /** @default 1024 (DEFAULT_MAX_FRAME_BYTES) */
  readonly maxFrameBytes?: number;
  /**
   * DLMS keys for tunnelled APDUs (suite 0x80) of a terminal. When omitted, they are derived from
   * `K_root` as purposes 0x5/0x6/0x7, dir 2, suite 0x80 at the header's key version [SGT1-1.4, 2.2].
   */
  dlmsKeys?(terminalId: TerminalId, keyVersion: number): DlmsKeys | undefined;
}

/** An accepted frame. `plaintext` is a fresh buffer; `header.systemTitle` views the input bytes. */
export interface VerifiedFrame {
  readonly ok: true;
  readonly header: Sgt1Header;
  readonly plaintext: Buffer;
  /** Present for ctype 0x01. */
  readonly telemetry?: Telemetry;
  /** The replay window after this frame (already written to `ctx.replay`); for a tunnel, the DLMS counter. */
  readonly replayState: ReplayState;
  /** For suite 0x80: what the DLMS verifier found (tag, SC, invocation counter, ...). */
  readonly dlms?: Omit<VerifiedDlms, 'plaintext'>;
}

/** Result of {@link verifyFrame}. */
export type VerifyResult = VerifiedFrame | Rejection;
