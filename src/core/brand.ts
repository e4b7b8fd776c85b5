// Branded primitive types for identities and units (STYLE.md "Names").

declare const BRAND: unique symbol;
/** `T` tagged with a compile-time brand `B` so that, say, a `KeyVersion` is not a `FrameCounter`. */
export type Brand<T, B extends string> = T & { readonly [BRAND]: B };

export type UnixMillis = Brand<number, 'UnixMillis'>;
export type UnixSeconds = Brand<number, 'UnixSeconds'>;
export type WattHours = Brand<number, 'WattHours'>;
export type Joules = Brand<number, 'Joules'>;
/** Lower-case hex of the 8-byte system title; the identity of a terminal. */
export type TerminalId = Brand<string, 'TerminalId'>;
export type TenantId = Brand<number, 'TenantId'>;
export type KeyVersion = Brand<number, 'KeyVersion'>;
