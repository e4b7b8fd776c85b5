// The secure-element channel port: one command APDU out, one response APDU back, or a link failure.

/** Why an exchange produced no response. `TIMEOUT` = the far side made no progress (a stalled job). */
export type LinkFailure = 'LINK_DOWN' | 'TIMEOUT' | 'REBOOTED';

export type ChannelResult = { ok: true; response: Uint8Array } | { ok: false; reason: LinkFailure };

/**
 * Carries APDUs to one secure element: the simulated SE in `sim`, or SGT1 downlink frames of
 * ctype 0x11 to a terminal (docs/protocol.md). Adapters must pass `tsm/conformance.ts`.
 */
export interface SeChannel {
  transmit(apdu: Uint8Array): Promise<ChannelResult>;
}
