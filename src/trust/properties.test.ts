// Scheme-level properties on random evidence: trust in [0,1]; more drops never raise trust [trust-§10].
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScheme } from './schemes.ts';
import {
  createCycleScores,
  createEvidenceBatch,
  OPS_FEATURES,
  type EvidenceBatch,
  type SchemeName,
} from './types.ts';

interface Ev {
  valid: number;
  late: number;
  caught: number;
  dup: number;
  delay: number;
  remaining: number;
}

const evArb = fc.record({
  valid: fc.integer({ min: 0, max: 20 }),
  late: fc.integer({ min: 0, max: 20 }),
  caught: fc.integer({ min: 0, max: 20 }),
  dup: fc.integer({ min: 0, max: 30 }),
  delay: fc.double({ min: 1, max: 300, noNaN: true }),
  remaining: fc.double({ min: 0, max: 2, noNaN: true }),
});

/** A batch of `evs.length` nodes, all active, with 20 requests each. */
function batchOf(evs: readonly Ev[], cycle: number): EvidenceBatch {
  const b = createEvidenceBatch(evs.length);
  b.cycle = cycle;
  evs.forEach((e, i) => {
    const valid = Math.min(e.valid, 20);
    const caught = Math.min(e.caught, 20 - valid);
    b.active[i] = 1;
    b.requests[i] = 20;
    b.valid[i] = valid;
    b.late[i] = Math.min(e.late, valid);
    b.tamperedCaught[i] = caught;
    b.duplicates[i] = e.dup;
    b.meanDelay[i] = valid + caught > 0 ? e.delay : Number.NaN;
    b.statusReport[i] = 1;
    b.attested[i] = 1;
    b.remaining[i] = e.remaining;
    b.initial[i] = 2;
    for (let k = 0; k < OPS_FEATURES; k++) b.ops[i * OPS_FEATURES + k] = 0.5;
  });
  return b;
}

/** Scores enrolment (everyone perfect) then the given cycle; returns the trust of the second cycle. */
function trustAfter(scheme: SchemeName, evs: readonly Ev[]): Float64Array {
  const s = createScheme(scheme, evs.length);
  const perfect = evs.map(() => ({ valid: 20, late: 0, caught: 0, dup: 0, delay: 20, remaining: 2 }));
  s.score(batchOf(perfect, 0), createCycleScores(evs.length));
  const out = createCycleScores(evs.length);
  s.score(batchOf(evs, 1), out);
  return out.trust;
}

const SCHEMES: SchemeName[] = ['paper', 'paper-rm', 'robust', 'brs', 'brs-attest', 'sl', 'tdtc'];

describe.each(SCHEMES)('%s on random evidence', (scheme) => {
  it('keeps trust in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(evArb, { minLength: 1, maxLength: 12 }), (evs) => {
        for (const t of trustAfter(scheme, evs)) {
          expect(t).toBeGreaterThanOrEqual(0);
          expect(t).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 60 },
    );
  });
  it('never gives a node more trust for dropping more replies', () => {
    fc.assert(
      fc.property(
        fc.array(evArb, { minLength: 3, maxLength: 8 }),
        fc.integer({ min: 1, max: 10 }),
        (evs, drop) => {
          const target = evs[0];
          if (target === undefined || target.valid === 0) return;
          const worse = [{ ...target, valid: Math.max(0, target.valid - drop), late: 0 }, ...evs.slice(1)];
          const better = [{ ...target, late: 0 }, ...evs.slice(1)];
          expect(trustAfter(scheme, worse)[0]).toBeLessThanOrEqual(
            (trustAfter(scheme, better)[0] ?? 0) + 1e-12,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
