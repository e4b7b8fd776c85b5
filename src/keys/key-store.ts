// The key store port: where the master KEK lives and where root keys are wrapped and unwrapped (RFC 5649).
import type { SecretKey } from './registry-secret.ts';

/** `software`: KEK bytes in process memory (file or env); `pkcs11`: KEK inside an HSM token. */
export type KeyStoreKind = 'software' | 'pkcs11';

/** One KEK the store holds: `current` wraps, `previous` only unwraps (during a KEK rotation). */
export interface KekInfo {
  /** Stable name of the KEK: `file:master.key`, `env`, `pkcs11:gridtrust-kek-2`, ... Never the key. */
  readonly id: string;
  readonly role: 'current' | 'previous';
}

/**
 * The key store port. Every adapter wraps with AES key wrap with padding (RFC 5649, AES-256 KEK), so a
 * blob wrapped by one adapter unwraps with another holding the same KEK (vectors in the conformance suite).
 */
export interface KeyStore {
  readonly kind: KeyStoreKind;
  /** Wraps `key` under the current KEK [RFC5649-4.1]. */
  wrap(key: Uint8Array): Promise<Uint8Array>;
  /**
   * Unwraps a blob under the current KEK, or under the previous one while a KEK rotation is in
   * progress; throws KeysError `GT_ERR_KEYS_UNWRAP_FAILED` when neither verifies [RFC5649-4.2].
   */
  unwrap(wrapped: Uint8Array): Promise<SecretKey>;
  /** True when `wrapped` verifies under the current KEK (false: under the previous one, or neither). */
  isCurrent(wrapped: Uint8Array): Promise<boolean>;
  /** The KEKs held now, current first. */
  keks(): readonly KekInfo[];
  /**
   * Starts a KEK rotation: creates a new KEK and makes it current, the old one `previous`. When a
   * rotation is already in progress it is resumed (nothing new is created). Returns the new current KEK.
   */
  beginKekRotation(): Promise<KekInfo>;
  /** Ends a rotation: destroys the previous KEK. Call only when no blob needs it any more. */
  finishKekRotation(): Promise<void>;
  close(): Promise<void>;
}
