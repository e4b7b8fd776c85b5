// Terminal agent: RFC 8613 B.1.1 counter persistence, idempotent retries, ack reading.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom } from '../../core/index.ts';
import { parseFrame } from '../../protocol/index.ts';
import { createTerminalAgent, decodeAckBody, type LinkResult, type UplinkLink } from './agent.ts';
import { COUNTER_F, COUNTER_K, createMemoryCounterPersistence, openFrameCounter } from './counter.ts';

const TITLE = Buffer.from('4d4d4d0000bc614e', 'hex');
const ROOT = Buffer.alloc(32, 3);

describe('frame counter (RFC 8613 App. B.1.1)', () => {
  it('never reuses a value across any number of reboots at any moment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }),
        async (runs) => {
          const p = createMemoryCounterPersistence();
          const used = new Set<number>();
          for (const n of runs) {
            const c = await openFrameCounter(p, 1);
            for (let i = 0; i < n; i++) {
              const v = await c.next();
              expect(used.has(v)).toBe(false);
              used.add(v);
            }
          }
        },
      ),
    );
  });

  it('writes once per K frames and jumps K + F after a reboot', async () => {
    const p = createMemoryCounterPersistence();
    const c = await openFrameCounter(p, 1);
    for (let i = 0; i < 64; i++) await c.next();
    expect(p.writes).toBe(1 + 64 / COUNTER_K);
    const c2 = await openFrameCounter(p, 1);
    expect(await c2.next()).toBe(64 + COUNTER_K + COUNTER_F + 1);
  });

  it('restarts at 1 on a new key version', async () => {
    const c = await openFrameCounter(createMemoryCounterPersistence(), 1);
    await c.next();
    await c.rotate(2);
    expect([c.keyVersion, await c.next()]).toEqual([2, 1]);
  });
});

function scriptedLink(results: LinkResult[]): UplinkLink & { frames: Uint8Array[] } {
  const frames: Uint8Array[] = [];
  return {
    frames,
    send(f) {
      frames.push(f);
      return Promise.resolve(results.shift() ?? { kind: 'acked' });
    },
  };
}

async function agentWith(link: UplinkLink) {
  const counter = await openFrameCounter(createMemoryCounterPersistence(), 1);
  const sleeps: number[] = [];
  const agent = createTerminalAgent({
    systemTitle: TITLE,
    rootKey: ROOT,
    tenant: 1,
    counter,
    link,
    random: createRandom(1),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    retry: { maxAttempts: 3, baseMs: 100, maxMs: 1000 },
  });
  return { agent, sleeps };
}

describe('terminal agent', () => {
  it('resends the identical frame after a failure and treats REPLAY on a resend as delivered', async () => {
    const link = scriptedLink([
      { kind: 'failed', reason: 'TIMEOUT' },
      { kind: 'rejected', reason: 'REPLAY' },
    ]);
    const { agent, sleeps } = await agentWith(link);
    const out = await agent.send({ t: 1_700_000_000, voltage: 2300 });
    expect(out).toEqual({ ok: true, fc: 1, attempts: 2 });
    expect(Buffer.compare(Buffer.from(link.frames[0]!), Buffer.from(link.frames[1]!))).toBe(0);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up after maxAttempts and does not retry a definite rejection', async () => {
    const failing = scriptedLink(
      Array.from({ length: 5 }, (): LinkResult => ({ kind: 'failed', reason: 'TIMEOUT' })),
    );
    expect(await (await agentWith(failing)).agent.send({ t: 1 })).toMatchObject({ ok: false, attempts: 3 });
    const bad = scriptedLink([{ kind: 'rejected', reason: 'BAD_TAG' }]);
    expect(await (await agentWith(bad)).agent.send({ t: 1 })).toMatchObject({
      ok: false,
      attempts: 1,
      reason: 'BAD_TAG',
    });
  });

  it('seals frames with increasing counters under its key version', async () => {
    const { agent } = await agentWith(scriptedLink([]));
    const a = await agent.seal({ t: 1 });
    const b = await agent.seal({ t: 2 }, true);
    const pb = parseFrame(b.frame);
    expect([a.fc, b.fc]).toEqual([1, 2]);
    expect(pb.ok && pb.header.ackReq && pb.header.keyVersion === 1).toBe(true);
  });

  it('decodes ack bodies and rejects anything else', () => {
    expect(decodeAckBody(Buffer.from('a10105', 'hex'))).toBe(5);
    expect(decodeAckBody(Buffer.from('a1011a00010000', 'hex'))).toBe(65536);
    expect(decodeAckBody(Buffer.from('a10220', 'hex'))).toBeUndefined();
  });
});
