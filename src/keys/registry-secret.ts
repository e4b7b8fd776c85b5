// A plaintext key held in memory that refuses to print itself (redaction by construction).
import { inspect } from 'node:util';

/**
 * Key bytes that never appear in logs, JSON or error messages by accident: `toJSON`, `toString` and
 * `util.inspect` all print `[redacted]`. Only `reveal()` gives the bytes, for the one place that must
 * write them (the personalisation file) or derive from them.
 */
export class SecretKey {
  readonly #bytes: Buffer;

  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes);
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** The key bytes (a copy). */
  reveal(): Buffer {
    return Buffer.from(this.#bytes);
  }

  /** Overwrites the bytes with zeros once they are no longer needed. */
  wipe(): void {
    this.#bytes.fill(0);
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'SecretKey [redacted]';
  }
}
