// SGT1 frame verification and sealing [SGT1-1.2]: the receiver rules as composable steps, plus verifyFrame.
import type { KeyObject } from 'node:crypto';
import { openFrameAead, sealFrameAead } from './aead.ts';
import { ProtocolError } from './errors.ts';
import { CTYPE, encodeHeader, parseHeader, SUITE, type Sgt1Header, type Sgt1HeaderInit } from './header.ts';
import { deriveFrameKey, type CachedKey, type KeyCache } from './key-hierarchy.ts';
import { checkKeyUsable } from './key-state.ts';
import type { TerminalKeys, VerifyContext, VerifyResult } from './context.ts';
import { reject, type Rejection } from './reasons.ts';
import {
  checkCounter,
  commitCounter,
  EMPTY_REPLAY_STATE,
  SGT1_WINDOW,
  type ReplayState,
  type ReplayStore,
} from './replay-window.ts';
import { verifyTunnel } from './tunnel.ts';
import { decodeTelemetry, encodeTelemetry, type Telemetry } from './telemetry.ts';

/** Default largest accepted frame: twice the ~500-byte guidance of [SGT1-1.2 fragmentation]. */
export const DEFAULT_MAX_FRAME_BYTES = 1024;

/** A parsed frame: the header and the frame bytes as a Buffer view. */
export type ParsedFrame =
  { readonly ok: true; readonly header: Sgt1Header; readonly frame: Buffer } | Rejection;

/** The bytes as a Buffer view (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Step 1 [SGT1-1.2 rule 1]: size limits, then header validation. */
export function parseFrame(bytes: Uint8Array, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): ParsedFrame {
  const frame = asBuffer(bytes);
  if (frame.length > maxFrameBytes) return reject('OVERSIZE', `${frame.length} bytes > ${maxFrameBytes}`);
  const h = parseHeader(frame);
  return h.ok ? { ok: true, header: h.header, frame } : h;
}

/** A terminal whose key (purpose, version) exists and may process frames now. */
export type ResolvedTerminal = { readonly ok: true; readonly terminal: TerminalKeys } | Rejection;

/** Key (purpose, version) known and usable now [SGT1-1.2 rule 2], or the rejection. */
function keyProblem(header: Sgt1Header, ctx: VerifyContext): Rejection | undefined {
  const q = {
    terminalId: header.terminalId,
    purpose: header.purpose,
    version: header.keyVersion,
    dir: header.dir,
  };
  const status = ctx.keyStatus(q);
  if (status === undefined)
    return reject('UNKNOWN_KEY', `no key purpose ${header.purpose} v${header.keyVersion}`);
  // Only a deactivated key's grace window depends on the time: no clock read per frame otherwise.
  if (status.state === 'active') return undefined;
  const usable = checkKeyUsable(status, ctx.clock.now());
  return usable.ok ? undefined : reject('KEY_NOT_USABLE', usable.detail);
}

/** Step 2a [SGT1-1.2 rule 2]: terminal by system title, key (purpose, version), key state. */
export function resolveTerminal(header: Sgt1Header, ctx: VerifyContext): ResolvedTerminal {
  const terminal = ctx.lookupTerminal(header.terminalId);
  if (terminal === undefined) return reject('UNKNOWN_TERMINAL', `no terminal ${header.terminalId}`);
  return keyProblem(header, ctx) ?? { ok: true, terminal };
}

/** A resolved key: the terminal record and the cached `K_use`. */
export type ResolvedKey =
  { readonly ok: true; readonly terminal: TerminalKeys; readonly key: CachedKey } | Rejection;

/**
 * Step 2b [SGT1-1.2 rule 2] for a terminal the caller already looked up: the key's state, then
 * `K_use` from the cache. Returns the key itself (no result wrapper) or the rejection.
 */
export function resolveKeyOf(
  header: Sgt1Header,
  terminal: TerminalKeys,
  ctx: VerifyContext,
): CachedKey | Rejection {
  return (
    keyProblem(header, ctx) ??
    ctx.keyCache.get(header.terminalId, {
      rootKey: terminal.rootKey,
      systemTitle: header.systemTitle,
      tenant: terminal.tenant,
      version: header.keyVersion,
      purpose: header.purpose,
      dir: header.dir,
      suite: header.suite,
    })
  );
}

/** Step 2 [SGT1-1.2 rule 2]: {@link resolveTerminal}, then `K_use` from the cache. */
export function resolveKey(header: Sgt1Header, ctx: VerifyContext): ResolvedKey {
  const terminal = ctx.lookupTerminal(header.terminalId);
  if (terminal === undefined) return reject('UNKNOWN_TERMINAL', `no terminal ${header.terminalId}`);
  const key = resolveKeyOf(header, terminal, ctx);
  return 'keyObject' in key ? { ok: true, terminal, key } : key;
}

/** Replay-window id of a header: `(terminal, purpose, dir, version)` [SGT1-1.2]. */
export function replayId(header: Sgt1Header): string {
  return `${header.terminalId}|${header.purpose}|${header.dir}|${header.keyVersion}`;
}

/** Result of {@link checkReplay}: the current window, to be passed to {@link commitReplay}. */
export type ReplayCheck =
  | {
      readonly ok: true;
      readonly state: ReplayState;
      /** {@link replayId} of the header. */ readonly id: string;
    }
  | Rejection;

/** Step 3 [SGT1-1.2 rule 3]: the counter against the window; changes nothing. */
export function checkReplay(header: Sgt1Header, store: ReplayStore): ReplayCheck {
  const id = replayId(header);
  const state = store.get(id) ?? EMPTY_REPLAY_STATE;
  const c = checkCounter(state, header.fc, SGT1_WINDOW);
  return c.ok ? { ok: true, state, id } : reject('REPLAY', c.detail);
}

/** Result of {@link openFrame}. */
export type Opened = { readonly ok: true; readonly plaintext: Buffer } | Rejection;

/** Step 4 [SGT1-1.2 rule 4]: AEAD open (suites 0x01, 0x02) under `K_use`, AAD = the 17 header bytes. */
export function openFrame(
  frame: Buffer,
  header: Sgt1Header,
  key: CachedKey | KeyObject | Uint8Array,
): Opened {
  const k = 'keyObject' in key ? key.keyObject : key;
  const pt = openFrameAead(k, header.suite, frame);
  return pt === undefined
    ? reject('BAD_TAG', 'authentication tag does not verify')
    : { ok: true, plaintext: pt };
}

/**
 * Step 4b [SGT1-1.2 rule 4]: record the counter; call only after a successful open, with the state
 * (and id) {@link checkReplay} returned. Returns the new state.
 */
export function commitReplay(
  header: Sgt1Header,
  state: ReplayState,
  store: ReplayStore,
  id: string = replayId(header),
): ReplayState {
  const next = commitCounter(state, header.fc, SGT1_WINDOW);
  store.set(id, next);
  return next;
}

/** Result of {@link decodeFramePayload}: telemetry for ctype 0x01, nothing to decode otherwise. */
export type DecodedPayload = { readonly ok: true; readonly telemetry?: Telemetry } | Rejection;

/** Step 5 [SGT1-1.2 rule 5]: decode the payload of content types this area understands (0x01 CBOR). */
export function decodeFramePayload(header: Sgt1Header, plaintext: Uint8Array): DecodedPayload {
  if (header.ctype !== CTYPE.TELEMETRY) return { ok: true };
  const t = decodeTelemetry(plaintext);
  return t.ok ? { ok: true, telemetry: t.telemetry } : reject('BAD_PAYLOAD', t.detail);
}

/**
 * Runs the SGT1 receiver rules in order [SGT1-1.2]: parse → terminal/key/state → replay check → AEAD
 * open → commit → decode. Never throws on any input bytes. Suite 0x80 (DLMS tunnel) frames are
 * verified by their DLMS security instead (see `verifyTunnel`). A frame whose payload fails to decode still commits its counter (it was
 * authentic; replaying it must not be possible) and is rejected with BAD_PAYLOAD.
 * @example
 * const ctx = { lookupTerminal, keyStatus, replay: new Map(), keyCache: createKeyCache(), clock };
 * const r = verifyFrame(bytes, ctx);
 * if (!r.ok) metrics.rejected[r.reason]++; else store(r.header.terminalId, r.telemetry);
 */
export function verifyFrame(bytes: Uint8Array, ctx: VerifyContext): VerifyResult {
  // The steps above, inlined on the hot path so no per-step result wrapper is allocated.
  const frame = asBuffer(bytes);
  const max = ctx.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (frame.length > max) return reject('OVERSIZE', `${frame.length} bytes > ${max}`);
  const parsed = parseHeader(frame);
  if (!parsed.ok) return parsed;
  const header = parsed.header;
  if (header.suite === SUITE.DLMS_TUNNEL) {
    const t = resolveTerminal(header, ctx);
    return t.ok ? verifyTunnel(header, frame, t.terminal, ctx) : t;
  }
  const resolved = resolveKey(header, ctx);
  if (!resolved.ok) return resolved;
  const id = replayId(header);
  const state = ctx.replay.get(id) ?? EMPTY_REPLAY_STATE;
  const counter = checkCounter(state, header.fc, SGT1_WINDOW);
  if (!counter.ok) return reject('REPLAY', counter.detail);
  const plaintext = openFrameAead(resolved.key.keyObject, header.suite, frame);
  if (plaintext === undefined) return reject('BAD_TAG', 'authentication tag does not verify');
  const replayState = commitReplay(header, state, ctx.replay, id);
  if (header.ctype !== CTYPE.TELEMETRY) return { ok: true, header, plaintext, replayState };
  const t = decodeTelemetry(plaintext);
  return t.ok
    ? { ok: true, header, plaintext, telemetry: t.telemetry, replayState }
    : reject('BAD_PAYLOAD', t.detail);
}

/** The key a sender seals with: `K_use` directly, or `K_root` + tenant (derived, optionally cached). */
export type SealKey =
  | { readonly usageKey: Uint8Array | KeyObject }
  | { readonly rootKey: Uint8Array; readonly tenant: number; readonly keyCache?: KeyCache };

/** Options of {@link sealFrame}: give exactly one of `plaintext` and `telemetry`. */
export interface SealOptions {
  readonly header: Sgt1HeaderInit;
  readonly key: SealKey;
  readonly plaintext?: Uint8Array;
  readonly telemetry?: Telemetry;
}

function sealKeyOf(opts: SealOptions): Uint8Array | KeyObject {
  const k = opts.key;
  if ('usageKey' in k) return k.usageKey;
  const h = opts.header;
  const input = { ...h, rootKey: k.rootKey, tenant: k.tenant, version: h.keyVersion };
  if (k.keyCache === undefined) return deriveFrameKey(input);
  return k.keyCache.get(Buffer.from(h.systemTitle).toString('hex'), input).keyObject;
}

/**
 * Seals one frame for a sender (terminal uplink, platform downlink ctype 0x03/0x04) [SGT1-1.2]. The
 * caller owns the counter: increment `fc` before each frame and never reuse it. Suite 0x80 frames
 * carry the DLMS APDU given as `plaintext` unchanged. Throws ProtocolError on invalid arguments.
 * @example
 * const frame = sealFrame({
 *   header: { dir: 0, ackReq: false, more: false, suite: 0x01, systemTitle, purpose: 1, keyVersion: 1, fc: 1, ctype: 0x01 },
 *   key: { rootKey, tenant: 1 },
 *   telemetry: { t: 1700000000, voltage: 2301, current: 512 },
 * });
 */
export function sealFrame(opts: SealOptions): Buffer {
  if ((opts.plaintext === undefined) === (opts.telemetry === undefined)) {
    throw new ProtocolError('GT_ERR_PROTOCOL_BAD_ARGUMENT', 'give exactly one of plaintext and telemetry', {
      hint: 'pass plaintext bytes, or a telemetry record to be CBOR-encoded',
    });
  }
  if (opts.header.suite === SUITE.DLMS_TUNNEL && opts.plaintext === undefined) {
    throw new ProtocolError('GT_ERR_PROTOCOL_BAD_ARGUMENT', 'a suite 0x80 frame carries a DLMS APDU', {
      hint: 'pass the ciphered APDU (sealDlms) as plaintext',
    });
  }
  const header = encodeHeader(opts.header);
  const payload = opts.plaintext ?? encodeTelemetry(opts.telemetry!);
  if (opts.header.suite === SUITE.DLMS_TUNNEL) return Buffer.concat([header, payload]);
  return sealFrameAead(sealKeyOf(opts), header, payload);
}
