// The registry audits every applied change (actor, reason, time) and applies none it refuses.
import { describe, expect, it } from 'vitest';
import { createManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import { CARD_STATE } from './codings.ts';
import { createTsmRegistry } from './registry.ts';

function setup() {
  const clock = createManualClock(1_700_000_000_000 as UnixMillis);
  const reg = createTsmRegistry({ clock });
  reg.addProvider({ providerId: 'dso', name: 'DSO', certificates: [], slaRef: 'sla-1' });
  reg.addSecureElement({
    seId: 'se1',
    type: 'ESAM',
    cplc: '',
    cardLifeCycle: CARD_STATE.SECURED,
    isdAid: 'a000000151000000',
    scpVersion: 3,
    keysets: [],
    terminalSystemTitle: '4d4d4d0000bc614e' as TerminalId,
  });
  reg.addApplication({
    instanceAid: 'a0000001510001',
    seId: 'se1',
    elfAid: 'a00000015100',
    moduleAid: 'a0000001510001',
    sdAid: 'a000000151000000',
    privileges: [],
    installParams: '',
    lifeCycle: 0x07,
    version: '1',
  });
  return { clock, reg };
}

describe('TSM registry', () => {
  it('audits applied changes and not refused ones', () => {
    const { clock, reg } = setup();
    clock.advance(5);
    const ctx = { actor: 'op:alice', reason: 'ticket 7' };
    expect(reg.changeApplication('se1', 'a0000001510001', { op: 'LOCK' }, ctx).ok).toBe(true);
    const again = reg.changeApplication('se1', 'a0000001510001', { op: 'LOCK' }, ctx);
    expect(!again.ok && again.reason).toBe('ALREADY_LOCKED');
    expect(reg.audit()).toEqual([
      {
        at: 1_700_000_000_005,
        actor: 'op:alice',
        reason: 'ticket 7',
        entity: 'app',
        id: 'se1/a0000001510001',
        from: 'SELECTABLE',
        to: 'LOCKED(SELECTABLE)',
      },
    ]);
  });

  it('refuses application changes on a locked card and card moves without privilege', () => {
    const { reg } = setup();
    const noPriv = reg.setCardState('se1', CARD_STATE.CARD_LOCKED, { actor: 'x', reason: 'y' });
    expect(!noPriv.ok && noPriv.reason).toBe('NO_PRIVILEGE');
    expect(
      reg.setCardState('se1', CARD_STATE.CARD_LOCKED, {
        actor: 'isd',
        reason: 'y',
        privileges: ['CARD_LOCK'],
      }).ok,
    ).toBe(true);
    const t = reg.changeApplication('se1', 'a0000001510001', { op: 'LOCK' }, { actor: 'a', reason: 'b' });
    expect(!t.ok && t.reason).toBe('CARD_LOCKED');
    expect(reg.getSecureElement('se1').cardLifeCycle).toBe(0x7f);
    expect(reg.audit().map((e) => e.to)).toEqual(['CARD_LOCKED']);
  });

  it('throws coded errors for unknown or duplicate entities', () => {
    const { reg } = setup();
    expect(() => reg.getSecureElement('nope')).toThrow(
      expect.objectContaining({ code: 'GT_ERR_TSM_UNKNOWN_SE' }),
    );
    expect(() => reg.changeApplication('se1', 'ff', { op: 'LOCK' }, { actor: 'a', reason: 'b' })).toThrow(
      expect.objectContaining({ code: 'GT_ERR_TSM_UNKNOWN_ENTITY' }),
    );
    expect(() => reg.addProvider({ providerId: 'dso', name: '', certificates: [], slaRef: '' })).toThrow(
      expect.objectContaining({ code: 'GT_ERR_TSM_DUPLICATE' }),
    );
  });
});
