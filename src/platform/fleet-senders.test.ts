// Fleet senders: per-terminal ordering, replays of the real last frame, the no-history choice, send errors.
import { describe, expect, it } from 'vitest';
import type { TerminalId } from '../core/index.ts';
import type { FrameAttackKind, LinkResult, SendOutcome, Upload } from '../sim/index.ts';
import { createFleetSenders, type FleetSenderOptions } from './fleet-senders.ts';

const TITLE = '4754530000000001' as TerminalId;
const KEYS = new Map([[TITLE, new Uint8Array(32).fill(7)]]);

function upload(t: number, attack?: FrameAttackKind): Upload {
  return {
    index: 0,
    terminal: TITLE,
    ctype: 'telemetry',
    record: { t, activePower: 1200, energyImport: 5000 + t },
    fc: 0,
    latencyS: 0,
    ...(attack === undefined ? {} : { attack }),
    expected: 'ACCEPT',
  };
}

function harness(over: Partial<FleetSenderOptions> = {}) {
  const sent: Uint8Array[] = [];
  const forged: { attack: FrameAttackKind; frame: Uint8Array }[] = [];
  const honest: SendOutcome[] = [];
  const link = {
    // a slow link: a later upload of the same terminal must still wait for this one
    send: async (frame: Uint8Array): Promise<LinkResult> => {
      await new Promise((r) => setTimeout(r, 5));
      sent.push(frame);
      return { kind: 'acked' };
    },
  };
  const senders = createFleetSenders({
    keys: KEYS,
    seed: 42,
    sleep: () => Promise.resolve(),
    linkOf: () => link,
    onHonest: (_u, out) => honest.push(out),
    sendForged: (u, frame) => {
      forged.push({ attack: u.attack, frame });
      return Promise.resolve();
    },
    withoutHistory: 'skip',
    ...over,
  });
  return { senders, sent, forged, honest };
}

describe('createFleetSenders', () => {
  it('replays the exact last frame of the terminal, even when queued before it was sent', async () => {
    const h = harness();
    await Promise.all([h.senders.send(upload(900)), h.senders.send(upload(1800, 'REPLAYED_FRAME'))]);
    expect(h.honest).toEqual([expect.objectContaining({ ok: true, fc: 1 })]);
    expect(h.sent).toHaveLength(1);
    expect(h.forged).toHaveLength(1);
    expect(Buffer.from(h.forged[0]!.frame).equals(Buffer.from(h.sent[0]!))).toBe(true);
  });

  it('seals forged frames under the terminal title and differs from the honest ones', async () => {
    const h = harness();
    await h.senders.send(upload(900));
    await h.senders.send(upload(1800));
    await h.senders.send(upload(2700, 'COUNTER_ROLLBACK'));
    const f = h.forged[0]!.frame;
    expect(Buffer.from(f.subarray(2, 10)).toString('hex')).toBe(TITLE);
    expect(h.sent.some((s) => Buffer.from(s).equals(Buffer.from(f)))).toBe(false);
  });

  it('without history a replay is dropped (skip) or the reading is sent honestly (send-honest)', async () => {
    const skip = harness();
    await skip.senders.send(upload(900, 'REPLAYED_FRAME'));
    expect([skip.sent.length, skip.forged.length, skip.honest.length]).toEqual([0, 0, 0]);
    const honest = harness({ withoutHistory: 'send-honest' });
    await honest.senders.send(upload(900, 'COUNTER_ROLLBACK'));
    expect([honest.sent.length, honest.forged.length, honest.honest.length]).toEqual([1, 0, 1]);
  });

  it('a throwing link rejects the send, or goes to onError when given', async () => {
    const boom = { send: () => Promise.reject(new Error('link closed')) };
    const bare = harness({ linkOf: () => boom });
    await expect(bare.senders.send(upload(900))).rejects.toThrow('link closed');
    const errors: unknown[] = [];
    const caught = harness({ linkOf: () => boom, onError: (_u, e) => errors.push(e) });
    await caught.senders.send(upload(900));
    expect(errors).toHaveLength(1);
  });
});
