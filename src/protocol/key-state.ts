// Which key states allow processing a received frame [SGT1-2.3]: active, or deactivated within grace.
import type { UnixMillis } from '../core/index.ts';
import type { KeyState } from '../model/index.ts';

/** SP 800-57 key states [SGT1-3.1] (the model's); the protocol area only reads them. */
export type { KeyState };

/** What the key store says about one key version, looked up per frame (never stored here). */
export interface KeyStatus {
  readonly state: KeyState;
  /** For `deactivated` keys: last instant (inclusive) at which frames are still accepted [SGT1-2.3]. */
  readonly graceUntil?: UnixMillis;
}

/** Result of {@link checkKeyUsable}. */
export type KeyUsable = { readonly ok: true } | { readonly ok: false; readonly detail: string };

const USABLE: KeyUsable = Object.freeze({ ok: true });

/**
 * Receiver rule 2 [SGT1-1.2]: the key must be `active`, or `deactivated` with `now ≤ graceUntil`.
 * Suspended, compromised, pre-activation and destroyed keys never open frames.
 */
export function checkKeyUsable(status: KeyStatus, now: UnixMillis): KeyUsable {
  switch (status.state) {
    case 'active':
      return USABLE;
    case 'deactivated':
      return status.graceUntil !== undefined && now <= status.graceUntil
        ? USABLE
        : { ok: false, detail: 'key deactivated and its grace window has ended' };
    case 'pre-activation':
    case 'suspended':
    case 'compromised':
    case 'destroyed':
      return { ok: false, detail: `key is ${status.state}` };
  }
}
