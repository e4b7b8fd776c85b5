// The terminal's updater: resumes after a reboot from the persisted offset, refuses every attack with
// its reason and LwM2M result, persists the sequence only after the self-test.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPemSigner, sha256, signManifest } from '../../tsm/index.ts';
import { FW_RESULT, FW_STATE, createDeviceFlash, openFirmwareUpdater } from './device.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const signer = createPemSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const vendorId = new Uint8Array(16).fill(1);
const classId = new Uint8Array(16).fill(2);
const image = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 13) & 0xff);
const manifest = (sequence: number, img = image) =>
  signManifest({ sequence, vendorId, classId, digest: sha256(img), size: img.length }, signer);
const open = (flash = createDeviceFlash(16_384), selfTest?: () => boolean) =>
  openFirmwareUpdater({
    flash,
    publicKey,
    vendorId,
    classId,
    persistEvery: 4,
    ...(selfTest ? { selfTest } : {}),
  });
const CHUNK = 1024;

describe('firmware updater', () => {
  it('goes (1,0) → (2,0) → (3,0) → (0,1), resuming after a reboot from the last persisted chunk', async () => {
    const flash = createDeviceFlash(16_384);
    let fw = open(flash);
    const env = await manifest(3);
    expect(fw.offerManifest(env)).toEqual({ ok: true, resumeAt: 0 });
    expect(fw.status()).toMatchObject({ state: FW_STATE.DOWNLOADING, result: 0 });
    for (let off = 0; off < 6 * CHUNK; off += CHUNK) fw.writeChunk(off, image.subarray(off, off + CHUNK));
    fw = open(flash); // reboot: RAM lost, flash kept; persisted every 4 chunks
    const again = fw.offerManifest(env);
    expect(again).toEqual({ ok: true, resumeAt: 4 * CHUNK });
    let next = 4 * CHUNK;
    for (;;) {
      const r = fw.writeChunk(next, image.subarray(next, next + CHUNK));
      if (!r.ok) throw new Error(r.reason);
      next = r.next;
      if (r.complete) break;
    }
    expect(fw.status().state).toBe(FW_STATE.DOWNLOADED);
    expect(fw.install()).toEqual({ ok: true });
    expect(fw.status()).toMatchObject({ state: FW_STATE.IDLE, result: FW_RESULT.SUCCESS, sequence: 3 });
    expect(fw.offerManifest(env)).toEqual({ ok: false, reason: 'ROLLBACK' }); // replayed old manifest
  });

  it('refuses endless data, a wrong image and keeps the old sequence when the self-test fails', async () => {
    const fw = open();
    fw.offerManifest(await manifest(2));
    expect(fw.writeChunk(0, new Uint8Array(image.length + 1))).toEqual({ ok: false, reason: 'OVERSIZE' });
    expect(fw.status().result).toBe(FW_RESULT.NOT_ENOUGH_FLASH);
    fw.offerManifest(await manifest(2));
    const wrong = Uint8Array.from(image);
    wrong[5]! ^= 1;
    expect(fw.writeChunk(0, wrong)).toEqual({ ok: false, reason: 'DIGEST_MISMATCH' });
    expect(fw.status().result).toBe(FW_RESULT.INTEGRITY_FAILURE);
    const flash = createDeviceFlash(16_384);
    const failing = open(flash, () => false);
    failing.offerManifest(await manifest(5));
    failing.writeChunk(0, image);
    expect(failing.install()).toEqual({ ok: false, reason: 'SELF_TEST_FAILED' });
    expect(flash.installedSequence).toBe(0);
  });

  it('refuses foreign signers and too-large images before fetching', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const env = await signManifest(
      { sequence: 9, vendorId, classId, digest: sha256(image), size: image.length },
      createPemSigner(other.export({ type: 'pkcs8', format: 'pem' }).toString()),
    );
    expect(open().offerManifest(env)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    const big = new Uint8Array(20_000);
    expect(open().offerManifest(await manifest(9, big))).toEqual({ ok: false, reason: 'OVERSIZE' });
  });
});
