// Frame-level attacks against the platform, their assignment to terminals and the ground truth.
import type { Random, TerminalId, UnixMillis } from '../core/index.ts';

/** What a malicious terminal does to its frames (platform-side attacks, issue 4 item 5). */
export type FrameAttackKind =
  | 'TAMPERED_CIPHERTEXT'
  | 'REPLAYED_FRAME'
  | 'COUNTER_ROLLBACK'
  | 'UNKNOWN_TERMINAL'
  | 'STALE_KEY_VERSION'
  | 'OVERSIZED_FRAME';

/** Round-robin order so every mix is balanced (as trust.md §8 does for A1–A8). */
export const FRAME_ATTACK_KINDS: readonly FrameAttackKind[] = [
  'TAMPERED_CIPHERTEXT',
  'REPLAYED_FRAME',
  'COUNTER_ROLLBACK',
  'UNKNOWN_TERMINAL',
  'STALE_KEY_VERSION',
  'OVERSIZED_FRAME',
];

/** The receiver's rejection reason each attack must produce [SGT1-1.2 receiver rules]. */
export const EXPECTED_REJECTION: Readonly<Record<FrameAttackKind, readonly string[]>> = {
  TAMPERED_CIPHERTEXT: ['BAD_TAG'],
  REPLAYED_FRAME: ['REPLAY'],
  COUNTER_ROLLBACK: ['REPLAY'],
  UNKNOWN_TERMINAL: ['UNKNOWN_TERMINAL'],
  // the previous version is either retired (not usable) or was never issued (unknown)
  STALE_KEY_VERSION: ['KEY_NOT_USABLE', 'UNKNOWN_KEY'],
  OVERSIZED_FRAME: ['OVERSIZE'],
};

/** Per-attacker parameters drawn at assignment [A]. */
export interface FrameAttackParams {
  /** Share of the attacker's frames that are attacked after the onset (TAMPERED, STALE, OVERSIZED). */
  readonly rate: number;
  /** Extra copies per genuine frame (REPLAYED_FRAME). */
  readonly copies: number;
  /** How far the counter jumps back (COUNTER_ROLLBACK), frames; > 64 so it leaves the window. */
  readonly rollback: number;
}

/** Ground truth: who is malicious, which attack, from when. */
export interface AttackTruth {
  readonly terminal: TerminalId;
  readonly index: number;
  readonly attack: FrameAttackKind;
  readonly onset: UnixMillis;
  readonly params: FrameAttackParams;
  readonly expectedRejection: readonly string[];
}

export interface AssignAttacksOptions {
  readonly ids: readonly TerminalId[];
  /** Share of terminals that are malicious, 0..1. */
  readonly ratio: number;
  readonly start: UnixMillis;
  /** Onsets are uniform in [start, start + onsetWindowMs). */
  readonly onsetWindowMs: number;
  readonly kinds?: readonly FrameAttackKind[];
}

/** Picks `round(ratio · n)` distinct terminals (partial Fisher–Yates) and assigns attacks round-robin. */
export function assignFrameAttacks(o: AssignAttacksOptions, rnd: Random): AttackTruth[] {
  const n = o.ids.length;
  const count = Math.round(Math.min(1, Math.max(0, o.ratio)) * n);
  const kinds = o.kinds ?? FRAME_ATTACK_KINDS;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const out: AttackTruth[] = [];
  for (let k = 0; k < count && kinds.length > 0; k++) {
    const j = rnd.int(k, n - 1);
    const pick = order[j] ?? 0;
    order[j] = order[k] ?? 0;
    order[k] = pick;
    const attack = kinds[k % kinds.length] ?? 'TAMPERED_CIPHERTEXT';
    out.push({
      terminal: o.ids[pick] ?? ('' as TerminalId),
      index: pick,
      attack,
      onset: (o.start + Math.floor(rnd.next() * o.onsetWindowMs)) as UnixMillis,
      params: { rate: rnd.uniform(0.3, 0.7), copies: rnd.int(1, 3), rollback: rnd.int(100, 1000) },
      expectedRejection: EXPECTED_REJECTION[attack],
    });
  }
  return out.sort((a, b) => a.index - b.index);
}
