// Evidence lines: every malformed line is a value with a reason; the engine scores and quarantines.
import { describe, expect, it } from 'vitest';
import { createWorld, toEvidenceRecords } from '../sim/index.ts';
import { evidenceFromCounters } from './counters.ts';
import { createTrustEngine } from './engine.ts';
import { parseEvidenceLine, type EvidenceRecord } from './evidence.ts';
import { NO_OVERHEAD } from './types.ts';

const good = {
  terminal: 'm-1',
  fusionTerminal: 'ft-1',
  cycle: 1,
  requests: 20,
  validReplies: 18,
  duplicates: 0,
  lateReplies: 1,
  tamperedCaught: 1,
  meanDelayMs: 31.5,
  remainingEnergyJ: 1.9,
  initialEnergyJ: 2,
};

describe('parseEvidenceLine', () => {
  it('accepts a well-formed line', () => {
    expect(parseEvidenceLine(JSON.stringify(good)).ok).toBe(true);
  });
  it.each([
    ['{', 'BAD_JSON'],
    ['[1]', 'NOT_OBJECT'],
    [JSON.stringify({ ...good, terminal: undefined }), 'MISSING_FIELD'],
    [JSON.stringify({ ...good, requests: 'x' }), 'BAD_TYPE'],
    [JSON.stringify({ ...good, duplicates: -1 }), 'OUT_OF_RANGE'],
    [JSON.stringify({ ...good, validReplies: 25 }), 'INCONSISTENT'],
    [JSON.stringify({ ...good, lateReplies: 19 }), 'INCONSISTENT'],
    [JSON.stringify({ ...good, attestation: { hw: ['a'], sw: [] } }), 'BAD_TYPE'],
    [JSON.stringify({ ...good, operatingState: [0.1, 2, 0, 0] }), 'BAD_TYPE'],
  ])('rejects %s with %s', (line, reason) => {
    const r = parseEvidenceLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.hint.length).toBeGreaterThan(0);
    }
  });
});

describe('createTrustEngine', () => {
  it('scores exported world evidence, quarantines attackers and lets an operator reinstate', () => {
    const w = createWorld({ seed: 11, n: 30, maliciousRatio: 0.2, attacks: ['A1', 'A5'] });
    const engine = createTrustEngine({ scheme: 'robust' });
    const overhead = { statusReportBits: 1024, attestJoules: 0.5e-3, attestEvery: 1, recommendations: false };
    const excluded = new Uint8Array(w.size);
    let flagged: string[] = [];
    for (let t = 0; t <= 15; t++) {
      const recs: EvidenceRecord[] = toEvidenceRecords(w, w.step({ excluded, overhead }));
      for (const r of recs) expect(parseEvidenceLine(JSON.stringify(r)).ok).toBe(true);
      flagged = flagged.concat(engine.scoreCycle(recs).flatMap((d) => (d.flag === null ? [] : [d.terminal])));
    }
    const bad = w.nodes.filter((_, i) => w.truth.malicious[i] === 1).map((n) => n.id);
    expect(flagged.sort()).toEqual(bad.sort());
    expect(engine.quarantined().length).toBe(bad.length);
    expect(engine.reinstate(bad[0] ?? '')).toBe(true);
    expect(engine.quarantined().length).toBe(bad.length - 1);
    expect(NO_OVERHEAD.statusReportBits).toBe(0);
  });
  it('keeps fusion terminals apart: peers are compared within their own group', () => {
    const engine = createTrustEngine({ scheme: 'paper' });
    const mk = (ft: string, id: string): EvidenceRecord => ({
      ...good,
      terminal: id,
      fusionTerminal: ft,
      cycle: 0,
      tamperedCaught: 0,
    });
    const d = engine.scoreCycle([mk('a', 'x'), mk('b', 'y')]);
    expect(d.map((x) => x.fusionTerminal)).toEqual(['a', 'b']);
    expect(d.every((x) => x.trust > 0 && x.trust <= 1)).toBe(true);
  });
});

describe('evidenceFromCounters', () => {
  it('maps ingest counters to a valid record and flags tampering at the platform tier', () => {
    const engine = createTrustEngine({ scheme: 'robust' });
    const c = (terminal: string, cycle: number, integrityFailures: number) => ({
      terminal,
      cycle,
      requests: 96,
      replies: 96 - integrityFailures,
      duplicates: 0,
      late: 0,
      integrityFailures,
      delaySumMs: 96 * 900,
      delayCount: 96,
    });
    for (let t = 0; t < 4; t++) {
      const recs = ['ft-a', 'ft-b', 'ft-c'].map((id) =>
        evidenceFromCounters(c(id, t, id === 'ft-c' && t >= 2 ? 5 : 0), { fusionTerminal: 'platform' }),
      );
      for (const r of recs) expect(parseEvidenceLine(JSON.stringify(r)).ok).toBe(true);
      engine.scoreCycle(recs);
    }
    expect(engine.quarantined().map((q) => q.terminal)).toEqual(['ft-c']);
  });
  it('does not feed whole-second delays to the delay test: sub-second arrival offsets are no alarm', () => {
    const engine = createTrustEngine({ scheme: 'robust' });
    for (let t = 0; t < 30; t++) {
      // arrival − whole-second t: 0–999 ms of rounding alone, changing from cycle to cycle
      const offset = t % 2 === 0 ? 20 : 980;
      const recs = ['m-a', 'm-b', 'm-c'].map((id) =>
        evidenceFromCounters(
          {
            terminal: id,
            cycle: t,
            requests: 5,
            replies: 5,
            duplicates: 0,
            late: 0,
            integrityFailures: 0,
            delaySumMs: 5 * offset,
            delayCount: 5,
          },
          { fusionTerminal: 'platform' },
        ),
      );
      expect(recs[0]?.delayResolutionMs).toBe(1000);
      engine.scoreCycle(recs);
    }
    expect(engine.quarantined()).toEqual([]);
  });
});
