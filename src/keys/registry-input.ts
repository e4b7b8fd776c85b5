// Validation of terminals to register (CLI flags, CSV rows): each problem is a value with a reason.
import type { TenantId, TerminalId } from '../core/index.ts';
import { toTerminalId } from '../model/index.ts';

/** What a caller asks to register; text fields are checked here, nothing is trusted. */
export interface TerminalInput {
  /** System title, 16 hex digits (any case; spaces and colons ignored). */
  readonly systemTitle: string;
  /** @default 'smart-meter' */
  readonly type?: string;
  readonly fusionTerminal?: string | null;
  /** @default 1 */
  readonly tenant?: number;
  /** 32-byte root key; generated when absent. */
  readonly rootKey?: Uint8Array;
}

export type TerminalInputReason =
  | 'BAD_SYSTEM_TITLE'
  | 'BAD_TYPE'
  | 'BAD_FUSION_TERMINAL'
  | 'BAD_TENANT'
  | 'BAD_ROOT_KEY'
  | 'DUPLICATE_IN_INPUT'
  | 'EXISTS';

export interface TerminalInputProblem {
  /** Index of the input (the CLI maps it to a CSV line number). */
  readonly index: number;
  readonly reason: TerminalInputReason;
  readonly detail: string;
}

export interface CheckedTerminal {
  readonly id: TerminalId;
  readonly type: string;
  readonly fusionTerminal: TerminalId | null;
  readonly tenant: TenantId;
  readonly rootKey: Uint8Array | undefined;
}

/** Root keys are 256-bit (spec §2.2 level 0). */
export const ROOT_KEY_BYTES = 32;
const TYPE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Normalises a system title to the TerminalId form (16 lower-case hex digits), or undefined. */
export { toTerminalId };

type Checked =
  { ok: true; value: CheckedTerminal } | { ok: false; reason: TerminalInputReason; detail: string };

/** Checks one input (not against the store). */
export function checkTerminalInput(input: TerminalInput): Checked {
  const id = toTerminalId(input.systemTitle);
  if (id === undefined)
    return { ok: false, reason: 'BAD_SYSTEM_TITLE', detail: 'system title must be 16 hex digits (8 bytes)' };
  const type = input.type ?? 'smart-meter';
  if (!TYPE.test(type)) {
    return {
      ok: false,
      reason: 'BAD_TYPE',
      detail: 'type must be 1..64 of a-z 0-9 . _ - (e.g. smart-meter)',
    };
  }
  const fusion =
    input.fusionTerminal == null || input.fusionTerminal === '' ? null : toTerminalId(input.fusionTerminal);
  if (fusion === undefined)
    return { ok: false, reason: 'BAD_FUSION_TERMINAL', detail: 'fusion terminal must be 16 hex digits' };
  if (fusion === id)
    return {
      ok: false,
      reason: 'BAD_FUSION_TERMINAL',
      detail: 'a terminal cannot be its own fusion terminal',
    };
  const tenant = input.tenant ?? 1;
  if (!Number.isInteger(tenant) || tenant < 0 || tenant > 0xffff_ffff) {
    return { ok: false, reason: 'BAD_TENANT', detail: 'tenant must be an integer 0..4294967295' };
  }
  if (input.rootKey !== undefined && input.rootKey.length !== ROOT_KEY_BYTES) {
    return {
      ok: false,
      reason: 'BAD_ROOT_KEY',
      detail: `root key must be ${ROOT_KEY_BYTES} bytes (64 hex digits)`,
    };
  }
  return {
    ok: true,
    value: { id, type, fusionTerminal: fusion, tenant: tenant as TenantId, rootKey: input.rootKey },
  };
}
