// The minimal API answers health, metrics and readings, and rejects bad queries with 400 (no sockets: inject).
import { describe, expect, it } from 'vitest';
import { buildApiApp } from './server.ts';
import { toPrometheusText } from './metrics.ts';

const deps = {
  health: () => ({ status: 'ok' as const }),
  metricsText: () =>
    toPrometheusText([
      {
        name: 'gt_frames_total',
        help: 'frames',
        type: 'counter',
        samples: [{ labels: { r: 'a"b' }, value: 2 }],
      },
    ]),
  readings: (q: { terminal: string }) => Promise.resolve([{ terminal: q.terminal, at: 1 }]),
};

describe('api', () => {
  it('serves health, metrics and readings', async () => {
    const app = buildApiApp(deps);
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const m = await app.inject('/metrics');
    expect(m.body).toContain('gt_frames_total{r="a\\"b"} 2');
    const r = await app.inject('/readings?terminal=4D4D4D0000BC614E');
    expect(r.json()).toEqual({ readings: [{ terminal: '4d4d4d0000bc614e', at: 1 }] });
    await app.close();
  });

  it.each(['/readings', '/readings?terminal=zz', '/readings?terminal=4d4d4d0000bc614e&limit=0'])(
    'rejects %s with 400',
    async (url) => {
      const app = buildApiApp(deps);
      const res = await app.inject(url);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'BAD_REQUEST' });
      await app.close();
    },
  );
});
