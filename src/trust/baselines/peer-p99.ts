// Peer-percentile threshold detector in the manner of AWS IoT Device Defender's ML-free "statistical
// threshold" rules: per metric, the p99 of the peer group's values over a trailing window; a terminal
// breaching it on `consecutive` datapoints in a row alarms. Metrics only — no attestation [ADR-0012].
import { kthInPlace } from '../stats.ts';
import {
  NO_OVERHEAD,
  REASON_LOW_TRUST,
  explainThreshold,
  type CycleScores,
  type EvidenceBatch,
  type TrustScheme,
} from '../types.ts';

/** Parameters of the peer-p99 detector. */
export interface PeerP99Params {
  /** @default 0.99 — the statistical threshold's percentile */
  percentile: number;
  /** @default 10 — trailing window of cycles whose datapoints form the peer distribution */
  window: number;
  /** @default 3 — consecutive breaching datapoints to alarm (Device Defender's consecutiveDatapointsToAlarm) */
  consecutive: number;
}

export const DEFAULT_PEER_P99_PARAMS: Readonly<PeerP99Params> = Object.freeze({
  percentile: 0.99,
  window: 10,
  consecutive: 3,
});

/** Metrics: missing, tampered, late and duplicate rates per request, mean delay, energy use. */
const METRICS = ['missing', 'tampered', 'late', 'duplicates', 'delay', 'energy'] as const;
const NM = METRICS.length;
/** Explanation factor codes of the metrics (FACTOR_NAMES order). */
const FACTOR_OF = [1, 2, 3, 4, 5, 6];

function metric(b: EvidenceBatch, i: number, m: number, prev: Float64Array): number {
  const req = b.requests[i] ?? 0;
  const valid = b.valid[i] ?? 0;
  const caught = b.tamperedCaught[i] ?? 0;
  if (m === 4) return b.meanDelay[i] ?? Number.NaN;
  if (m === 5) return (prev[i] ?? Number.NaN) - (b.remaining[i] ?? 0);
  if (req <= 0) return Number.NaN;
  if (m === 0) return Math.max(0, req - valid - caught) / req;
  if (m === 1) return caught / req;
  if (m === 2) return (b.late[i] ?? 0) / Math.max(1, valid);
  return (b.duplicates[i] ?? 0) / req;
}

/** Creates the 'peer-p99' scheme. */
export function createPeerP99Scheme(opts: { size: number; params?: Partial<PeerP99Params> }): TrustScheme {
  const p = { ...DEFAULT_PEER_P99_PARAMS, ...opts.params };
  const n = opts.size;
  const ring = new Float64Array(n * p.window * NM).fill(Number.NaN);
  const run = new Int32Array(n * NM);
  const prev = new Float64Array(n).fill(Number.NaN);
  const scratch = new Float64Array(n * p.window);
  const value = new Float64Array(n * NM);
  const limit = new Float64Array(NM);
  let slot = 0;
  return {
    name: 'peer-p99',
    overhead: NO_OVERHEAD,
    score(b, out) {
      const g = b.groupStart;
      for (let k = 0; k + 1 < g.length; k++) {
        const from = g[k] ?? 0;
        const to = g[k + 1] ?? 0;
        for (let i = from; i < to; i++) {
          for (let m = 0; m < NM; m++) {
            const v = b.active[i] === 1 ? metric(b, i, m, prev) : Number.NaN;
            value[i * NM + m] = v;
            ring[(i * p.window + slot) * NM + m] = v;
          }
        }
        for (let m = 0; m < NM; m++)
          limit[m] = p99(ring, { from, to, m, window: p.window, q: p.percentile, scratch });
        for (let i = from; i < to; i++) if (b.active[i] === 1) judge(b, out, { i, p, run, value, limit });
      }
      for (let i = 0; i < n; i++) if (b.active[i] === 1) prev[i] = b.remaining[i] ?? 0;
      slot = (slot + 1) % p.window;
    },
  };
}

function p99(
  ring: Float64Array,
  o: { from: number; to: number; m: number; window: number; q: number; scratch: Float64Array },
): number {
  let len = 0;
  for (let i = o.from; i < o.to; i++) {
    for (let w = 0; w < o.window; w++) {
      const v = ring[(i * o.window + w) * NM + o.m] ?? Number.NaN;
      if (!Number.isNaN(v)) o.scratch[len++] = v;
    }
  }
  return len < 10 ? Number.NaN : kthInPlace(o.scratch, len, Math.ceil(o.q * len) - 1);
}

function judge(
  b: EvidenceBatch,
  out: CycleScores,
  o: { i: number; p: PeerP99Params; run: Int32Array; value: Float64Array; limit: Float64Array },
): void {
  const { i } = o;
  let worst = -Infinity;
  let alarm = -1;
  for (let m = 0; m < NM; m++) {
    const v = o.value[i * NM + m] ?? Number.NaN;
    const lim = o.limit[m] ?? Number.NaN;
    const breach = !Number.isNaN(v) && !Number.isNaN(lim) && v > lim;
    const r = (o.run[i * NM + m] = breach ? (o.run[i * NM + m] ?? 0) + 1 : 0);
    const margin = Number.isNaN(v) || Number.isNaN(lim) ? -Infinity : r + (breach ? 0 : -1);
    if (margin > worst) {
      worst = margin;
      explainThreshold(out, i, { value: v, threshold: lim, factor: FACTOR_OF[m] });
      out.baseline[i] = lim;
    }
    if (r >= o.p.consecutive && alarm < 0) alarm = m;
  }
  out.trust[i] = alarm >= 0 ? 0 : 1;
  if (b.cycle > 0 && alarm >= 0) {
    out.flag[i] = REASON_LOW_TRUST;
    out.detail[i] = `${METRICS[alarm] ?? ''} above the peers' p99 on ${o.p.consecutive} datapoints`;
  }
}
