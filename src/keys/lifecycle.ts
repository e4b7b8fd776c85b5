// Key lifecycle of NIST SP 800-57 Pt 1 §7 as a pure transition table [SP800-57-7.1] [spec §3.1].
import { KEY_STATES, type KeyState } from '../model/index.ts';

/** The six key states of SP 800-57 Part 1 §7, in lifecycle order (the model's). */
export { KEY_STATES, type KeyState };

/**
 * Allowed transitions, exactly the table of spec §3.1 (SP 800-57 Pt 1 Rev 4 §7, transitions 1–12).
 * Row = from, entries = allowed targets. Nothing leaves `destroyed`.
 */
const ALLOWED: Readonly<Record<KeyState, readonly KeyState[]>> = {
  'pre-activation': ['active', 'compromised', 'destroyed'],
  active: ['suspended', 'deactivated', 'compromised', 'destroyed'],
  suspended: ['active', 'deactivated', 'compromised', 'destroyed'],
  deactivated: ['compromised', 'destroyed'],
  compromised: ['destroyed'],
  destroyed: [],
};

/** Why a requested transition is refused (a value, not an exception). */
export type TransitionRefusal = 'SAME_STATE' | 'NOT_ALLOWED';

export type TransitionCheck = { ok: true } | { ok: false; reason: TransitionRefusal };

/**
 * Checks one lifecycle transition against the §3.1 table.
 * @example
 * checkKeyTransition('active', 'suspended'); // { ok: true }
 * checkKeyTransition('deactivated', 'active'); // { ok: false, reason: 'NOT_ALLOWED' }
 * @see spec protocol-keys-update.md §3.1
 */
export function checkKeyTransition(from: KeyState, to: KeyState): TransitionCheck {
  if (from === to) return { ok: false, reason: 'SAME_STATE' };
  return ALLOWED[from].includes(to) ? { ok: true } : { ok: false, reason: 'NOT_ALLOWED' };
}

/** The states reachable from `from` in one step. */
export function allowedKeyTransitions(from: KeyState): readonly KeyState[] {
  return ALLOWED[from];
}

/** True for the text of one of the six states (for parsing CLI and stored values). */
export function isKeyState(text: string): text is KeyState {
  return (KEY_STATES as readonly string[]).includes(text);
}

/**
 * May a key in this state protect new data (encrypt, MAC)? Only `active` [SP800-57-7.2].
 * @see spec §3.1: suspended/deactivated/compromised keys give no new protection.
 */
export function mayProtect(state: KeyState): boolean {
  return state === 'active';
}

/**
 * May a key in this state process (decrypt, verify) received data? `active`, and `deactivated` only
 * within the rotation grace window (spec §1.2 receiver rule 2, §2.3). Suspended and compromised keys
 * are refused by the platform even though SP 800-57 permits processing "with care".
 */
export function mayProcess(state: KeyState, withinGrace: boolean): boolean {
  switch (state) {
    case 'active':
      return true;
    case 'deactivated':
      return withinGrace;
    case 'pre-activation':
    case 'suspended':
    case 'compromised':
    case 'destroyed':
      return false;
  }
}

/** The SP 800-57 §8 phase a state belongs to. */
export type KeyPhase = 'pre-operational' | 'operational' | 'post-operational' | 'destroyed';

export function keyPhase(state: KeyState): KeyPhase {
  switch (state) {
    case 'pre-activation':
      return 'pre-operational';
    case 'active':
    case 'suspended':
      return 'operational';
    case 'deactivated':
    case 'compromised':
      return 'post-operational';
    case 'destroyed':
      return 'destroyed';
  }
}
