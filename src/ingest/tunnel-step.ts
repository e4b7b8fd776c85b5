// Pipeline step for SGT1 suite 0x80 [SGT1-1.4]: a tunnelled DLMS APDU, verified by its own security.
import type { TerminalId } from '../core/index.ts';
import {
  dlmsCounterId,
  verifyFrame,
  type DlmsKeySet,
  type RejectReason,
  type Sgt1Header,
  type VerifyContext,
} from '../protocol/index.ts';
import type { ReplayWindowUpdate } from './store-port.ts';

/**
 * Window ids under which a tunnel's DLMS invocation counter is persisted (dir 0, version = key
 * version): 0x100 + the DLMS key purpose [SGT1-2.2 purposes 5–7], outside the 4-bit SGT1 purpose
 * range so it can never share a window with an SGT1 frame counter.
 */
export const TUNNEL_WINDOW_PURPOSE = { unicast: 0x105, broadcast: 0x106, dedicated: 0x107 } as const;

const KEY_SET_OF = new Map<number, DlmsKeySet>(
  (Object.entries(TUNNEL_WINDOW_PURPOSE) as [DlmsKeySet, number][]).map(([set, purpose]) => [purpose, set]),
);

/**
 * The in-memory replay-map id of a stored window, for warming the pipeline at start: the protocol's
 * `replayId` form `terminal|purpose|dir|version`, or for a tunnel counter the id `verifyTunnel` uses,
 * `dlmsCounterId(terminal, keySet, 'v<version>')`.
 */
export function windowIdOf(u: Pick<ReplayWindowUpdate, 'terminal' | 'purpose' | 'dir' | 'version'>): string {
  const keySet = KEY_SET_OF.get(u.purpose);
  if (keySet !== undefined) return dlmsCounterId(u.terminal, keySet, `v${u.version}`);
  return `${u.terminal}|${u.purpose}|${u.dir}|${u.version}`;
}

/** Outcome of {@link verifyTunnelFrame}: the counter window to persist, or a reason (and its evidence). */
export type TunnelStep =
  | { ok: true; update: ReplayWindowUpdate }
  | { ok: false; reason: RejectReason; evidence?: 'duplicates' | 'integrityFailures' };

/**
 * Verifies a suite-0x80 frame whose terminal passed the pipeline's lookup/direction/status checks:
 * `verifyFrame` → `verifyTunnel` (keys from K_root for purposes 5–7 or the context's DLMS keys, title
 * inside the APDU = header title, invocation counter = replay counter, committed in memory on
 * success). The APDU is not telemetry, so the caller stores no reading, only the counter window.
 */
export function verifyTunnelFrame(
  bytes: Uint8Array,
  verify: VerifyContext,
  x: { header: Sgt1Header; tid: TerminalId },
): TunnelStep {
  const r = verifyFrame(bytes, verify);
  if (!r.ok) {
    const evidence =
      r.reason === 'REPLAY' ? 'duplicates' : r.reason === 'BAD_TAG' ? 'integrityFailures' : undefined;
    return evidence === undefined
      ? { ok: false, reason: r.reason }
      : { ok: false, reason: r.reason, evidence };
  }
  const update: ReplayWindowUpdate = {
    terminal: x.tid,
    purpose: TUNNEL_WINDOW_PURPOSE[r.dlms?.keySet ?? 'unicast'],
    dir: 0,
    version: x.header.keyVersion,
    state: r.replayState,
  };
  return { ok: true, update };
}
