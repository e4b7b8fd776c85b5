// The SP 800-57 transition table of spec §3.1, cell by cell, plus properties of paths through it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KEY_STATES,
  checkKeyTransition,
  keyPhase,
  mayProcess,
  mayProtect,
  type KeyState,
} from './lifecycle.ts';

// Spec §3.1 table, transcribed independently of the implementation: row "from", the ✓ columns.
const SPEC_TABLE: Record<KeyState, KeyState[]> = {
  'pre-activation': ['active', 'compromised', 'destroyed'],
  active: ['suspended', 'deactivated', 'compromised', 'destroyed'],
  suspended: ['active', 'deactivated', 'compromised', 'destroyed'],
  deactivated: ['compromised', 'destroyed'],
  compromised: ['destroyed'],
  destroyed: [],
};

describe('checkKeyTransition [spec §3.1]', () => {
  for (const from of KEY_STATES) {
    for (const to of KEY_STATES) {
      const allowed = SPEC_TABLE[from].includes(to);
      it(`${from} → ${to}: ${allowed ? 'allowed' : 'refused'}`, () => {
        const r = checkKeyTransition(from, to);
        expect(r.ok).toBe(allowed);
        if (!r.ok) expect(r.reason).toBe(from === to ? 'SAME_STATE' : 'NOT_ALLOWED');
      });
    }
  }

  it('no path of allowed steps returns to pre-activation or leaves destroyed', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KEY_STATES), { maxLength: 30 }), (targets) => {
        let s: KeyState = 'pre-activation';
        for (const t of targets) {
          const before: KeyState = s;
          if (checkKeyTransition(s, t).ok) s = t;
          if (before === 'destroyed') expect(s).toBe('destroyed');
          if (before !== 'pre-activation') expect(s).not.toBe('pre-activation');
        }
      }),
    );
  });

  it('phases and usage follow SP 800-57: only active protects; deactivated processes only in grace', () => {
    expect(KEY_STATES.filter(mayProtect)).toEqual(['active']);
    expect(KEY_STATES.filter((s) => mayProcess(s, false))).toEqual(['active']);
    expect(KEY_STATES.filter((s) => mayProcess(s, true))).toEqual(['active', 'deactivated']);
    expect(KEY_STATES.map(keyPhase)).toEqual([
      'pre-operational',
      'operational',
      'operational',
      'post-operational',
      'post-operational',
      'destroyed',
    ]);
  });
});
