// A firmware campaign over real CoAP Block2 on loopback: terminals that reboot mid-transfer resume at
// their last persisted block (not from zero), every one installs, the campaign ends done.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createManualClock, type UnixMillis } from '../../src/core/index.ts';
import { createDeviceFlash, openFirmwareUpdater, type DeviceFlash } from '../../src/sim/index.ts';
import { createFirmwareBlockClient, startFirmwareBlockServer } from '../../src/transport/index.ts';
import {
  commandCampaign,
  createCampaign,
  createPemSigner,
  driveCampaign,
  sha256,
  signManifest,
  summarizeCampaign,
  type DeviceEvent,
} from '../../src/tsm/index.ts';

describe('campaign over CoAP Block2', () => {
  it('delivers to every terminal; interrupted transfers resume from their persisted offset', async () => {
    const image = Uint8Array.from({ length: 40 * 1024 }, (_, i) => (i * 7) & 0xff);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signer = createPemSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const vendorId = new Uint8Array(16).fill(1);
    const classId = new Uint8Array(16).fill(2);
    const digest = sha256(image);
    const envelope = await signManifest(
      { sequence: 1, vendorId, classId, digest, size: image.length },
      signer,
    );
    const server = await startFirmwareBlockServer({
      image: (n) => (n === 'img' ? { bytes: image, etag: Buffer.from(digest.subarray(0, 8)) } : undefined),
    });
    const client = await createFirmwareBlockClient({ port: server.port, timeoutMs: 500 });
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const rebootAt = new Map([
      ['t1', 9 * 1024],
      ['t4', 17 * 1024],
      ['t7', 30 * 1024],
    ]);
    const resumedAt: number[] = [];
    const flashes = new Map<string, DeviceFlash>();
    const clock = createManualClock(0 as UnixMillis);
    const campaign = createCampaign(
      {
        campaignId: 'it',
        kind: 'firmware',
        targets: ids,
        canary: 2,
        maxConcurrent: 4,
        payload: { manifestDigest: 'x', size: image.length },
      },
      clock.now(),
    );
    commandCampaign(campaign, 'start', clock.now());
    const deliver = async (id: string, _from: number, report: (e: DeviceEvent) => void) => {
      const flash = flashes.get(id) ?? createDeviceFlash(image.length);
      flashes.set(id, flash);
      const fw = openFirmwareUpdater({ flash, publicKey, vendorId, classId, persistEvery: 4 });
      const offer = fw.offerManifest(envelope);
      if (!offer.ok) return report({ kind: 'failed', reason: offer.reason });
      if (offer.resumeAt > 0) resumedAt.push(offer.resumeAt);
      let offset = offer.resumeAt;
      for (;;) {
        const a = await client.fetchBlock({ name: 'img', num: offset / 1024 });
        if (!a.ok) return report({ kind: 'interrupted', reason: a.reason });
        expect(a.etag.equals(Buffer.from(digest.subarray(0, 8)))).toBe(true);
        report({ kind: 'progress', offset, sent: a.payload.length });
        const w = fw.writeChunk(offset, a.payload);
        if (!w.ok) return report({ kind: 'failed', reason: w.reason });
        offset = w.next;
        if (rebootAt.get(id) === offset) {
          rebootAt.delete(id);
          return report({ kind: 'interrupted', reason: 'reboot' });
        }
        if (w.complete) break;
      }
      report(fw.install().ok ? { kind: 'done' } : { kind: 'failed', reason: 'install' });
    };
    await driveCampaign({ campaign, clock, deliver, idle: () => new Promise((r) => setTimeout(r, 5)) });
    await client.close();
    await server.close();
    const s = summarizeCampaign(campaign);
    expect(s.status).toBe('done');
    expect(s.counts.done).toBe(12);
    expect(resumedAt.sort((a, b) => a - b)).toEqual([8 * 1024, 16 * 1024, 28 * 1024]);
    expect(s.resumeEfficiency).toBeGreaterThan(0.99);
    for (const f of flashes.values()) expect(f.installedSequence).toBe(1);
  });
});
