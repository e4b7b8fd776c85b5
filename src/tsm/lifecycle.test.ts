// The GlobalPlatform state machines, exhaustively: every coding, every allowed and refused transition.
import { describe, expect, it } from 'vitest';
import { APP_STATE, CARD_STATE, SD_STATE, appStateName, cardStateName, type CardState } from './codings.ts';
import { appTransition, cardTransition, isAppSpecific, sdTransition, type EntityEvent } from './lifecycle.ts';

const ALL = ['CARD_LOCK', 'CARD_TERMINATE'] as const;
const CARDS = Object.values(CARD_STATE) as CardState[];

describe('card life cycle [GPCS-5.1]', () => {
  it('has the exact codings', () => {
    expect(CARD_STATE).toEqual({
      OP_READY: 0x01,
      INITIALIZED: 0x07,
      SECURED: 0x0f,
      CARD_LOCKED: 0x7f,
      TERMINATED: 0xff,
    });
    expect(CARDS.map(cardStateName)).toEqual([
      'OP_READY',
      'INITIALIZED',
      'SECURED',
      'CARD_LOCKED',
      'TERMINATED',
    ]);
  });

  it('allows exactly the GlobalPlatform moves (every from × every one of 256 targets)', () => {
    const allowed = new Set([
      '01>07',
      '01>0f',
      '07>0f',
      '0f>7f',
      '7f>0f',
      '01>ff',
      '07>ff',
      '0f>ff',
      '7f>ff',
    ]);
    const h = (n: number) => n.toString(16).padStart(2, '0');
    for (const from of CARDS)
      for (let to = 0; to < 256; to++) {
        const t = cardTransition(from, to, ALL);
        expect(t.ok, `${h(from)}>${h(to)}`).toBe(allowed.has(`${h(from)}>${h(to)}`));
        if (t.ok) expect(t.to).toBe(to);
        else expect(t.from).toBe(from);
      }
  });

  it('names the reason of each refusal', () => {
    const r = (f: CardState, to: number, p: readonly ('CARD_LOCK' | 'CARD_TERMINATE')[] = ALL) => {
      const t = cardTransition(f, to, p);
      return t.ok ? 'ok' : t.reason;
    };
    expect(r(CARD_STATE.TERMINATED, CARD_STATE.SECURED)).toBe('TERMINATED');
    expect(r(CARD_STATE.SECURED, CARD_STATE.SECURED)).toBe('SAME_STATE');
    expect(r(CARD_STATE.SECURED, 0x42)).toBe('UNKNOWN_CODING');
    expect(r(CARD_STATE.SECURED, CARD_STATE.OP_READY)).toBe('NOT_ALLOWED');
    expect(r(CARD_STATE.INITIALIZED, CARD_STATE.CARD_LOCKED)).toBe('NOT_ALLOWED');
    expect(r(CARD_STATE.SECURED, CARD_STATE.CARD_LOCKED, [])).toBe('NO_PRIVILEGE');
    expect(r(CARD_STATE.CARD_LOCKED, CARD_STATE.SECURED, ['CARD_TERMINATE'])).toBe('NO_PRIVILEGE');
    expect(r(CARD_STATE.SECURED, CARD_STATE.TERMINATED, ['CARD_LOCK'])).toBe('NO_PRIVILEGE');
  });
});

const EVENTS: EntityEvent[] = [
  { op: 'MAKE_SELECTABLE' },
  { op: 'PERSONALIZE' },
  { op: 'LOCK' },
  { op: 'UNLOCK' },
  { op: 'DELETE' },
  ...Array.from({ length: 256 }, (_, c) => ({ op: 'SET_APP_SPECIFIC' as const, coding: c })),
];

describe('application life cycle [GPCS-5.3.1]', () => {
  it('has the exact codings', () => {
    expect([APP_STATE.INSTALLED, APP_STATE.SELECTABLE, APP_STATE.INSTALLED | APP_STATE.LOCKED_BIT]).toEqual([
      0x03, 0x07, 0x83,
    ]);
    expect(appStateName(0x87)).toBe('LOCKED(SELECTABLE)');
    expect(appStateName(0x0f)).toBe('PERSONALIZED');
    expect(Array.from({ length: 256 }, (_, c) => c).filter(isAppSpecific)).toEqual(
      Array.from({ length: 15 }, (_, i) => 0x0f + 8 * i),
    );
  });

  it('decides every event from every coding as the spec says', () => {
    for (let from = 0; from < 256; from++)
      for (const e of EVENTS) {
        const t = appTransition(from, e);
        const locked = (from & 0x80) !== 0;
        let want: number | null | undefined;
        if (e.op === 'DELETE') want = null;
        else if (e.op === 'LOCK') want = locked ? undefined : from | 0x80;
        else if (e.op === 'UNLOCK') want = locked ? from & 0x7f : undefined;
        else if (locked) want = undefined;
        else if (e.op === 'MAKE_SELECTABLE') want = from === 0x03 ? 0x07 : undefined;
        else if (e.op === 'SET_APP_SPECIFIC')
          want =
            isAppSpecific(e.coding) && e.coding !== from && (from === 0x07 || isAppSpecific(from))
              ? e.coding
              : undefined;
        expect(t.ok ? t.to : undefined, `${from} ${JSON.stringify(e)}`).toBe(want);
      }
  });

  it('locks from INSTALLED to 0x83 and from SELECTABLE to 0x87, unlock restores', () => {
    const l1 = appTransition(0x03, { op: 'LOCK' });
    const l2 = appTransition(0x07, { op: 'LOCK' });
    expect(l1.ok && l1.to).toBe(0x83);
    expect(l2.ok && l2.to).toBe(0x87);
    const u = appTransition(0x87, { op: 'UNLOCK' });
    expect(u.ok && u.to).toBe(0x07);
    const r = appTransition(0x87, { op: 'MAKE_SELECTABLE' });
    expect(!r.ok && r.reason).toBe('LOCKED');
    const d = appTransition(null, { op: 'LOCK' });
    expect(!d.ok && d.reason).toBe('DELETED');
  });
});

describe('security-domain life cycle [GPCS-5.3.2]', () => {
  it('goes INSTALLED → SELECTABLE → PERSONALIZED 0x0F and nowhere else forward', () => {
    expect(SD_STATE.PERSONALIZED).toBe(0x0f);
    for (let from = 0; from < 256; from++)
      for (const e of EVENTS) {
        const t = sdTransition(from, e);
        const locked = (from & 0x80) !== 0;
        let want: number | null | undefined;
        if (e.op === 'DELETE') want = null;
        else if (e.op === 'LOCK') want = locked ? undefined : from | 0x80;
        else if (e.op === 'UNLOCK') want = locked ? from & 0x7f : undefined;
        else if (locked) want = undefined;
        else if (e.op === 'MAKE_SELECTABLE') want = from === 0x03 ? 0x07 : undefined;
        else if (e.op === 'PERSONALIZE') want = from === 0x07 ? 0x0f : undefined;
        expect(t.ok ? t.to : undefined, `${from} ${JSON.stringify(e)}`).toBe(want);
      }
    const p = sdTransition(0x0f, { op: 'LOCK' });
    expect(p.ok && p.to).toBe(0x8f);
  });
});
