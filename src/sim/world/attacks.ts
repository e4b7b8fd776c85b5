// Attack behaviours A1–A8 of trust spec §8: per-node parameters, onsets and the on-off state machine.
import type { Random } from '../../core/index.ts';
import { WORLD, type AttackIntensity, type AttackType } from './params.ts';

/** Per-node attack parameters drawn at world creation [trust-§8]. */
export interface AttackState {
  type: AttackType;
  onset: number;
  pDrop: number;
  pTamp: number;
  pDly: number;
  muRep: number;
  mE: number;
  /** Subtle A3: fixed extra delay on every reply, ms (0 = the §8 random delay). */
  dlyMs: number;
  /** Duty-cycle footprint of an energy drain on the status report. */
  duty: number;
  /** A7: which behaviour runs while ON. */
  onBehaviour: 'A1' | 'A3' | 'A4';
  /** On-off phase: ON at onset, then alternating U{2..4}-cycle phases. */
  on: boolean;
  phaseLeft: number;
}

/** Draws the parameters of one attacker. */
export function drawAttack(
  type: AttackType,
  rnd: Random,
  intensity: AttackIntensity = 'default',
): AttackState {
  const a = drawDefault(type, rnd);
  if (intensity === 'default') return a;
  a.pDrop = type === 'A8' ? rnd.uniform(0.1, 0.2) : rnd.uniform(0.05, 0.1);
  a.pTamp = rnd.uniform(0.05, 0.1);
  a.pDly = 1;
  a.dlyMs = rnd.uniform(10, 30);
  a.muRep = rnd.uniform(0.05, 0.15);
  a.mE = rnd.uniform(1.5, 3);
  a.duty = 0.1;
  return a;
}

function drawDefault(type: AttackType, rnd: Random): AttackState {
  const onBehaviours = ['A1', 'A3', 'A4'] as const;
  return {
    dlyMs: 0,
    duty: 0.4,
    type,
    onset: rnd.int(1, WORLD.onsetMax),
    pDrop: type === 'A8' ? rnd.uniform(0.6, 0.9) : rnd.uniform(0.3, 0.7),
    pTamp: rnd.uniform(0.3, 0.7),
    pDly: rnd.uniform(0.5, 1),
    muRep: rnd.uniform(0.5, 1.5),
    mE: rnd.uniform(5, 15),
    onBehaviour: onBehaviours[rnd.int(0, 2)] ?? 'A1',
    on: false,
    phaseLeft: 0,
  };
}

/** Advances the on-off machine of A7/A8 at the start of cycle t; other types are ON from onset. */
export function advanceAttack(a: AttackState, t: number, rnd: Random): void {
  if (t < a.onset) {
    a.on = false;
    return;
  }
  if (a.type !== 'A7' && a.type !== 'A8') {
    a.on = true;
    return;
  }
  if (t === a.onset) {
    a.on = true;
    a.phaseLeft = rnd.int(2, 4);
  }
  if (a.phaseLeft <= 0) {
    a.on = !a.on;
    a.phaseLeft = rnd.int(2, 4);
  }
  a.phaseLeft--;
}

/** Which behaviours are live this cycle. */
export interface LiveBehaviour {
  drop: number;
  tamper: number;
  delay: number;
  /** Fixed extra delay per delayed reply, ms (0 = U(0.5, 1.5)·TimeThreshold). */
  delayMs: number;
  replay: number;
  drain: number;
  /** Duty-cycle feature shift that comes with a drain. */
  duty: number;
  firmware: boolean;
  masking: 'off' | 'on-dirty' | 'off-spoof';
}

const NONE: LiveBehaviour = {
  drop: 0,
  tamper: 0,
  delay: 0,
  replay: 0,
  delayMs: 0,
  drain: 1,
  duty: 0,
  firmware: false,
  masking: 'off',
};

/** The behaviour of an attacker in its current phase (NONE before onset). */
export function liveBehaviour(a: AttackState | undefined, t: number): LiveBehaviour {
  if (a === undefined || t < a.onset) return NONE;
  switch (a.type) {
    case 'A1':
      return { ...NONE, drop: a.pDrop };
    case 'A2':
      return { ...NONE, tamper: a.pTamp };
    case 'A3':
      return { ...NONE, delay: a.pDly, delayMs: a.dlyMs };
    case 'A4':
      return { ...NONE, replay: a.muRep };
    case 'A5':
      return { ...NONE, firmware: true };
    case 'A6':
      return { ...NONE, drain: a.mE, duty: a.duty };
    case 'A7':
      if (!a.on) return NONE;
      if (a.onBehaviour === 'A1') return { ...NONE, drop: a.pDrop };
      if (a.onBehaviour === 'A3') return { ...NONE, delay: a.pDly, delayMs: a.dlyMs };
      return { ...NONE, replay: a.muRep };
    case 'A8':
      return a.on ? { ...NONE, drop: a.pDrop, masking: 'on-dirty' } : { ...NONE, masking: 'off-spoof' };
  }
}

/** Poisson variate (Knuth; fine for the small means used here). */
export function poisson(rnd: Random, mean: number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = rnd.next();
  while (p > l) {
    k++;
    p *= rnd.next();
  }
  return k;
}

/** Binomial variate by Bernoulli trials (n is small: at most a few dozen). */
export function binomial(rnd: Random, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rnd.next() < p) k++;
  return k;
}
