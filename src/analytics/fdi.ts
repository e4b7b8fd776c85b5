// False-data injection for the trust experiment [issue 22; trust spec attacker set]: scaling, replay of
// old days, constant and random readings injected into a share of the households from a start index.
import type { Random } from '../core/index.ts';
import type { LoadTable } from './preprocess.ts';

/** The attacks of the experiment. */
export const FDI_ATTACKS = ['scaling', 'replay', 'constant', 'random'] as const;
/** One of {@link FDI_ATTACKS}. */
export type FdiAttack = (typeof FDI_ATTACKS)[number];

/** Options of {@link injectFdi}. */
export interface FdiOptions {
  attack: FdiAttack;
  /** Share of the customers attacked, 0..1. */
  share: number;
  /** First attacked interval index (the attack lasts to the end). */
  from: number;
  /** Intervals per day (replay copies whole days). */
  day: number;
  random: Random;
}

function attackColumn(col: Float64Array, o: FdiOptions, r: Random): Float64Array {
  const out = Float64Array.from(col);
  let mean = 0;
  let n = 0;
  for (let i = 0; i < o.from; i++)
    if (!Number.isNaN(col[i] ?? NaN)) [mean, n] = [mean + (col[i] ?? 0), n + 1];
  mean = n > 0 ? mean / n : 0;
  const factor = r.uniform(2, 4);
  const lag = o.day * r.int(28, 56);
  for (let i = o.from; i < col.length; i++) {
    if (o.attack === 'scaling') out[i] = (col[i] ?? NaN) * factor;
    else if (o.attack === 'replay') out[i] = col[i - lag] ?? col[i] ?? NaN;
    else if (o.attack === 'constant') out[i] = 3 * mean;
    else out[i] = r.uniform(0, 6 * mean);
  }
  return out;
}

/**
 * Returns the attacked table and the attacked ids: ⌈share · customers⌉ customers (drawn with `random`)
 * report false data from `from` on — scaled by a factor in [2, 4], replayed from 4–8 weeks earlier,
 * constant at 3× their own mean, or uniform random in [0, 6× mean].
 */
export function injectFdi(t: LoadTable, o: FdiOptions): { table: LoadTable; attacked: string[] } {
  const k = Math.ceil(o.share * t.ids.length);
  const order = t.ids.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = o.random.int(0, i);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const hit = new Set(order.slice(0, k));
  return {
    table: {
      timestamps: t.timestamps,
      ids: t.ids,
      columns: t.columns.map((c, i) => (hit.has(i) ? attackColumn(c, o, o.random) : c)),
    },
    attacked: [...hit].map((i) => t.ids[i] ?? '').sort(),
  };
}

/** Mean distance from each reference centre to its nearest centre of `other` (both k × d, row-major). */
export function centreDistance(ref: Float64Array, other: Float64Array, d: number): number {
  const k = ref.length / d;
  const m = other.length / d;
  let sum = 0;
  for (let a = 0; a < k; a++) {
    let best = Infinity;
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += ((ref[a * d + t] ?? 0) - (other[b * d + t] ?? 0)) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
    sum += best;
  }
  return sum / Math.max(1, k);
}
