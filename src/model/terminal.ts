// Terminal identity and the trust partition it belongs to: the validating constructors of TerminalId.
import type { TerminalId } from '../core/index.ts';
import { ModelError } from './errors.ts';

/** The partition of terminals that report to no fusion terminal (direct terminals, fusion terminals themselves). */
export const DIRECT_PARTITION = 'platform';

/**
 * Normalises a system title (`4D:4D:4D:00 00:BC:61:4E`, any case) to the TerminalId form, 16 lower-case
 * hex digits, or undefined when it is not 8 bytes of hex.
 * @example toTerminalId('4D4D4D0000BC614E') // '4d4d4d0000bc614e'
 */
export function toTerminalId(text: string): TerminalId | undefined {
  const clean = text.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{16}$/.test(clean) ? (clean as TerminalId) : undefined;
}

/** Like {@link toTerminalId}, but throws GT_ERR_MODEL_BAD_TERMINAL_ID naming `what` when it does not fit. */
export function parseTerminalId(text: string, what = 'terminal id'): TerminalId {
  const id = toTerminalId(text);
  if (id !== undefined) return id;
  throw new ModelError('GT_ERR_MODEL_BAD_TERMINAL_ID', `${what} is not a system title`, {
    hint: 'give the 8-byte system title as 16 hex digits, e.g. 4d4d4d0000bc614e',
  });
}

/** The trust partition (bus partition, peer group) of a terminal: its fusion terminal, or `platform`. */
export function partitionOf(t: { readonly fusionTerminal?: string | null }): string {
  return t.fusionTerminal ?? DIRECT_PARTITION;
}
