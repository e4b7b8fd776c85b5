// The messages between the platform and its AEAD worker (aead-worker.ts): packed batches, transferred.

/** Bytes of an AES-128 K_use. */
export const KEY_BYTES = 16;

/** A batch of frames to open (layout in aead-worker.ts). */
export interface AeadRequest {
  readonly id: number;
  readonly n: number;
  readonly buf: ArrayBuffer;
}

/** The plaintexts of one batch, in request order (layout in aead-worker.ts). */
export interface AeadReply {
  readonly id: number;
  readonly buf: ArrayBuffer;
  readonly bytes: number;
}
