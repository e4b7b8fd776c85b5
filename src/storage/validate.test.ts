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

  it('refuses a reading or evidence row exactly when one of its fields breaks its rule (property)', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constant(Number.NaN),
      fc.constant(Infinity),
      fc.constant(-1),
      fc.constant(1.5),
      fc.integer({ min: 0, max: 5000 }),
    );
    const reading = fc.record({
      terminal: fc.constantFrom('4d4d4d0000bc614e', '4D4D4D0000BC614E'),
      purpose: value,
      keyVersion: value,
      fc: value,
      ts: value,
      receivedAt: value,
      voltage: value,
      energyExport: value,
    });
    const isInt = (v: unknown, lo: number, hi: number) =>
      Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
    const finite = (v: unknown) => v === undefined || v === null || Number.isFinite(v);
    fc.assert(
      fc.property(reading, (r) => {
        const ok =
          PATTERN.test(r.terminal) &&
          isInt(r.purpose, 1, 15) &&
          isInt(r.keyVersion, 1, 4095) &&
          isInt(r.fc, 1, 0xffff_ffff) &&
          Number.isSafeInteger(r.ts) &&
          Number.isSafeInteger(r.receivedAt) &&
          finite(r.voltage) &&
          finite(r.energyExport);
        const run = () => validateBatch({ readings: [r] } as never);
        if (ok) expect(run).not.toThrow();
        else expect(run).toThrow(/readings\[0\]\./);
      }),
      { numRuns: 1000 },
    );
    const evidence = fc.record({
      terminal: fc.constant('4d4d4d0000bc614e'),
      cycle: value,
      late: value,
      delaySumMs: value,
    });
    fc.assert(
      fc.property(evidence, (e) => {
        const count = (v: unknown) => v == null || isInt(v, 0, Number.MAX_SAFE_INTEGER);
        const ok =
          isInt(e.cycle, 0, Number.MAX_SAFE_INTEGER) &&
          count(e.late) &&
          (e.delaySumMs === undefined || (Number.isFinite(e.delaySumMs) && (e.delaySumMs as number) >= 0));
        const run = () => validateBatch({ evidenceDeltas: [e] } as never);
        if (ok) expect(run).not.toThrow();
        else expect(run).toThrow(/evidenceDeltas\[0\]/);
      }),
      { numRuns: 1000 },
    );
  });
});
