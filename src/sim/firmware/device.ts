// The terminal's firmware updater (spec §5.1 order, LwM2M /5 states): verify → anti-rollback →
// vendor/class → fetch (resumable) → size and digest → inactive slot → boot self-test → persist sequence.
import type { KeyObject } from 'node:crypto';
import {
  checkImage,
  checkManifest,
  sha256,
  type ManifestFields,
  type UpdateRefusal,
} from '../../tsm/index.ts';

/** LwM2M /5/0/3 State [LwM2M-E.6]. */
export const FW_STATE = { IDLE: 0, DOWNLOADING: 1, DOWNLOADED: 2, UPDATING: 3 } as const;
/** LwM2M /5/0/5 Update Result. */
export const FW_RESULT = {
  INITIAL: 0,
  SUCCESS: 1,
  NOT_ENOUGH_FLASH: 2,
  OUT_OF_RAM: 3,
  CONNECTION_LOST: 4,
  INTEGRITY_FAILURE: 5,
  UNSUPPORTED_PACKAGE: 6,
  INVALID_URI: 7,
  UPDATE_FAILED: 8,
  UNSUPPORTED_PROTOCOL: 9,
  CANCELLED: 10,
  DEFERRED: 11,
} as const;

/** How each refusal shows in LwM2M's Update Result. */
export const RESULT_OF: Readonly<Record<UpdateRefusal, number>> = {
  BAD_MANIFEST: FW_RESULT.UNSUPPORTED_PACKAGE,
  BAD_SIGNATURE: FW_RESULT.INTEGRITY_FAILURE,
  ROLLBACK: FW_RESULT.UPDATE_FAILED,
  WRONG_VENDOR: FW_RESULT.UNSUPPORTED_PACKAGE,
  WRONG_CLASS: FW_RESULT.UNSUPPORTED_PACKAGE,
  DIGEST_MISMATCH: FW_RESULT.INTEGRITY_FAILURE,
  SIZE_MISMATCH: FW_RESULT.INTEGRITY_FAILURE,
  OVERSIZE: FW_RESULT.NOT_ENOUGH_FLASH,
};

/** The device's flash: small metadata (JSON) and the inactive slot, both surviving a reboot. */
export interface DeviceFlash {
  meta?: string;
  /** The inactive slot; bytes past the persisted offset may be garbage after a power loss. */
  slot: Uint8Array;
  /** The monotonic counter of the installed manifest sequence (only ever increased). */
  installedSequence: number;
  activeDigest?: string;
}

export function createDeviceFlash(slotBytes: number): DeviceFlash {
  return { slot: new Uint8Array(slotBytes), installedSequence: 0 };
}

interface Transfer {
  manifestDigest: string;
  envelope: string;
  offset: number;
}

export interface FirmwareStatus {
  state: number;
  result: number;
  sequence: number;
  /** Bytes of the image held (the resume point). */
  offset: number;
  manifestDigest?: string;
  reason?: UpdateRefusal;
}

/** Options of {@link openFirmwareUpdater}. */
export interface FirmwareUpdaterOptions {
  flash: DeviceFlash;
  /** The pinned firmware-signing public key. */
  publicKey: KeyObject;
  vendorId: Uint8Array;
  classId: Uint8Array;
  /** Persist the resume point every N chunks. @default 1 */
  persistEvery?: number;
  /** The boot self-test of the new image. @default passes */
  selfTest?: (image: Uint8Array) => boolean;
}

export interface FirmwareUpdater {
  status(): FirmwareStatus;
  /** Accepts a signed envelope: the checks before any byte is fetched. */
  offerManifest(envelope: Uint8Array): { ok: true; resumeAt: number } | { ok: false; reason: UpdateRefusal };
  /** Accepts image bytes at `offset`; returns the next offset wanted. */
  writeChunk(
    offset: number,
    bytes: Uint8Array,
  ): { ok: true; next: number; complete: boolean } | { ok: false; reason: UpdateRefusal };
  /** Installs a downloaded image; the sequence is persisted only after the self-test passed. */
  install(): { ok: true } | { ok: false; reason: 'SELF_TEST_FAILED' | 'NOT_DOWNLOADED' };
}

/**
 * Opens the updater over the device's flash (after a reboot: resumes from the last persisted offset).
 * @example
 * const fw = openFirmwareUpdater({ flash, publicKey, vendorId, classId });
 * const o = fw.offerManifest(envelope); // then writeChunk(o.resumeAt, ...)
 */
export function openFirmwareUpdater(o: FirmwareUpdaterOptions): FirmwareUpdater {
  const f = o.flash;
  let t: Transfer | undefined = f.meta ? (JSON.parse(f.meta) as Transfer) : undefined;
  let fields: ManifestFields | undefined;
  let state: number = t ? FW_STATE.DOWNLOADING : FW_STATE.IDLE;
  let result: number = FW_RESULT.INITIAL;
  let reason: UpdateRefusal | undefined;
  let sinceSave = 0;
  const check = (env: Uint8Array) =>
    checkManifest(env, {
      publicKey: o.publicKey,
      installedSequence: f.installedSequence,
      vendorId: o.vendorId,
      classId: o.classId,
    });
  if (t) {
    const c = check(Buffer.from(t.envelope, 'hex'));
    if (c.ok) fields = c.fields;
    else t = undefined;
  }
  const save = () => {
    f.meta = t ? JSON.stringify(t) : undefined;
    sinceSave = 0;
  };
  const refuse = (r: UpdateRefusal) => {
    reason = r;
    result = RESULT_OF[r];
    state = FW_STATE.IDLE;
    t = undefined;
    save();
    return { ok: false as const, reason: r };
  };
  return {
    status: () => ({
      state,
      result,
      sequence: f.installedSequence,
      offset: t?.offset ?? 0,
      ...(t ? { manifestDigest: t.manifestDigest } : {}),
      ...(reason ? { reason } : {}),
    }),
    offerManifest(env) {
      const c = check(env);
      if (!c.ok) {
        reason = c.reason;
        result = RESULT_OF[c.reason];
        return { ok: false, reason: c.reason };
      }
      if (c.fields.size > f.slot.length) return refuse('OVERSIZE');
      const digest = Buffer.from(c.manifestDigest).toString('hex');
      if (t?.manifestDigest !== digest) {
        t = { manifestDigest: digest, envelope: Buffer.from(env).toString('hex'), offset: 0 };
        save();
      }
      fields = c.fields;
      state = t.offset === c.fields.size ? FW_STATE.DOWNLOADED : FW_STATE.DOWNLOADING;
      result = FW_RESULT.INITIAL;
      reason = undefined;
      return { ok: true, resumeAt: t.offset };
    },
    writeChunk(offset, bytes) {
      if (!t || !fields) return { ok: false, reason: 'BAD_MANIFEST' };
      if (offset !== t.offset) return { ok: true, next: t.offset, complete: false };
      if (offset + bytes.length > fields.size) return refuse('OVERSIZE');
      f.slot.set(bytes, offset);
      t.offset += bytes.length;
      if (++sinceSave >= (o.persistEvery ?? 1)) save();
      if (t.offset < fields.size) return { ok: true, next: t.offset, complete: false };
      save();
      const img = checkImage(f.slot.subarray(0, fields.size), fields);
      if (!img.ok) return refuse(img.reason);
      state = FW_STATE.DOWNLOADED;
      return { ok: true, next: t.offset, complete: true };
    },
    install() {
      if (state !== FW_STATE.DOWNLOADED || !fields || !t) return { ok: false, reason: 'NOT_DOWNLOADED' };
      state = FW_STATE.UPDATING;
      const image = f.slot.subarray(0, fields.size);
      if (!(o.selfTest ?? (() => true))(image)) {
        state = FW_STATE.IDLE;
        result = FW_RESULT.UPDATE_FAILED;
        t = undefined;
        save();
        return { ok: false, reason: 'SELF_TEST_FAILED' };
      }
      // only now does the monotonic counter move (spec §5.1)
      f.installedSequence = fields.sequence;
      f.activeDigest = Buffer.from(sha256(image)).toString('hex');
      t = undefined;
      save();
      state = FW_STATE.IDLE;
      result = FW_RESULT.SUCCESS;
      return { ok: true };
    },
  };
}
