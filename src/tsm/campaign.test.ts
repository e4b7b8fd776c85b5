// Campaigns: canary first, pacing, automatic stop past the failure ratio, pause / resume / cancel, hold.
import { describe, expect, it } from 'vitest';
import type { UnixMillis } from '../core/index.ts';
import { commandCampaign, createCampaign, nextDevices, reportDevice, summarizeCampaign } from './campaign.ts';

const T0 = 0 as UnixMillis;
const targets = Array.from({ length: 50 }, (_, i) => `t${i}`);
const spec = {
  campaignId: 'c1',
  kind: 'firmware' as const,
  targets,
  canary: 5,
  maxConcurrent: 10,
  payload: { manifestDigest: 'ab', size: 100 },
};

describe('campaigns', () => {
  it('runs the canary group first, then everyone, to done', () => {
    const c = createCampaign(spec, T0);
    expect(nextDevices(c, 0)).toEqual([]);
    expect(commandCampaign(c, 'start', T0)).toEqual({ ok: true });
    const canary = nextDevices(c, 0);
    expect(canary).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(nextDevices(c, 0)).toEqual([]);
    for (const id of canary) reportDevice(c, id, { kind: 'done' }, T0);
    expect(c.status).toBe('running');
    for (let guard = 0; c.status === 'running' && guard < 100; guard++) {
      const batch = nextDevices(c, 0);
      expect(batch.length).toBeLessThanOrEqual(10);
      for (const id of batch) {
        reportDevice(c, id, { kind: 'progress', offset: 100, sent: 100 }, T0);
        reportDevice(c, id, { kind: 'done' }, T0);
      }
    }
    expect(summarizeCampaign(c)).toMatchObject({ status: 'done', counts: { done: 50 } });
  });

  it('stops itself when the failure ratio passes the threshold, and when a canary fails', () => {
    const c = createCampaign({ ...spec, canary: 1, failureThreshold: 0.2, minSample: 5 }, T0);
    commandCampaign(c, 'start', T0);
    reportDevice(c, nextDevices(c, 0)[0]!, { kind: 'done' }, T0);
    const batch = nextDevices(c, 0);
    for (const id of batch.slice(0, 4))
      reportDevice(c, id, { kind: 'failed', reason: 'DIGEST_MISMATCH' }, T0);
    expect(c.status).toBe('stopped');
    expect(c.detail).toMatch(/failure ratio 0.800 > 0.2/);
    expect(nextDevices(c, 0)).toEqual([]);
    const d = createCampaign({ ...spec, canary: 1 }, T0);
    commandCampaign(d, 'start', T0);
    reportDevice(d, nextDevices(d, 0)[0]!, { kind: 'failed', reason: 'BAD_SIGNATURE' }, T0);
    expect([d.status, d.detail]).toEqual(['stopped', 'stopped: a canary failed']);
  });

  it('pauses, resumes, cancels; paces starts; holds a quarantined terminal', () => {
    const c = createCampaign({ ...spec, canary: 0, startsPerSecond: 2 }, T0);
    commandCampaign(c, 'start', T0);
    expect(c.status).toBe('running');
    expect(nextDevices(c, 0)).toHaveLength(2);
    expect(nextDevices(c, 500)).toHaveLength(1);
    expect(commandCampaign(c, 'pause', T0)).toEqual({ ok: true });
    expect(nextDevices(c, 10_000)).toEqual([]);
    expect(commandCampaign(c, 'pause', T0)).toMatchObject({ ok: false });
    commandCampaign(c, 'resume', T0);
    reportDevice(c, 't5', { kind: 'hold', reason: 'quarantined' }, T0);
    expect(c.devices.t5?.state).toBe('held');
    reportDevice(c, 't5', { kind: 'release' }, T0);
    expect(c.devices.t5?.state).toBe('pending');
    expect(commandCampaign(c, 'cancel', T0)).toEqual({ ok: true });
    expect(commandCampaign(c, 'resume', T0)).toMatchObject({ ok: false });
    expect(() => reportDevice(c, 'nope', { kind: 'done' }, T0)).toThrow(
      expect.objectContaining({ code: 'GT_ERR_TSM_UNKNOWN_ENTITY' }),
    );
  });
});
