// SHA-256 for load-file hashes and SUIT digests (node:crypto; tsm is, with protocol and keys, an
// area allowed node:crypto — ADR 0013).
import { createHash } from 'node:crypto';

export function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}
