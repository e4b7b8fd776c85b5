// An in-memory VerifyContext: the reference for tests, tools and the single-process CLI decode.
import type { Clock, TerminalId } from '../core/index.ts';
import type { KeyQuery, TerminalKeys, VerifyContext } from './context.ts';
import { createKeyCache } from './key-hierarchy.ts';
import type { KeyStatus } from './key-state.ts';
import type { ReplayState } from './replay-window.ts';

/** Options of {@link createMemoryVerifyContext}. */
export interface MemoryVerifyContextOptions {
  readonly clock: Clock;
  /** Terminals by lower-case system-title hex. */
  readonly terminals: ReadonlyMap<string, TerminalKeys>;
  /** Key states; @default every key of a known terminal is `active`. */
  readonly keyStatus?: (query: KeyQuery) => KeyStatus | undefined;
  /** @default 1024 */
  readonly maxFrameBytes?: number;
}

/** A VerifyContext whose replay windows live in a Map (exposed as `replay`). */
export interface MemoryVerifyContext extends VerifyContext {
  readonly replay: Map<string, ReplayState>;
}

/**
 * Builds an in-memory context.
 * @example
 * const ctx = createMemoryVerifyContext({ clock, terminals: new Map([['4d4d4d0000bc614e', { rootKey, tenant: 1 }]]) });
 * verifyFrame(frame, ctx);
 */
export function createMemoryVerifyContext(options: MemoryVerifyContextOptions): MemoryVerifyContext {
  const allActive = (q: KeyQuery): KeyStatus | undefined =>
    options.terminals.has(q.terminalId) ? { state: 'active' } : undefined;
  const ctx: MemoryVerifyContext = {
    lookupTerminal: (id: TerminalId) => options.terminals.get(id),
    keyStatus: options.keyStatus ?? allActive,
    replay: new Map(),
    keyCache: createKeyCache(),
    clock: options.clock,
  };
  return options.maxFrameBytes === undefined ? ctx : { ...ctx, maxFrameBytes: options.maxFrameBytes };
}
