// Recommendation evidence per (recommender, target) pair with forgetting, for SL and TDTC [trust-§7.1, §7.3].
import type { EvidenceBatch } from '../types.ts';

/** Forgetting evidence a recommender k reported about target i. */
export interface PairStore {
  /** Decays every pair by λ, then adds this cycle's reports. */
  update(b: EvidenceBatch, lambda: number): void;
  /** Recommenders of target i with their (r, s). */
  about(i: number): readonly { from: number; r: number; s: number }[];
  /** Targets recommender k reported on, with (r, s). */
  from(k: number): readonly { about: number; r: number; s: number }[];
}

interface Pair {
  from: number;
  about: number;
  r: number;
  s: number;
}

export function createPairStore(size: number): PairStore {
  const pairs = new Map<number, Pair>();
  const byTarget: Pair[][] = Array.from({ length: size }, () => []);
  const byFrom: Pair[][] = Array.from({ length: size }, () => []);
  return {
    update(b, lambda) {
      for (const p of pairs.values()) {
        p.r *= lambda;
        p.s *= lambda;
      }
      for (let m = 0; m < b.repCount; m++) {
        const from = b.repFrom[m] ?? 0;
        const about = b.repAbout[m] ?? 0;
        const key = from * size + about;
        let p = pairs.get(key);
        if (p === undefined) {
          p = { from, about, r: 0, s: 0 };
          pairs.set(key, p);
          byTarget[about]?.push(p);
          byFrom[from]?.push(p);
        }
        p.r += b.repPos[m] ?? 0;
        p.s += b.repNeg[m] ?? 0;
      }
    },
    about: (i) => byTarget[i] ?? [],
    from: (k) => byFrom[k] ?? [],
  };
}
