// The AEAD worker opens exactly what openFrameAead opens, in request order, across batch boundaries.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyCache, openFrameAead, parseFrame, sealFrame, type Suite } from '../protocol/index.ts';
import { startAeadWorker, type AeadWorker } from './aead-offload.ts';

const rootKey = randomBytes(32);
const cache = createKeyCache();

function frameOf(fc: number, suite: Suite) {
  const systemTitle = Buffer.from('4d4d4d0000bc614e', 'hex');
  const frame = sealFrame({
    header: {
      dir: 0,
      ackReq: false,
      more: false,
      suite,
      systemTitle,
      purpose: 1,
      keyVersion: 1,
      fc,
      ctype: 1,
    },
    key: { rootKey, tenant: 1, keyCache: cache },
    telemetry: { t: 1_700_000_000 + fc, voltage: 2301 },
  });
  const key = cache.get('4d4d4d0000bc614e', {
    rootKey,
    systemTitle,
    tenant: 1,
    version: 1,
    purpose: 1,
    dir: 0,
    suite,
  }).key;
  return { frame, key, suite };
}

describe('AEAD worker', () => {
  let w: AeadWorker;
  beforeAll(async () => {
    w = await startAeadWorker({ maxBatch: 7 });
  });
  afterAll(() => w.close());

  it('returns the same plaintexts as openFrameAead, and undefined for a bad tag, in order', async () => {
    const items = Array.from({ length: 40 }, (_, i) => frameOf(i + 1, i % 3 === 0 ? 2 : 1));
    const tampered = items.map((x, i) => {
      if (i % 5 !== 4) return x;
      const f = Buffer.from(x.frame);
      f[f.length - 1]! ^= 1;
      return { ...x, frame: f };
    });
    const got = await Promise.all(tampered.map((x) => w.open(x.key, x.suite, x.frame)));
    tampered.forEach((x, i) => {
      const p = parseFrame(x.frame);
      expect(p.ok).toBe(true);
      const want = openFrameAead(x.key, x.suite, x.frame);
      expect(got[i]).toEqual(want);
      expect(got[i] === undefined).toBe(i % 5 === 4);
    });
  });

  it('keeps answering after a burst larger than one batch and after an idle pause', async () => {
    const a = frameOf(100, 1);
    expect(await w.open(a.key, a.suite, a.frame)).toEqual(openFrameAead(a.key, a.suite, a.frame));
    await new Promise((r) => setTimeout(r, 20));
    const burst = Array.from({ length: 100 }, (_, i) => frameOf(200 + i, 1));
    const got = await Promise.all(burst.map((x) => w.open(x.key, x.suite, x.frame)));
    expect(got.every((pt) => pt !== undefined && pt.length > 0)).toBe(true);
  });
});
