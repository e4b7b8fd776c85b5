// Demo flagging: threshold, dominant reason, crossing cycle, detection counts.
import { describe, expect, it } from 'vitest';
import type { TerminalId } from '../../core/index.ts';
import type { EvidenceRecord } from '../../storage/index.ts';
import { flagTerminals, scoreDetection } from './flagging.ts';

const A = 'aaaaaaaaaaaaaaaa' as TerminalId;
const B = 'bbbbbbbbbbbbbbbb' as TerminalId;
const ev = (terminal: TerminalId, cycle: number, requests: number, replies: number): EvidenceRecord => ({
  terminal,
  cycle,
  requests,
  replies,
  duplicates: 0,
  late: 0,
  integrityFailures: 0,
  delaySumMs: 0,
  delayCount: 0,
  meanDelayMs: null,
});

describe('flagTerminals', () => {
  it('flags at the threshold with the dominant reason and the crossing cycle; ignores unattributable reasons', () => {
    const rejects = {
      byReason: {},
      byTerminal: [
        { terminal: A, reason: 'BAD_TAG', count: 3 },
        { terminal: A, reason: 'REPLAY', count: 1 },
        { terminal: B, reason: 'REPLAY', count: 1 },
        { terminal: B, reason: 'OVERSIZE', count: 9 },
      ],
    };
    const evidence = [ev(A, 10, 3, 2), ev(A, 11, 3, 1), ev(A, 12, 3, 2), ev(B, 10, 5, 4)];
    const flagged = flagTerminals(rejects, evidence, 2);
    expect(flagged).toEqual([{ id: A, reason: 'BAD_TAG', cycle: 11 }]);
    expect(scoreDetection(flagged, new Set([A, B]))).toEqual({
      truePositives: 1,
      falsePositives: 0,
      falseNegatives: 1,
    });
  });
});
