// Terminal input checks: normalised ids, every rejection reason, and never a thrown error on any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTerminalInput, toTerminalId } from './registry-input.ts';
import { SecretKey } from './registry-secret.ts';
import { inspect } from 'node:util';

describe('checkTerminalInput', () => {
  it('normalises the system title and applies defaults', () => {
    expect(toTerminalId('4D:4D:4D:00 00:BC:61:4E')).toBe('4d4d4d0000bc614e');
    expect(checkTerminalInput({ systemTitle: '4D4D4D0000BC614E' })).toEqual({
      ok: true,
      value: {
        id: '4d4d4d0000bc614e',
        type: 'smart-meter',
        fusionTerminal: null,
        tenant: 1,
        rootKey: undefined,
      },
    });
  });

  it.each([
    [{ systemTitle: '4d4d4d0000bc61' }, 'BAD_SYSTEM_TITLE'],
    [{ systemTitle: '4d4d4d0000bc614g' }, 'BAD_SYSTEM_TITLE'],
    [{ systemTitle: '4d4d4d0000bc614e', type: '' }, 'BAD_TYPE'],
    [{ systemTitle: '4d4d4d0000bc614e', type: 'x'.repeat(65) }, 'BAD_TYPE'],
    [{ systemTitle: '4d4d4d0000bc614e', fusionTerminal: 'abc' }, 'BAD_FUSION_TERMINAL'],
    [{ systemTitle: '4d4d4d0000bc614e', fusionTerminal: '4D4D4D0000BC614E' }, 'BAD_FUSION_TERMINAL'],
    [{ systemTitle: '4d4d4d0000bc614e', tenant: 2 ** 32 }, 'BAD_TENANT'],
    [{ systemTitle: '4d4d4d0000bc614e', tenant: 1.5 }, 'BAD_TENANT'],
    [{ systemTitle: '4d4d4d0000bc614e', rootKey: new Uint8Array(31) }, 'BAD_ROOT_KEY'],
  ])('%o → %s', (input, reason) => {
    expect(checkTerminalInput(input)).toMatchObject({ ok: false, reason });
  });

  it('never throws, whatever the strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.double(), (title, type, fusion, tenant) => {
        const r = checkTerminalInput({ systemTitle: title, type, fusionTerminal: fusion, tenant });
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('SecretKey', () => {
  it('reveals its bytes only through reveal(), and can be wiped', () => {
    const k = new SecretKey(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    for (const text of [JSON.stringify({ k }), String(k), inspect({ k }), `${k.toString()}`]) {
      expect(text).not.toContain('00112233');
      expect(text).toContain('redacted');
    }
    expect(k.reveal().toString('hex')).toBe('00112233445566778899aabbccddeeff');
    k.wipe();
    expect(k.reveal().every((b) => b === 0)).toBe(true);
  });
});
