// Subjective-logic trust with discounted, averaged recommendations (Jøsang's operators) [trust-§7.3].
import { REASON_LOW_TRUST, type TrustScheme, explainThreshold } from '../types.ts';
import {
  createBetaState,
  DEFAULT_BASELINE_PARAMS,
  directEvents,
  updateBeta,
  type BaselineParams,
} from './beta.ts';
import { createPairStore } from './recs.ts';
import { RECOMMENDATION_OVERHEAD } from './tdtc.ts';

/** A subjective opinion (b, d, u); base rate a = 1/2 throughout. */
export interface Opinion {
  b: number;
  d: number;
  u: number;
}

/** Evidence → opinion with non-informative weight W [trust-§7.3]. */
export function toOpinion(r: number, s: number, w: number): Opinion {
  const k = r + s + w;
  return { b: r / k, d: s / k, u: w / k };
}

/** Discounting A⊗B: b = b_AB·b_Bx; d = b_AB·d_Bx; u = d_AB + u_AB + b_AB·u_Bx [trust-§7.3]. */
export function discount(ab: Opinion, bx: Opinion): Opinion {
  return { b: ab.b * bx.b, d: ab.b * bx.d, u: ab.d + ab.u + ab.b * bx.u };
}

/** Creates the SL scheme: direct + average of discounted recommendations (cumulative fusion). */
export function createSlScheme(opts: { size: number; params?: Partial<BaselineParams> }): TrustScheme {
  const p = { ...DEFAULT_BASELINE_PARAMS, ...opts.params };
  const st = createBetaState(opts.size);
  const recs = createPairStore(opts.size);
  return {
    name: 'sl',
    overhead: RECOMMENDATION_OVERHEAD,
    score(b, out) {
      for (let i = 0; i < b.size; i++) if (b.active[i] === 1) updateBeta(st, i, directEvents(b, i), p.lambda);
      recs.update(b, p.lambda);
      for (let i = 0; i < b.size; i++) {
        if (b.active[i] !== 1) continue;
        let rSum = 0;
        let sSum = 0;
        let cnt = 0;
        for (const rec of recs.about(i)) {
          const ftK = toOpinion(st.r[rec.from] ?? 0, st.s[rec.from] ?? 0, p.w);
          const o = discount(ftK, toOpinion(rec.r, rec.s, p.w));
          rSum += (p.w * o.b) / o.u;
          sSum += (p.w * o.d) / o.u;
          cnt++;
        }
        const rd = st.r[i] ?? 0;
        const sd = st.s[i] ?? 0;
        const r = rd + (cnt > 0 ? rSum / cnt : 0);
        const s = sd + (cnt > 0 ? sSum / cnt : 0);
        const prob = (r + p.w * 0.5) / (r + s + p.w);
        out.trust[i] = prob;
        explainThreshold(out, i, { value: prob, threshold: p.theta });
        if (b.cycle > 0 && prob < p.theta && rd + sd >= p.minEvidence) {
          out.flag[i] = REASON_LOW_TRUST;
          out.detail[i] = `P=${prob.toFixed(3)} recommenders=${cnt}`;
        }
      }
    },
  };
}
