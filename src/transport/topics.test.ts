// Topic scheme and CoAP wire-code table: every shape accepted or rejected as documented.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseUplinkTopic, toDownlinkTopic, toUplinkTopic } from './topics.ts';
import { COAP_CODE_BY_REASON, toCoapCode } from './wire-codes.ts';

describe('uplink topics', () => {
  it('round-trips any 8-byte title, lower-casing it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (b) => {
        const hex = Buffer.from(b).toString('hex');
        expect(parseUplinkTopic(toUplinkTopic(hex.toUpperCase()))).toEqual({ ok: true, title: hex });
      }),
    );
  });

  it.each([
    'gt/v1/4d4d4d0000bc614e/down',
    'gt/v1/4D4D4D0000BC614E/up',
    'gt/v1/4d4d4d0000bc614/up',
    'gt/v2/4d4d4d0000bc614e/up',
    'gt/v1/4d4d4d0000bc614e/up/x',
    '',
    'x',
  ])('rejects %j as BAD_TOPIC', (t) => {
    expect(parseUplinkTopic(t)).toEqual({ ok: false, reason: 'BAD_TOPIC' });
  });

  it('accepts exactly what splitting on "/" and the title pattern accept (property)', () => {
    const reference = (t: string) => {
      const p = t.split('/');
      const ok = p.length === 4 && p[0] === 'gt' && p[1] === 'v1' && p[3] === 'up';
      return ok && /^[0-9a-f]{16}$/.test(p[2]!)
        ? { ok: true, title: p[2] }
        : { ok: false, reason: 'BAD_TOPIC' };
    };
    const part = fc.stringMatching(/^[0-9a-fA-Fgtvupx/ \n]{0,18}$/);
    const title = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('hex'));
    const topic = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('gt/v1/', 'gt/v1', 'gt/v2/', ''),
          fc.oneof(title, part),
          fc.constantFrom('/up', 'up', '/up/', '/down', ''),
        )
        .map((xs) => xs.join('')),
      fc.string(),
    );
    fc.assert(
      fc.property(topic, (t) => {
        expect(parseUplinkTopic(t)).toEqual(reference(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('builds the downlink topic', () => {
    expect(toDownlinkTopic('4D4D4D0000BC614E')).toBe('gt/v1/4d4d4d0000bc614e/down');
  });
});

describe('CoAP wire codes', () => {
  it('maps every reason to a 4.xx client error', () => {
    for (const code of Object.values(COAP_CODE_BY_REASON)) expect(code).toMatch(/^4\.\d\d$/);
    expect(toCoapCode('BAD_TAG')).toBe('4.01');
    expect(toCoapCode('SOMETHING_NEW')).toBe('4.00');
  });
});
