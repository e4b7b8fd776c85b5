// The model's validating constructors: system titles normalise or are refused with a code and a hint.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_COUNTER_FIELDS,
  ModelError,
  emptyEvidence,
  parseTerminalId,
  partitionOf,
  sumEvidence,
  toTerminalId,
} from './index.ts';

describe('toTerminalId / parseTerminalId', () => {
  it('normalises case, colons and spaces to 16 lower-case hex digits', () => {
    expect(toTerminalId('4D:4D:4D:00 00:BC:61:4E')).toBe('4d4d4d0000bc614e');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (b) => {
        const hex = Buffer.from(b).toString('hex');
        return toTerminalId(hex.toUpperCase()) === hex;
      }),
    );
  });

  it('refuses anything that is not 8 bytes of hex, with a code and a hint', () => {
    for (const bad of ['', '4d4d4d0000bc614', '4d4d4d0000bc614e00', 'zz4d4d0000bc614e']) {
      expect(toTerminalId(bad)).toBeUndefined();
      expect(() => parseTerminalId(bad, '--terminal')).toThrow(ModelError);
    }
    try {
      parseTerminalId('nope', '--terminal');
    } catch (e) {
      expect(e).toMatchObject({
        code: 'GT_ERR_MODEL_BAD_TERMINAL_ID',
        message: '--terminal is not a system title',
      });
      expect((e as ModelError).hint).toMatch(/16 hex digits/);
    }
  });

  it('puts a terminal without a fusion terminal in the platform partition', () => {
    expect(partitionOf({ fusionTerminal: null })).toBe('platform');
    expect(partitionOf({ fusionTerminal: '4d4d4d0000000001' })).toBe('4d4d4d0000000001');
  });
});

describe('evidence counters', () => {
  it('sums counter by counter, every field of the one field list', () => {
    const a = { ...emptyEvidence('t', 3), requests: 2, delaySumMs: 10.5 };
    const b = { ...emptyEvidence('u', 4), requests: 1, late: 1, delaySumMs: 1 };
    const s = sumEvidence(a, b);
    expect(s).toEqual({ ...emptyEvidence('t', 3), requests: 3, late: 1, delaySumMs: 11.5 });
    expect(Object.keys(emptyEvidence('t', 0)).slice(2)).toEqual([...EVIDENCE_COUNTER_FIELDS]);
  });
});
