// `gridtrust bench upgrade`: a firmware campaign to N simulated terminals over real CoAP Block2 on
// loopback, 10 % of transfers interrupted by a reboot, against the same blocks moved by a bare client.
import { generateKeyPairSync } from 'node:crypto';
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createManualClock, createRandom, type UnixMillis } from '../../src/core/index.ts';
import { createDeviceFlash, openFirmwareUpdater, type DeviceFlash } from '../../src/sim/index.ts';
import {
  createFirmwareBlockClient,
  startFirmwareBlockServer,
  type FirmwareBlockClient,
} from '../../src/transport/index.ts';
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

const IMAGE_BYTES = 256 * 1024;
const BLOCK = 1024;
const CONCURRENT = 96;
const CLIENTS = 8;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The reference: the same blocks fetched by bare clients, no updater, no campaign. */
async function rawRound(clients: FirmwareBlockClient[], transfers: number, name: string): Promise<number> {
  const t0 = performance.now();
  let bytes = 0;
  let next = 0;
  const worker = async (k: number) => {
    for (let i = next++; i < transfers; i = next++) {
      for (let num = 0; num < IMAGE_BYTES / BLOCK; num++) {
        const a = await clients[k % clients.length]!.fetchBlock({ name, num });
        if (a.ok) bytes += a.payload.length;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT }, (_, k) => worker(k)));
  return bytes / ((performance.now() - t0) / 1000);
}

export async function runBench(ctx: BenchContext): Promise<Record<string, unknown>> {
  const terminals = Math.max(20, Math.round(5000 * ctx.scale));
  const rnd = createRandom(18);
  const image = Uint8Array.from({ length: IMAGE_BYTES }, () => rnd.int(0, 255));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const signer = createPemSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const vendorId = new Uint8Array(16).fill(0x11);
  const classId = new Uint8Array(16).fill(0x22);
  const digest = sha256(image);
  const envelope = await signManifest({ sequence: 2, vendorId, classId, digest, size: image.length }, signer);
  const name = Buffer.from(digest).toString('hex').slice(0, 16);
  const server = await startFirmwareBlockServer({
    image: (n) => (n === name ? { bytes: image, etag: Buffer.from(digest.subarray(0, 8)) } : undefined),
  });
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => createFirmwareBlockClient({ port: server.port, timeoutMs: 1000 })),
  );
  const rawTransfers = Math.max(10, Math.round(terminals / 10));
  const say = (s: string) => (ctx.quiet ? undefined : ctx.io.err(`${s}\n`));
  const raws = [await rawRound(clients, rawTransfers, name)];
  say(`raw round 1: ${(raws[0]! / 1e6).toFixed(2)} MB/s`);

  const flashes = new Map<string, DeviceFlash>();
  const interrupted = new Set<string>();
  const ids = Array.from({ length: terminals }, (_, i) => `t${i}`);
  for (const id of ids) if (rnd.next() < 0.1) interrupted.add(id);
  const rebooting = interrupted.size;
  const clock = createManualClock(0 as UnixMillis);
  const campaign = createCampaign(
    {
      campaignId: 'bench',
      kind: 'firmware',
      targets: ids,
      canary: 20,
      maxConcurrent: CONCURRENT,
      failureThreshold: 0.05,
      payload: { manifestDigest: Buffer.from(digest).toString('hex'), size: image.length },
    },
    clock.now(),
  );
  commandCampaign(campaign, 'start', clock.now());
  let k = 0;
  const deliver = async (id: string, _from: number, report: (e: DeviceEvent) => void) => {
    const client = clients[k++ % clients.length]!;
    let flash = flashes.get(id);
    if (!flash) flashes.set(id, (flash = createDeviceFlash(IMAGE_BYTES)));
    const fw = openFirmwareUpdater({ flash, publicKey, vendorId, classId, persistEvery: 8 });
    const offer = fw.offerManifest(envelope);
    if (!offer.ok) return report({ kind: 'failed', reason: offer.reason });
    const rebootAt = interrupted.has(id) ? rnd.int(16, 240) * BLOCK : -1;
    let offset = offer.resumeAt;
    for (;;) {
      const a = await client.fetchBlock({ name, num: offset / BLOCK });
      if (!a.ok) return report({ kind: 'interrupted', reason: a.reason });
      report({ kind: 'progress', offset, sent: a.payload.length });
      const w = fw.writeChunk(offset, a.payload);
      if (!w.ok) return report({ kind: 'failed', reason: w.reason });
      offset = w.next;
      if (offset === rebootAt) {
        interrupted.delete(id); // reboot once: RAM lost, flash kept
        return report({ kind: 'interrupted', reason: 'reboot' });
      }
      if (w.complete) break;
    }
    const inst = fw.install();
    flashes.delete(id);
    report(inst.ok ? { kind: 'done' } : { kind: 'failed', reason: inst.reason });
  };
  const t0 = performance.now();
  await driveCampaign({ campaign, clock, deliver, idle: () => new Promise((r) => setTimeout(r, 5)) });
  const seconds = (performance.now() - t0) / 1000;
  const s = summarizeCampaign(campaign);
  raws.push(await rawRound(clients, rawTransfers, name));
  raws.push(await rawRound(clients, rawTransfers, name));
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  const raw = median(raws);
  const campaignBytesPerSec = s.bytesSent / seconds;
  return {
    terminals,
    imageBytes: IMAGE_BYTES,
    blockBytes: BLOCK,
    interruptedByReboot: rebooting,
    completed: s.counts.done,
    failed: s.counts.failed,
    status: s.status,
    resumeEfficiency: s.resumeEfficiency,
    campaignSeconds: seconds,
    campaignBytesPerSec,
    rawBlockTransferBytesPerSec: raw,
    rawRounds: raws,
    campaignVsRaw: campaignBytesPerSec / raw,
    transport: 'CoAP Block2 (SZX 6) on loopback, confirmable GET per block',
  };
}
