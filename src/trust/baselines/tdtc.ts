// TDTC = CCTM of Xu et al. 2020, reconstructed from the abstract: KNN-filtered recommended trust [trust-§7.1].
import { REASON_LOW_TRUST, type SchemeOverhead, type TrustScheme, explainThreshold } from '../types.ts';
import {
  createBetaState,
  DEFAULT_BASELINE_PARAMS,
  directEvents,
  expectation,
  updateBeta,
  type BaselineParams,
} from './beta.ts';
import { createPairStore, type PairStore } from './recs.ts';

/** Overhearing + one recommendation packet per cycle (paid by the world) [trust-§9]. */
export const RECOMMENDATION_OVERHEAD: SchemeOverhead = Object.freeze({
  statusReportBits: 0,
  attestJoules: 0,
  attestEvery: 1,
  recommendations: true,
});

/** dist_k = sqrt(mean_j (R_k(j) − D_j)²) over the targets k reported on. */
function recommenderDistance(recs: PairStore, k: number, direct: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (const e of recs.from(k)) {
    const d = direct[e.about] ?? Number.NaN;
    if (Number.isNaN(d)) continue;
    sum += (expectation(e.r, e.s) - d) ** 2;
    n++;
  }
  return n > 0 ? Math.sqrt(sum / n) : 1;
}

/** Creates TDTC ("CCTM, reconstructed from abstract"). */
export function createTdtcScheme(opts: { size: number; params?: Partial<BaselineParams> }): TrustScheme {
  const p = { ...DEFAULT_BASELINE_PARAMS, ...opts.params };
  const st = createBetaState(opts.size);
  const recs = createPairStore(opts.size);
  const direct = new Float64Array(opts.size);
  const dist = new Float64Array(opts.size);
  return {
    name: 'tdtc',
    overhead: RECOMMENDATION_OVERHEAD,
    score(b, out) {
      direct.fill(Number.NaN);
      for (let i = 0; i < b.size; i++) {
        if (b.active[i] !== 1) continue;
        updateBeta(st, i, directEvents(b, i), p.lambda);
        direct[i] = expectation(st.r[i] ?? 0, st.s[i] ?? 0);
      }
      recs.update(b, p.lambda);
      for (let k = 0; k < b.size; k++) dist[k] = recommenderDistance(recs, k, direct);
      for (let i = 0; i < b.size; i++) {
        if (b.active[i] !== 1) continue;
        const chosen = recs
          .about(i)
          .filter((e) => b.active[e.from] === 1)
          .sort((x, y) => (dist[x.from] ?? 1) - (dist[y.from] ?? 1))
          .slice(0, p.k);
        let num = 0;
        let den = 0;
        for (const e of chosen) {
          const w = Math.max(0, 1 - (dist[e.from] ?? 1));
          num += w * expectation(e.r, e.s);
          den += w;
        }
        const rt = den > 0 ? num / den : (direct[i] ?? 0);
        out.trust[i] = rt;
        explainThreshold(out, i, { value: rt, threshold: p.theta });
        const ev = (st.r[i] ?? 0) + (st.s[i] ?? 0);
        if (b.cycle > 0 && rt < p.theta && ev >= p.minEvidence) {
          out.flag[i] = REASON_LOW_TRUST;
          out.detail[i] = `RT=${rt.toFixed(3)} D=${(direct[i] ?? 0).toFixed(3)} K=${chosen.length}`;
        }
      }
    },
  };
}
