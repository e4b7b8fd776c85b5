// GlobalPlatform state machines as pure functions: every refused transition is a value with a reason
// [GPCS-5.1 card, GPCS-5.3 applications and security domains] (spec §4.1–4.2).
import { APP_STATE, CARD_STATE, SD_STATE, isLocked, type CardState } from './codings.ts';

/** Why a transition is refused. */
export type RefusalReason =
  | 'NOT_ALLOWED'
  | 'SAME_STATE'
  | 'TERMINATED'
  | 'NO_PRIVILEGE'
  | 'UNKNOWN_CODING'
  | 'ALREADY_LOCKED'
  | 'NOT_LOCKED'
  | 'LOCKED'
  | 'CARD_LOCKED'
  | 'DELETED';

export type Transition<S> =
  { ok: true; from: S; to: S } | { ok: false; from: S; reason: RefusalReason; detail: string };

/** Privileges of the entity asking [GPCS-6.6]; only the ones the state machines consult. */
export type Privilege =
  | 'SECURITY_DOMAIN'
  | 'DAP_VERIFICATION'
  | 'DELEGATED_MANAGEMENT'
  | 'CARD_LOCK'
  | 'CARD_TERMINATE'
  | 'CARD_RESET'
  | 'AUTHORIZED_MANAGEMENT'
  | 'GLOBAL_DELETE'
  | 'GLOBAL_LOCK';

const CARD_CODINGS: readonly number[] = Object.values(CARD_STATE);
/** Forward order of the pre-issuance states [GPCS-5.1.1]. */
const CARD_RANK: Readonly<Record<number, number>> = { 0x01: 0, 0x07: 1, 0x0f: 2 };

const refuse = <S>(from: S, reason: RefusalReason, detail: string): Transition<S> => ({
  ok: false,
  from,
  reason,
  detail,
});

/**
 * The card life cycle: OP_READY → INITIALIZED → SECURED forward only; SECURED ⇄ CARD_LOCKED with the
 * Card Lock privilege; any state → TERMINATED with the Card Terminate privilege, irreversibly.
 * @example
 * cardTransition(CARD_STATE.SECURED, CARD_STATE.CARD_LOCKED, ['CARD_LOCK']) // { ok: true, ... }
 */
export function cardTransition(
  from: CardState,
  to: number,
  privileges: readonly Privilege[],
): Transition<CardState> {
  if (!CARD_CODINGS.includes(to)) return refuse(from, 'UNKNOWN_CODING', `card coding 0x${hex(to)}`);
  const target = to as CardState;
  if (from === CARD_STATE.TERMINATED) return refuse(from, 'TERMINATED', 'a terminated card stays so');
  if (from === target) return refuse(from, 'SAME_STATE', 'already in that state');
  if (target === CARD_STATE.TERMINATED) {
    return privileges.includes('CARD_TERMINATE')
      ? { ok: true, from, to: target }
      : refuse(from, 'NO_PRIVILEGE', 'terminating needs the Card Terminate privilege');
  }
  const lockMove =
    (from === CARD_STATE.SECURED && target === CARD_STATE.CARD_LOCKED) ||
    (from === CARD_STATE.CARD_LOCKED && target === CARD_STATE.SECURED);
  if (lockMove) {
    return privileges.includes('CARD_LOCK')
      ? { ok: true, from, to: target }
      : refuse(from, 'NO_PRIVILEGE', 'locking or unlocking the card needs the Card Lock privilege');
  }
  const a = CARD_RANK[from];
  const b = CARD_RANK[target];
  if (a !== undefined && b !== undefined && b > a) return { ok: true, from, to: target };
  return refuse(from, 'NOT_ALLOWED', `0x${hex(from)} → 0x${hex(target)} is not a GlobalPlatform move`);
}

/** An event on an application or security domain. */
export type EntityEvent =
  | { op: 'MAKE_SELECTABLE' }
  | { op: 'PERSONALIZE' }
  | { op: 'SET_APP_SPECIFIC'; coding: number }
  | { op: 'LOCK' }
  | { op: 'UNLOCK' }
  | { op: 'DELETE' };

/** `null` stands for deleted (logical deletion ends the life cycle). */
export type EntityState = number | null;

/** Whether `c` is an application-specific coding: 0x07 < c ≤ 0x7F with the low three bits set. */
export function isAppSpecific(c: number): boolean {
  return c > 0x07 && c <= 0x7f && (c & 0x07) === 0x07;
}

function lockMoves(from: number, e: EntityEvent): Transition<EntityState> | undefined {
  if (e.op === 'DELETE') return { ok: true, from, to: null };
  if (e.op === 'LOCK') {
    return isLocked(from)
      ? refuse(from, 'ALREADY_LOCKED', 'already locked')
      : { ok: true, from, to: from | 0x80 };
  }
  if (e.op === 'UNLOCK') {
    // unlocking restores the state it was locked from (the low seven bits)
    return isLocked(from) ? { ok: true, from, to: from & 0x7f } : refuse(from, 'NOT_LOCKED', 'not locked');
  }
  if (isLocked(from)) return refuse(from, 'LOCKED', 'locked: unlock first');
  return undefined;
}

/**
 * The application life cycle: INSTALLED 0x03 → SELECTABLE 0x07 → application-specific (low bits 111);
 * LOCK sets bit 8, UNLOCK restores the previous state, DELETE from any state.
 */
export function appTransition(from: EntityState, e: EntityEvent): Transition<EntityState> {
  if (from === null) return refuse(from, 'DELETED', 'the application was deleted');
  const l = lockMoves(from, e);
  if (l) return l;
  switch (e.op) {
    case 'MAKE_SELECTABLE':
      return from === APP_STATE.INSTALLED
        ? { ok: true, from, to: APP_STATE.SELECTABLE }
        : refuse(
            from,
            from === APP_STATE.SELECTABLE ? 'SAME_STATE' : 'NOT_ALLOWED',
            'only INSTALLED → SELECTABLE',
          );
    case 'SET_APP_SPECIFIC':
      if (!isAppSpecific(e.coding))
        return refuse(from, 'UNKNOWN_CODING', `0x${hex(e.coding)} is not app-specific`);
      if (from === e.coding) return refuse(from, 'SAME_STATE', 'already in that state');
      return from === APP_STATE.SELECTABLE || isAppSpecific(from)
        ? { ok: true, from, to: e.coding }
        : refuse(from, 'NOT_ALLOWED', 'application-specific states follow SELECTABLE');
    case 'PERSONALIZE':
      return refuse(from, 'NOT_ALLOWED', 'PERSONALIZED is a security-domain state');
    case 'LOCK':
    case 'UNLOCK':
    case 'DELETE':
      return refuse(from, 'NOT_ALLOWED', e.op);
  }
}

/** The security-domain life cycle: INSTALLED → SELECTABLE → PERSONALIZED 0x0F; LOCK/UNLOCK; DELETE. */
export function sdTransition(from: EntityState, e: EntityEvent): Transition<EntityState> {
  if (from === null) return refuse(from, 'DELETED', 'the security domain was deleted');
  const l = lockMoves(from, e);
  if (l) return l;
  switch (e.op) {
    case 'MAKE_SELECTABLE':
      return from === SD_STATE.INSTALLED
        ? { ok: true, from, to: SD_STATE.SELECTABLE }
        : refuse(
            from,
            from === SD_STATE.SELECTABLE ? 'SAME_STATE' : 'NOT_ALLOWED',
            'only INSTALLED → SELECTABLE',
          );
    case 'PERSONALIZE':
      return from === SD_STATE.SELECTABLE
        ? { ok: true, from, to: SD_STATE.PERSONALIZED }
        : refuse(
            from,
            from === SD_STATE.PERSONALIZED ? 'SAME_STATE' : 'NOT_ALLOWED',
            'only SELECTABLE → PERSONALIZED',
          );
    case 'SET_APP_SPECIFIC':
      return refuse(from, 'NOT_ALLOWED', 'security domains have no application-specific states');
    case 'LOCK':
    case 'UNLOCK':
    case 'DELETE':
      return refuse(from, 'NOT_ALLOWED', e.op);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
