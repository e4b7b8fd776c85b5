// Batch validation: the terminal id check agrees with its pattern, and bad rows are refused by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalIdText, validateBatch } from './validate.ts';

const PATTERN = /^[0-9a-f]{16}$/;

describe('validate', () => {
  it('accepts exactly the 16 lower-case hex digit ids (property vs the pattern)', () => {
    const near = fc.stringMatching(/^[0-9a-fA-Gz\n ]{14,18}$/);
    fc.assert(
      fc.property(
        fc.oneof(
          near,
          fc.string(),
          fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('hex')),
        ),
        (t) => {
          expect(isTerminalIdText(t)).toBe(PATTERN.test(t));
        },
      ),
      { numRuns: 2000 },
    );
    expect(isTerminalIdText('4d4d4d0000bc614e')).toBe(true);
    for (const bad of ['4D4D4D0000BC614E', '4d4d4d0000bc614', '4d4d4d0000bc614e\n', '4d4d4d0000bc614g'])
      expect(isTerminalIdText(bad)).toBe(false);
  });

  it('names the first bad field of a batch', () => {
    const reading = { terminal: '4d4d4d0000bc614e', purpose: 1, keyVersion: 1, fc: 1, ts: 0, receivedAt: 0 };
    expect(() => validateBatch({ readings: [reading] } as never)).not.toThrow();
    expect(() =>
      validateBatch({ readings: [{ ...reading, terminal: '4D4D4D0000BC614E' }] } as never),
    ).toThrow(/readings\[0\]\.terminal/);
    const update = { terminal: 'x', purpose: 1, dir: 0, version: 1, state: { highest: 1, bitmap: 1n } };
    expect(() => validateBatch({ replayUpdates: [update] } as never)).toThrow(/replayUpdates\[0\]\.terminal/);
  });
});
