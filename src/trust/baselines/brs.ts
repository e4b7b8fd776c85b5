// Beta Reputation System with forgetting (Jøsang & Ismail 2002) and the BRS+attest variant [trust-§7.2].
import { DTMS_OVERHEAD } from '../paper.ts';
import { NO_OVERHEAD, REASON_LOW_TRUST, type TrustScheme, explainThreshold } from '../types.ts';
import {
  coreAttestationFailed,
  createBetaState,
  DEFAULT_BASELINE_PARAMS,
  directEvents,
  expectation,
  updateBeta,
  type BaselineParams,
} from './beta.ts';

export interface BrsOptions {
  size: number;
  params?: Partial<BaselineParams>;
  /** Count a failed core attestation as wAtt negative events (needs status reports). */
  attest?: boolean;
}

/** Creates BRS ('brs') or BRS+attest ('brs-attest'). */
export function createBrsScheme(opts: BrsOptions): TrustScheme {
  const p = { ...DEFAULT_BASELINE_PARAMS, ...opts.params };
  const st = createBetaState(opts.size);
  const attest = opts.attest === true;
  return {
    name: attest ? 'brs-attest' : 'brs',
    overhead: attest ? DTMS_OVERHEAD : NO_OVERHEAD,
    score(b, out) {
      for (let i = 0; i < b.size; i++) {
        if (b.active[i] !== 1) continue;
        const ev = directEvents(b, i);
        if (attest && coreAttestationFailed(b, i)) ev.neg += p.wAtt;
        updateBeta(st, i, ev, p.lambda);
        const r = st.r[i] ?? 0;
        const s = st.s[i] ?? 0;
        const e = expectation(r, s);
        out.trust[i] = e;
        explainThreshold(out, i, { value: e, threshold: p.theta });
        if (b.cycle > 0 && e < p.theta && r + s >= p.minEvidence) {
          out.flag[i] = REASON_LOW_TRUST;
          out.detail[i] = `E=${e.toFixed(3)} r=${r.toFixed(1)} s=${s.toFixed(1)}`;
        }
      }
    },
  };
}
