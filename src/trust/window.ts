// Evidence windows for the DTMS counters: W = 1 (default), W = k (ring buffer) or cumulative [trust-§1].
import { createEvidenceBatch, type EvidenceBatch } from './types.ts';

const FIELDS = ['requests', 'valid', 'late', 'tamperedCaught', 'duplicates'] as const;
const NF = FIELDS.length + 1; // + delay sum

/** Turns per-cycle counters into windowed counters; `window` 1 returns the batch itself. */
export interface EvidenceWindow {
  apply(batch: EvidenceBatch): EvidenceBatch;
}

/** Creates a window over `window` cycles (0 = cumulative since enrolment). */
export function createEvidenceWindow(size: number, window: number): EvidenceWindow {
  if (window === 1) return { apply: (b) => b };
  const depth = window === 0 ? 1 : window;
  const ring = new Float64Array(size * depth * NF);
  const sum = new Float64Array(size * NF);
  const view = createEvidenceBatch(size);
  const tc = view.tamperedCaught;
  const dup = view.duplicates;
  let slot = 0;
  return {
    apply(b) {
      const own = { requests: view.requests, valid: view.valid, late: view.late, meanDelay: view.meanDelay };
      Object.assign(view, b, own, { tamperedCaught: tc, duplicates: dup });
      for (let i = 0; i < b.size; i++) {
        const cur = FIELDS.map((f) => b[f][i] ?? 0);
        const replies = (b.valid[i] ?? 0) + (b.tamperedCaught[i] ?? 0);
        const d = b.meanDelay[i] ?? Number.NaN;
        cur.push(Number.isNaN(d) ? 0 : d * replies);
        for (let f = 0; f < NF; f++) {
          const at = (i * depth + slot) * NF + f;
          const old = window === 0 ? 0 : (ring[at] ?? 0);
          ring[at] = cur[f] ?? 0;
          sum[i * NF + f] = (sum[i * NF + f] ?? 0) + (cur[f] ?? 0) - old;
        }
        FIELDS.forEach((f, k) => {
          view[f][i] = sum[i * NF + k] ?? 0;
        });
        const rep = (view.valid[i] ?? 0) + (view.tamperedCaught[i] ?? 0);
        view.meanDelay[i] = rep > 0 ? (sum[i * NF + NF - 1] ?? 0) / rep : Number.NaN;
      }
      slot = (slot + 1) % depth;
      return view;
    },
  };
}
